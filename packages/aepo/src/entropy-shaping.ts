import { assertBoolean, assertInRange, type DifficultyBucket } from '@ares/core';
import { assertBucket } from './validate';

/** Inputs of the `ares` shaping: one rollout's bucket, correctness, HWE count, and its bucket's target and scale. */
export interface EntropyShapingInput {
  /** Difficulty bucket d of the rollout's prompt. */
  readonly bucket: DifficultyBucket;
  /** Whether the answer was graded correct (accuracy 1). */
  readonly correct: boolean;
  /** N = N_HE, the rollout's high-window-entropy count (finite, ≥ 0). */
  readonly hweCount: number;
  /** T = T_d, the bucket's target HWE count (finite, ≥ 0). */
  readonly target: number;
  /** α = α_d, the bucket's scale; the cap is c = α·c_d (finite, ≥ 0). */
  readonly alpha: number;
}

interface BucketShapingParameters {
  readonly marginFraction: number;
  readonly huberKnee: number;
  readonly sigmoidTemperature: number;
  readonly capScale: number;
}

/** The released per-bucket constants (SPEC §2.8 table). */
const PARAMETERS: Readonly<Record<DifficultyBucket, BucketShapingParameters>> = Object.freeze({
  easy: Object.freeze({ marginFraction: 0.15, huberKnee: 2.0, sigmoidTemperature: 2.0, capScale: 1.0 }),
  medium: Object.freeze({ marginFraction: 0.25, huberKnee: 3.0, sigmoidTemperature: 2.5, capScale: 1.0 }),
  hard: Object.freeze({ marginFraction: 0.35, huberKnee: 4.0, sigmoidTemperature: 3.0, capScale: 1.2 }),
});

/**
 * The released Huber penalty: hub(x) = (0.5·x·x)/k if x ≤ k else x − 0.5·k, after x ← max(x, 0).
 * @internal
 */
export function huberPenalty(x: number, knee: number): number {
  const clipped = Math.max(x, 0);
  return clipped <= knee ? (0.5 * clipped * clipped) / knee : clipped - 0.5 * knee;
}

/**
 * The released saturating sigmoid: sig(x) = 1/(1 + exp(−x/max(s, 1e-6))).
 * @internal
 */
export function sigmoidSaturate(x: number, temperature: number): number {
  const softness = Math.max(temperature, 1e-6);
  return 1 / (1 + Math.exp(-x / softness));
}

/** Validates an {@link EntropyShapingInput} (shared with `shapedReward`). @internal */
export function assertEntropyShapingInput(input: EntropyShapingInput): void {
  assertBucket(input.bucket, 'input.bucket');
  assertBoolean(input.correct, 'input.correct');
  assertInRange(input.hweCount, 'input.hweCount', { min: 0 });
  assertInRange(input.target, 'input.target', { min: 0 });
  assertInRange(input.alpha, 'input.alpha', { min: 0 });
}

/**
 * The `ares` entropy shaping term e of one rollout: the released hierarchical HWE reward, evaluated after the
 * bucket, target and scale are known.
 *
 * Δ = N − T, m = max(1, f_d·max(T, 1)), c = α·c_d, with hub and sig as below and, per bucket:
 * easy: correct e = −min(c, (hub(max(Δ − m, 0))/(m + k_d))·c), wrong e = (sig(max(Δ − m, 0))·c)·0.6;
 * medium: correct e = −min(c, (hub(max(|Δ| − m, 0))/(m + k_d))·c), wrong e = (sig(max(Δ − m, 0))·c)·0.8;
 * hard: correct e = sig(Δ − (−m))·c if Δ ≥ −m, else −min(c, ((0.5·hub(−Δ − m))/(m + k_d))·c);
 * wrong e = sig(max(Δ − m, 0))·c. hub(x) = (0.5·x·x)/k_d if x ≤ k_d else x − 0.5·k_d (x ← max(x, 0));
 * sig(x) = 1/(1 + exp(−x/s_d)). Constants (f, k, s, c_d): easy (0.15, 2, 2, 1), medium (0.25, 3, 2.5, 1),
 * hard (0.35, 4, 3, 1.2).
 *
 * @param input - bucket d, correct, N = `hweCount`, T = `target`, α = `alpha` (N, T, α finite and ≥ 0)
 * @returns e, with |e| ≤ α·c_d; a zero penalty is −0, as released (compare with `=== 0`)
 * @throws {AresError} `INVALID_ARGUMENT` when the bucket is unknown, `correct` is not a boolean, or N, T or α is
 *   negative or non-finite
 * @remarks
 * ## Numerics
 * Plain float64 in the exact operation order of the released Python, so results are bit-identical to it except
 * where `exp` is evaluated (wrong answers and hard correct answers with Δ ≥ −m), which may differ by one ulp of
 * the platform `exp`. Correct easy and medium answers never get e > 0; wrong answers always get e > 0 when α > 0.
 * With α ≤ 0.55 a correct answer always scores above a wrong one at the same bucket, target and N
 * (`shapedReward`); across different N this fails for hard prompts at α ≥ 0.432 (SPEC §2.8).
 * @example
 * ```ts
 * entropyShaping({ bucket: 'easy', correct: true, hweCount: 51, target: 28, alpha: 0.5 }) // -0.5
 * entropyShaping({ bucket: 'medium', correct: false, hweCount: 84, target: 55, alpha: 0.475 }) // ≈ 0.3791496176
 * ```
 * @see SPEC.md §2.8 "Shaping `ares`", §6.3; released code (shawn0728/ARES, examples/reward_function/aepo.py)
 */
export function entropyShaping(input: EntropyShapingInput): number {
  assertEntropyShapingInput(input);
  return shapingUnchecked(input.bucket, input.correct, input.hweCount, input.target, input.alpha);
}

/** {@link entropyShaping} without validation, for callers that validated already. @internal */
export function shapingUnchecked(
  bucket: DifficultyBucket,
  correct: boolean,
  hweCount: number,
  target: number,
  alpha: number
): number {
  const { marginFraction, huberKnee, sigmoidTemperature, capScale } = PARAMETERS[bucket];
  const delta = hweCount - target;
  const margin = Math.max(1, marginFraction * Math.max(target, 1));
  const cap = alpha * capScale;
  if (bucket === 'hard') {
    if (!correct) return sigmoidSaturate(Math.max(delta - margin, 0), sigmoidTemperature) * cap;
    if (delta >= -margin) return sigmoidSaturate(delta - -margin, sigmoidTemperature) * cap;
    const penalty = huberPenalty(-delta - margin, huberKnee);
    return -Math.min(cap, ((0.5 * penalty) / (margin + huberKnee)) * cap);
  }
  if (!correct) {
    const wrongFactor = bucket === 'easy' ? 0.6 : 0.8;
    return sigmoidSaturate(Math.max(delta - margin, 0), sigmoidTemperature) * cap * wrongFactor;
  }
  const excess = bucket === 'easy' ? delta - margin : Math.abs(delta) - margin;
  const penalty = huberPenalty(Math.max(excess, 0), huberKnee);
  return -Math.min(cap, (penalty / (margin + huberKnee)) * cap);
}
