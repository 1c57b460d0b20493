import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertInteger, assertNonEmpty } from '@ares/core';
import { DEFAULT_TOP_K_ENTROPY_OPTIONS, type TopKEntropyOptions } from '../top-k-entropy';
import { customGradient } from './custom-gradient';
import { assertFloat32, assertHasLastAxis, expandLast, zeroNegativeInfinity } from './validate';

/** Largest positive log-probability accepted as rounding noise and clamped to 0 (SPEC §2.2). */
const POSITIVE_LOG_PROBABILITY_TOLERANCE = 1e-6;

/** The four top-k entropy estimates as tensors of the leading shape; see {@link topKEntropy}. */
export interface TopKEntropyTensors {
  /** −Σ q_j·ln q_j over the returned tokens only (truncated, no tail term). */
  readonly plain: tf.Tensor;
  /** plain − r·ln r: the tail as one extra outcome; a lower bound on the true entropy (the released estimate). */
  readonly lower: tf.Tensor;
  /** lower + r·ln(V − k): the tail spread evenly over the unseen tokens; +∞ where r > 0 and V is unknown. */
  readonly upper: tf.Tensor;
  /** r = max(0, 1 − Σ q_j), the probability mass outside the returned tokens. */
  readonly tailMass: tf.Tensor;
}

/** Forward quantities shared by the four estimates, all float32 (`[..., k]` or the leading shape). */
interface TopKParts {
  /** q_j = exp(min(ℓ_j, 0)). */
  readonly probabilities: tf.Tensor;
  /** min(ℓ_j, 0) with −∞ replaced by 0, so that q_j·ln q_j is 0·0 for a zero-probability token. */
  readonly finiteLog: tf.Tensor;
  /** 1 where the input was clamped (ℓ_j in (0, 1e-6]); the estimates do not depend on such entries. */
  readonly clamped: tf.Tensor;
  readonly plain: tf.Tensor;
  readonly tailMass: tf.Tensor;
  /** 1 where r > 0, else 0 (also for NaN). */
  readonly hasTail: tf.Tensor;
  /** ln r where r > 0, else 0. */
  readonly logTail: tf.Tensor;
  /** plain − r·ln r. */
  readonly lower: tf.Tensor;
}

function topKParts(input: tf.Tensor): TopKParts {
  const positive = tf.greater(input, tf.scalar(0));
  const logProbabilities = tf.where(positive, tf.zerosLike(input), input);
  const probabilities = tf.exp(logProbabilities);
  const finiteLog = zeroNegativeInfinity(logProbabilities);
  const plain = tf.sub(tf.scalar(0), tf.sum(tf.mul(probabilities, finiteLog), -1)); // +0, not −0, for one token
  const tailMass = tf.relu(tf.sub(tf.scalar(1), tf.sum(probabilities, -1)));
  const tailPresent = tf.greater(tailMass, tf.scalar(0));
  const hasTail = tf.cast(tailPresent, 'float32');
  // r·ln r with ln 1 = 0 substituted where r = 0, so that 0·ln 0 is 0·0 (NaN r stays NaN through the product).
  const logTail = tf.log(tf.where(tailPresent, tailMass, tf.onesLike(tailMass)));
  const lower = tf.sub(plain, tf.mul(tailMass, logTail));
  return { probabilities, finiteLog, clamped: tf.cast(positive, 'float32'), plain, tailMass, hasTail, logTail, lower };
}

/** The gradient of each estimate with respect to ℓ, before the clamp mask and the upstream gradient. */
type TopKGradient = (parts: Readonly<Record<'probabilities' | 'finiteLog' | 'hasTail' | 'logTail', tf.Tensor>>) => tf.Tensor;

