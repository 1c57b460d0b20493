import { assertBinaryMask, assertBoolean, assertSameLength } from '@ares/core';
import { varianceKernel } from './masked-variance';

/** Options of {@link maskedWhiten}. */
export interface MaskedWhitenOptions {
  /**
   * Leave the result centred (true) or add the mean back after scaling (false), as verl's `shift_mean`.
   * @default true
   */
  readonly shiftMean?: boolean;
}

/** Defaults of {@link MaskedWhitenOptions}. */
export const DEFAULT_MASKED_WHITEN_OPTIONS: Readonly<Required<MaskedWhitenOptions>> = Object.freeze({ shiftMean: true });

/**
 * Whitens every position with the statistics of the unmasked ones, with verl's `masked_whiten` semantics.
 *
 * w_k = (v_k − μ)·(var + 1e-8)^(−1/2) with μ = maskedMean(v, M) and var the unbiased {@link maskedVariance};
 * with `shiftMean: false`, w_k + μ.
 *
 * @param values - any flat array of numbers
 * @param mask - 0/1 values, the same length as `values`
 * @param options - `shiftMean` (default true)
 * @returns a new `Float64Array` of `values.length`; masked-out positions are transformed too (verl does not
 *   mask the output)
 * @throws {AresError} as {@link maskedVariance} with `unbiased: true` (`EMPTY_INPUT` for n = 0,
 *   `INVALID_ARGUMENT` for n = 1); `INVALID_ARGUMENT` when `options.shiftMean` is not a boolean
 * @remarks
 * ## Numerics
 * Because μ carries the 1e-8 guard, a constant input c gives (c·1e-8/(n + 1e-8))·(1e-8)^(−1/2) ≈ c·1e-4/n at
 * every position, not 0 — reproduced from verl. NaN at a masked-out position stays NaN at that position only.
 * @example
 * ```ts
 * maskedWhiten([1, 3], [1, 1]) // ≈ [−0.7071, 0.7071]
 * ```
 * @see SPEC.md §2.5 (Masked statistics); verl `verl.utils.torch_functional.masked_whiten`
 */
export function maskedWhiten(
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
  options: MaskedWhitenOptions = {},
): Float64Array {
  const shiftMean = options.shiftMean ?? DEFAULT_MASKED_WHITEN_OPTIONS.shiftMean;
  assertBoolean(shiftMean, 'options.shiftMean');
  assertSameLength(mask.length, values.length, 'mask', 'values');
  assertBinaryMask(mask, 'mask');
  const { mean, variance } = varianceKernel(values, mask, true);
  const scale = 1 / Math.sqrt(variance + 1e-8);
  const out = new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) {
    const whitened = (values[index]! - mean) * scale;
    out[index] = shiftMean ? whitened : whitened + mean;
  }
  return out;
}
