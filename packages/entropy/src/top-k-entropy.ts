import { AresError, assertInteger, assertNonEmpty } from '@ares/core';

/** Largest positive log-probability accepted as rounding noise and clamped to 0 (SPEC §2.2). */
const POSITIVE_LOG_PROBABILITY_TOLERANCE = 1e-6;

/** Options of {@link topKEntropy}. */
export interface TopKEntropyOptions {
  /**
   * V, the full vocabulary size: an integer ≥ k (the number of log-probs). Without it the upper bound is +∞
   * whenever tail mass remains.
   * @default undefined (unknown vocabulary)
   */
  readonly vocabSize?: number | undefined;
}

/** Defaults of {@link TopKEntropyOptions}: the vocabulary size is unknown. */
export const DEFAULT_TOP_K_ENTROPY_OPTIONS: Readonly<{ vocabSize: number | undefined }> = Object.freeze({
  vocabSize: undefined,
});

/** Entropy estimates at one position from its top-k log-probabilities, in nats; see {@link topKEntropy}. */
export interface TopKEntropy {
  /** −Σ q_j·ln q_j over the returned tokens only (truncated, no tail term). */
  readonly plain: number;
  /** plain − r·ln r: the tail as one extra outcome; a lower bound on the true entropy (the released estimate). */
  readonly lower: number;
  /** lower + r·ln(V − k): the tail spread evenly over the unseen tokens; +∞ when r > 0 and V is unknown. */
  readonly upper: number;
  /** r = max(0, 1 − Σ q_j), the probability mass outside the returned tokens. */
  readonly tailMass: number;
}

/**
 * Bounds on the entropy of one next-token distribution from the k log-probabilities an API returned.
 *
 * With q_j = exp ℓ_j and tail mass r = max(0, 1 − Σ_j q_j): plain = −Σ_j q_j·ℓ_j, lower = plain − r·ln r
 * (0·ln 0 = 0), upper = lower + r·ln(V − k); the true entropy H satisfies plain ≤ lower ≤ H ≤ upper.
 *
 * @param topLogProbs - ℓ_1..ℓ_k, natural-log probabilities of distinct tokens at one position (deduplicate by
 *   token and include the sampled token when it came back outside the top-k); −∞ is a zero-probability token;
 *   values in (0, 1e-6] are rounding noise and clamped to 0
 * @param options - `vocabSize` V (default: unknown)
 * @returns `{ plain, lower, upper, tailMass }` in nats; all four are NaN when any log-prob is NaN. `upper` is +∞
 *   when r > 0 and V is unknown, and equals `lower` when r = 0 or V = k
 * @throws {AresError} `EMPTY_INPUT` when `topLogProbs` is empty; `INVALID_ARGUMENT` when a log-prob exceeds 1e-6
 *   (parameter `topLogProbs`) or `vocabSize` is not an integer ≥ k (parameter `options.vocabSize`)
 * @remarks
 * ## Numerics
 * Σ q_j uses Neumaier summation in float64, so r = 1 − Σ q_j keeps its accuracy when the returned tokens cover
 * almost all the mass (r is computed by cancellation); the plain term is a float64 sum in index order of
 * non-negative terms. Tokens with q_j = 0 (ℓ_j = −∞ or exp underflow) contribute 0. Merging outcomes never raises
 * entropy, hence lower ≤ H; spreading the tail uniformly maximises it, hence H ≤ upper. The gap
 * upper − lower = r·ln(V − k) can rival an HWE threshold (r = 0.05, V = 151,665 → 0.60 nats).
 * @example
 * ```ts
 * const { plain, lower, upper, tailMass } = topKEntropy([Math.log(0.5), Math.log(0.3)], { vocabSize: 10 });
 * // plain ≈ 0.7078, tailMass ≈ 0.2, lower ≈ 1.0297 (entropy of (0.5, 0.3, 0.2)), upper ≈ 1.4455
 * ```
 * @see SPEC.md §2.2 (Top-k entropy from API log-probs) and §4.4; released code (shawn0728/ARES,
 *   verl/workers/rollout/vllm_rollout_spmd.py, `compute_entropy_from_logprobs`)
 */
export function topKEntropy(topLogProbs: ArrayLike<number>, options: TopKEntropyOptions = {}): TopKEntropy {
  const k = topLogProbs.length;
  assertNonEmpty(k, 'topLogProbs');
  const vocabSize = options.vocabSize ?? DEFAULT_TOP_K_ENTROPY_OPTIONS.vocabSize;
  if (vocabSize !== undefined) assertInteger(vocabSize, 'options.vocabSize', k);
  let hasNaN = false;
  for (let index = 0; index < k; index++) {
    const value = topLogProbs[index]!;
    if (value !== value) hasNaN = true;
    else if (value > POSITIVE_LOG_PROBABILITY_TOLERANCE) {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: 'topLogProbs',
        value,
        message: `topLogProbs: element ${index} is ${value}; log-probabilities must be ≤ 0 (values up to 1e-6 are clamped)`,
      });
    }
  }
  if (hasNaN) return { plain: Number.NaN, lower: Number.NaN, upper: Number.NaN, tailMass: Number.NaN };

  // Σ q_j with Neumaier compensation (all terms are in [0, 1], so no infinities); the plain term in index order.
  let mass = 0;
  let correction = 0;
  let plain = 0;
  for (let index = 0; index < k; index++) {
    const logProbability = Math.min(topLogProbs[index]!, 0);
    const probability = Math.exp(logProbability);
    const total = mass + probability;
    correction += mass >= probability ? mass - total + probability : probability - total + mass;
    mass = total;
    if (probability > 0) plain -= probability * logProbability;
  }
  // 1 − mass is exact (Sterbenz) when the mass is near 1; the correction is subtracted afterwards.
  const tailMass = Math.max(0, 1 - mass - correction);
  const lower = tailMass > 0 ? plain - tailMass * Math.log(tailMass) : plain;
  let upper: number;
  if (tailMass === 0 || vocabSize === k) upper = lower;
  else if (vocabSize === undefined) upper = Number.POSITIVE_INFINITY;
  else upper = lower + tailMass * Math.log(vocabSize - k);
  return { plain, lower, upper, tailMass };
}
