import * as tf from '@tensorflow/tfjs-core';
import { assertBoolean } from '@ares/core';
import { assertBesselCount, DEFAULT_MASKED_VARIANCE_OPTIONS, type MaskedVarianceOptions } from '../masked-variance';
import { assertFloatTensor, assertShape, whereMean } from './internal';

/**
 * The verl variance of validated tensors (call inside tf.tidy; `mask` float32); reads ΣM to raise verl's errors.
 * @internal
 */
export function varianceTensors(values: tf.Tensor, mask: tf.Tensor, unbiased: boolean): { mean: tf.Scalar; variance: tf.Scalar } {
  const count = tf.sum(mask);
  if (unbiased) assertBesselCount(count.dataSync()[0]!);
  const mean = whereMean(values, mask);
  let variance = whereMean(tf.square(tf.sub(values, mean)), mask);
  if (unbiased) variance = tf.mul(variance, tf.div(count, tf.sub(count, 1)));
  return { mean, variance };
}

/**
 * tfjs twin of `maskedVariance`: maskedMean((v − μ)², M), times n/(n − 1) when `unbiased`.
 *
 * @param values - float32 tensor of any shape
 * @param mask - 0/1 tensor of the same shape
 * @param options - `unbiased` (default true)
 * @returns a new scalar tensor owned by the caller (dispose it)
 * @throws {AresError} `SHAPE_MISMATCH` when the shapes differ; `INVALID_ARGUMENT` when `values` is not float32,
 *   `options.unbiased` is not a boolean, or `unbiased` with n = 1; `EMPTY_INPUT` when `unbiased` with n = 0
 * @remarks
 * ## Numerics
 * Two passes in float32. With `unbiased` it reads n = ΣM back from the backend (one synchronous scalar read) to
 * raise the same errors as the typed-array function. Differentiable w.r.t. `values`.
 * @example
 * ```ts
 * maskedVariance(tf.tensor1d([1, 2, 3, 100]), tf.tensor1d([1, 1, 1, 0])) // scalar ≈ 1
 * ```
 * @see SPEC.md §1.4 (The /tf subpath) and §2.5 (Masked statistics)
 */
export function maskedVariance(values: tf.Tensor, mask: tf.Tensor, options: MaskedVarianceOptions = {}): tf.Scalar {
  const unbiased = options.unbiased ?? DEFAULT_MASKED_VARIANCE_OPTIONS.unbiased;
  assertBoolean(unbiased, 'options.unbiased');
  assertFloatTensor(values, 'values');
  assertShape(mask, values.shape, 'mask', 'values');
  return tf.tidy(() => varianceTensors(values, tf.cast(mask, 'float32'), unbiased).variance);
}
