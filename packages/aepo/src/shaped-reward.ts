import { assertEntropyShapingInput, shapingUnchecked, type EntropyShapingInput } from './entropy-shaping';

/**
 * The `ares` shaped reward of one rollout (the released `overall`): accuracy plus the entropy shaping term.
 *
 * R = (correct ? 1 : 0) + e, e = `entropyShaping(input)`.
 *
 * @param input - bucket d, correct, N = `hweCount`, T = `target`, α = `alpha` (N, T, α finite and ≥ 0)
 * @returns R, in [1 − α·c_d, 1 + α·c_d] for correct answers and (0, α·c_d] for wrong ones (α > 0)
 * @throws {AresError} `INVALID_ARGUMENT` when the bucket is unknown, `correct` is not a boolean, or N, T or α is
 *   negative or non-finite
 * @remarks
 * ## Numerics
 * One float64 addition after {@link entropyShaping}, as released (`float(accuracy) + float(e)`), so a −0 penalty
 * gives exactly 1. The released format score is logged there, never added.
 * @example
 * ```ts
 * shapedReward({ bucket: 'easy', correct: true, hweCount: 51, target: 28, alpha: 0.5 }) // 0.5
 * ```
 * @see SPEC.md §2.8 "Shaping `ares`"; released code (shawn0728/ARES, examples/reward_function/aepo.py)
 */
export function shapedReward(input: EntropyShapingInput): number {
  assertEntropyShapingInput(input);
  const entropyScore = shapingUnchecked(input.bucket, input.correct, input.hweCount, input.target, input.alpha);
  return (input.correct ? 1 : 0) + entropyScore;
}