function estimate(pick: (parts: TopKParts) => tf.Tensor, gradient: TopKGradient): (input: tf.Tensor) => tf.Tensor {
  return customGradient((input, save) => {
    const parts = topKParts(input);
    save([parts.probabilities, parts.finiteLog, parts.clamped, parts.hasTail, parts.logTail]);
    return {
      value: pick(parts),
      gradFunc: (upstream, saved) => {
        const [probabilities, finiteLog, clamped, hasTail, logTail] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        const perLogProbability = gradient({
          probabilities,
          finiteLog,
          hasTail: expandLast(hasTail),
          logTail: expandLast(logTail),
        });
        // Clamped entries (ℓ_j in (0, 1e-6]) are constants of the estimate: their gradient is 0.
        const unclamped = tf.sub(tf.scalar(1), clamped);
        return tf.mul(tf.mul(perLogProbability, unclamped), expandLast(upstream));
      },
    };
  });
}

/** ∂plain/∂ℓ_j = −q_j·(ℓ_j + 1). */
const plainGradient: TopKGradient = ({ probabilities, finiteLog }) =>
  tf.neg(tf.mul(probabilities, tf.add(finiteLog, tf.scalar(1))));

/** ∂r/∂ℓ_j = −q_j where r > 0, else 0. */
const tailMassGradient: TopKGradient = ({ probabilities, hasTail }) => tf.neg(tf.mul(probabilities, hasTail));

/** ∂lower/∂ℓ_j = ∂plain/∂ℓ_j − (ln r + 1)·∂r/∂ℓ_j = q_j·(ln r − ℓ_j) where r > 0, else ∂plain/∂ℓ_j. */
const lowerGradient: TopKGradient = (parts) =>
  tf.sub(plainGradient(parts), tf.mul(tf.add(parts.logTail, tf.scalar(1)), tailMassGradient(parts)));

/**
 * Entropy estimates from top-k log-probabilities over the last axis of a tensor: the TensorFlow.js twin of the
 * typed-array `topKEntropy`, one position per row.
 *
 * With q_j = exp ℓ_j and tail mass r = max(0, 1 − Σ_j q_j): plain = −Σ_j q_j·ℓ_j, lower = plain − r·ln r
 * (0·ln 0 = 0), upper = lower + r·ln(V − k); the true entropy H satisfies plain ≤ lower ≤ H ≤ upper.
 * Gradients: ∂plain/∂ℓ_j = −q_j(ℓ_j + 1); ∂r/∂ℓ_j = −q_j; ∂lower/∂ℓ_j = q_j(ln r − ℓ_j);
 * ∂upper/∂ℓ_j = q_j(ln r − ℓ_j − ln(V − k)) (the r-terms where r > 0 only).
 *
 * @param topLogProbs - float32 tensor of rank ≥ 1, `[positions, k]` typically: each row holds the natural-log
 *   probabilities ℓ_1..ℓ_k of distinct tokens at one position (deduplicated, the sampled token included when it
 *   came back outside the top-k); −∞ is a zero-probability token and still counts among the k seen tokens;
 *   values in (0, 1e-6] are rounding noise and clamped to 0. Not modified.
 * @param options - `vocabSize` V (default: unknown)
 * @returns `{ plain, lower, upper, tailMass }`, four new float32 tensors of the leading shape (`topLogProbs.shape`
 *   without its last axis; scalars for a 1-D input), in nats. A row with a NaN gives NaN in all four; `upper` is
 *   +∞ where r > 0 and V is unknown, and equals `lower` where r = 0 or V = k. The caller owns all four tensors
 *   and must dispose them.
 * @throws {AresError} `EMPTY_INPUT` when the last axis is empty (k = 0); `INVALID_ARGUMENT` when `topLogProbs`
 *   is not float32 or holds a value above 1e-6 (parameter `topLogProbs`), or `vocabSize` is not an integer ≥ k
 *   (parameter `options.vocabSize`); `SHAPE_MISMATCH` when `topLogProbs` is a scalar
 * @remarks
 * ## Numerics
 * Float32 sums over k in index order: r = 1 − Σ q_j loses about k·6e-8 absolutely to cancellation when the
 * returned tokens cover almost all the mass (the typed-array function uses compensated float64 sums), which
 * keeps agreement within rtol 1e-4 / atol 1e-5. A tail below that resolution may come out as r = 0 here and
 * as a tiny r > 0 there (or the reverse), so without `vocabSize` `upper`, which jumps from `lower` to +∞ as r
 * leaves 0, can differ from the typed-array value for such rows. Tokens with q_j = 0 contribute exactly 0 (no
 * 0·(−∞)). The input
 * is read back once (`dataSync`) to reject positive log-probabilities, as the typed-array function does.
 *
 * ## Gradient
 * Each estimate is differentiable with respect to `topLogProbs` through a custom gradient applying the closed
 * forms above: finite at −∞ entries (0 there), 0 for clamped entries, and without the r-terms where r = 0 (the
 * one-sided derivative of max(0, ·)). Where `upper` is +∞ its gradient is 0. ∂lower/∂ℓ_j grows like ln r as
 * r → 0⁺, as the true derivative does.
 *
 * The whole body runs in `tf.tidy`; intermediates are freed.
 * @example
 * ```ts
 * const { plain, lower, upper, tailMass } = topKEntropy(tf.log(tf.tensor2d([[0.5, 0.3]])), { vocabSize: 10 });
 * // plain ≈ [0.7078], tailMass ≈ [0.2], lower ≈ [1.0297], upper ≈ [1.4455]
 * tf.dispose([plain, lower, upper, tailMass]);
 * ```
 * @see SPEC.md §1.4 (the `/tf` subpath), §2.2 (Top-k entropy from API log-probs)
 */
