import * as tf from '@tensorflow/tfjs-core';
import { assertBoolean } from '@ares/core';
import { DEFAULT_MASKED_WHITEN_OPTIONS, type MaskedWhitenOptions } from '../masked-whiten';
import { assertFloatTensor, assertShape } from './internal';
import { varianceTensors } from './masked-variance';

/**
 * tfjs twin of `maskedWhiten`: (v − μ)·(var_unbiased + 1e-8)^(−1/2) at every position (plus μ when
 * `shiftMean` is false).
 *
 * @param values - float32 tensor of any shape
 * @param mask - 0/1 tensor of the same shape
 * @param options - `shiftMean` (default true)
 * @returns a new tensor of the shape of `values`, owned by the caller (dispose it)
 * @throws {AresError} as the tfjs `maskedVariance` with `unbiased: true`; `INVALID_ARGUMENT` when
 *   `options.shiftMean` is not a boolean
 * @remarks
 * ## Numerics
 * float32. Unlike the float64 function, a constant input whitens to 0 here: in float32 the 1e-8 guard of the mean
 * vanishes (n + 1e-8 = n), exactly as verl on float32 tensors. Reads n = ΣM once to validate. Differentiable.
 * @example
 * ```ts
 * maskedWhiten(tf.tensor1d([1, 3]), tf.tensor1d([1, 1])) // ≈ [−0.7071, 0.7071]
 * ```
 * @see SPEC.md §1.4 (The /tf subpath) and §2.5 (Masked statistics)
 */
export function maskedWhiten(values: tf.Tensor, mask: tf.Tensor, options: MaskedWhitenOptions = {}): tf.Tensor {
  const shiftMean = options.shiftMean ?? DEFAULT_MASKED_WHITEN_OPTIONS.shiftMean;
  assertBoolean(shiftMean, 'options.shiftMean');
  assertFloatTensor(values, 'values');
  assertShape(mask, values.shape, 'mask', 'values');
  return tf.tidy(() => {
    const { mean, variance } = varianceTensors(values, tf.cast(mask, 'float32'), true);
    const whitened = tf.mul(tf.sub(values, mean), tf.rsqrt(tf.add(variance, 1e-8)));
    return shiftMean ? whitened : tf.add(whitened, mean);
  });
}
