import { AresError, assertBinaryMask, assertBoolean, assertSameLength, NeumaierAccumulator } from '@ares/core';
import { MASKED_MEAN_EPSILON, maskedRowSum } from './internal';

/** Options of {@link maskedVariance}. */
export interface MaskedVarianceOptions {
  /**
   * Apply Bessel's correction n/(n − 1) (verl's default).
   * @default true
   */
  readonly unbiased?: boolean;
}

/** Defaults of {@link MaskedVarianceOptions}. */
export const DEFAULT_MASKED_VARIANCE_OPTIONS: Readonly<Required<MaskedVarianceOptions>> = Object.freeze({ unbiased: true });

/**
 * Variance of the values where the mask is 1, with verl's `masked_var` semantics.
 *
 * μ = maskedMean(v, M); var = maskedMean((v − μ)², M), times n/(n − 1) when `unbiased` (n = ΣM).
 *
 * @param values - any flat array of numbers
 * @param mask - 0/1 values, the same length as `values`
 * @param options - `unbiased` (default true)
 * @returns the variance; the biased form gives 0 for an all-zero mask
 * @throws {AresError} `SHAPE_MISMATCH` when the lengths differ; `INVALID_ARGUMENT` when a mask value is not 0 or
 *   1, when `unbiased` and n = 1, or when `options.unbiased` is not a boolean; `EMPTY_INPUT` when `unbiased` and
 *   n = 0 (verl raises in both cases)
 * @remarks
 * ## Numerics
 * Two passes (mean, then squared deviations), both Neumaier-compensated in float64. Both means carry verl's
 * 1e-8 guard, so the biased variance of n values is (n/(n + 1e-8))·(plain variance) up to the shifted mean.
 * @example
 * ```ts
 * maskedVariance([1, 2, 3, 100], [1, 1, 1, 0]) // ≈ 1
 * ```
 * @see SPEC.md §2.5 (Masked statistics); verl `verl.utils.torch_functional.masked_var`
 */
export function maskedVariance(
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
  options: MaskedVarianceOptions = {},
): number {
  const unbiased = options.unbiased ?? DEFAULT_MASKED_VARIANCE_OPTIONS.unbiased;
  assertBoolean(unbiased, 'options.unbiased');
  assertSameLength(mask.length, values.length, 'mask', 'values');
  assertBinaryMask(mask, 'mask');
  return varianceKernel(values, mask, unbiased).variance;
}

/**
 * Mean and verl variance of a validated input; throws the unbiased-case errors.
 * @internal
 */
export function varianceKernel(
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
  unbiased: boolean,
): { mean: number; variance: number } {
  const { sum, count } = maskedRowSum(values, mask, 0, values.length);
  if (unbiased) assertBesselCount(count);
  const mean = sum / (count + MASKED_MEAN_EPSILON);
  const squares = new NeumaierAccumulator();
  for (let index = 0; index < values.length; index++) {
    if (mask[index] === 1) {
      const deviation = values[index]! - mean;
      squares.add(deviation * deviation);
    }
  }
  let variance = (squares.value + 0) / (count + MASKED_MEAN_EPSILON); // + 0: biased n = 0 gives +0, as in torch
  if (unbiased) variance *= count / (count - 1);
  return { mean, variance };
}

/**
 * verl's checks before Bessel's correction: n = 0 → `EMPTY_INPUT`, n = 1 → `INVALID_ARGUMENT` (parameter `mask`).
 * @internal
 */
export function assertBesselCount(count: number): void {
  if (count === 0) {
    throw new AresError({ code: 'EMPTY_INPUT', parameter: 'mask', value: count, message: 'mask: the unbiased variance needs at least one unmasked value, got none' });
  }
  if (count === 1) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'mask', value: count, message: 'mask: the unbiased variance of a single unmasked value divides by zero' });
  }
}
