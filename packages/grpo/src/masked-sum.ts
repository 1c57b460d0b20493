import { assertBinaryMask, assertSameLength } from '@ares/core';
import { maskedRowSum } from './internal';

/**
 * Sum of the values where the mask is 1, with verl's `masked_sum` semantics.
 *
 * maskedSum(v, M) = Σ_k where(M_k, v_k, 0), so NaN or ±Infinity at a masked-out position does not leak.
 *
 * @param values - any flat array of numbers (a row-major matrix or a vector)
 * @param mask - 0/1 values, the same length as `values`
 * @returns the sum over the unmasked positions; 0 when nothing is unmasked (including empty input)
 * @throws {AresError} `SHAPE_MISMATCH` when `mask.length !== values.length`; `INVALID_ARGUMENT` when a mask value
 *   is not 0 or 1
 * @remarks
 * ## Numerics
 * Neumaier-compensated float64 sum in index order; the error is about 2ε·|Σ| independent of the length. NaN or
 * ±Infinity at an unmasked position propagates.
 * @example
 * ```ts
 * maskedSum([1, 2, Number.NaN], [1, 1, 0]) // 3
 * ```
 * @see SPEC.md §2.5 (Masked statistics); verl `verl.utils.torch_functional.masked_sum`
 */
export function maskedSum(values: ArrayLike<number>, mask: ArrayLike<number>): number {
  assertSameLength(mask.length, values.length, 'mask', 'values');
  assertBinaryMask(mask, 'mask');
  return maskedRowSum(values, mask, 0, values.length).sum;
}