export function topKEntropy(topLogProbs: tf.Tensor, options: TopKEntropyOptions = {}): TopKEntropyTensors {
  assertFloat32(topLogProbs, 'topLogProbs');
  assertHasLastAxis(topLogProbs, 'topLogProbs', 'returned tokens');
  const k = topLogProbs.shape[topLogProbs.rank - 1]!;
  assertNonEmpty(k, 'topLogProbs');
  const vocabSize = options.vocabSize ?? DEFAULT_TOP_K_ENTROPY_OPTIONS.vocabSize;
  if (vocabSize !== undefined) assertInteger(vocabSize, 'options.vocabSize', k);
  const values = topLogProbs.dataSync();
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (value > POSITIVE_LOG_PROBABILITY_TOLERANCE) {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: 'topLogProbs',
        value,
        message: `topLogProbs: element ${index} is ${value}; log-probabilities must be ≤ 0 (values up to 1e-6 are clamped)`,
      });
    }
  }
  let upper: (input: tf.Tensor) => tf.Tensor;
  if (vocabSize === k) {
    upper = estimate((parts) => parts.lower, lowerGradient);
  } else if (vocabSize === undefined) {
    upper = estimate(
      (parts) => tf.where(tf.greater(parts.tailMass, tf.scalar(0)), tf.fill(parts.tailMass.shape, Infinity), parts.lower),
      // +∞ where r > 0 (gradient 0), lower where r = 0.
      (parts) => tf.mul(lowerGradient(parts), tf.sub(tf.scalar(1), parts.hasTail)),
    );
  } else {
    const logUnseen = Math.log(vocabSize - k);
    upper = estimate(
      (parts) => tf.add(parts.lower, tf.mul(parts.tailMass, tf.scalar(logUnseen))),
      (parts) => tf.add(lowerGradient(parts), tf.mul(tailMassGradient(parts), tf.scalar(logUnseen))),
    );
  }
  return tf.tidy(() => ({
    plain: estimate((parts) => parts.plain, plainGradient)(topLogProbs),
    lower: estimate((parts) => parts.lower, lowerGradient)(topLogProbs),
    upper: upper(topLogProbs),
    tailMass: estimate((parts) => parts.tailMass, tailMassGradient)(topLogProbs),
  }));
}
