import { assertBinaryMask, assertSameLength } from '@ares/core';
import { MASKED_MEAN_EPSILON, maskedRowSum } from './internal';

/**
 * Mean of the values where the mask is 1, with verl's `masked_mean` semantics including its 1e-8 guard.
 *
 * maskedMean(v, M) = Σ_k where(M_k, v_k, 0) / (Σ_k M_k + 1e-8).
 *
 * @param values - any flat array of numbers
 * @param mask - 0/1 values, the same length as `values`
 * @returns the guarded mean: slightly smaller in magnitude than the plain mean (by the factor n/(n + 1e-8)),
 *   0 for an all-zero mask or empty input
 * @throws {AresError} `SHAPE_MISMATCH` when `mask.length !== values.length`; `INVALID_ARGUMENT` when a mask value
 *   is not 0 or 1
 * @remarks
 * ## Numerics
 * Neumaier-compensated float64 sum in index order, one division. The 1e-8 is reproduced on purpose: verl's
 * whitening of a constant input depends on it (see {@link maskedWhiten}).
 * @example
 * ```ts
 * maskedMean([2, 4, 100], [1, 1, 0]) // 3 / (1 + 5e-9) ≈ 2.999999985
 * ```
 * @see SPEC.md §2.5 (Masked statistics); verl `verl.utils.torch_functional.masked_mean`
 */
export function maskedMean(values: ArrayLike<number>, mask: ArrayLike<number>): number {
  assertSameLength(mask.length, values.length, 'mask', 'values');
  assertBinaryMask(mask, 'mask');
  const { sum, count } = maskedRowSum(values, mask, 0, values.length);
  return sum / (count + MASKED_MEAN_EPSILON);
}
