import * as tf from '@tensorflow/tfjs-core';
import { assertFloatTensor, assertShape, whereMean } from './internal';

/**
 * tfjs twin of `maskedMean`: Σ where(M, v, 0) / (ΣM + 1e-8), as a scalar tensor.
 *
 * @param values - float32 tensor of any shape
 * @param mask - 0/1 tensor of the same shape
 * @returns a new scalar tensor owned by the caller (dispose it); 0 for an all-zero mask
 * @throws {AresError} `SHAPE_MISMATCH` when the shapes differ; `INVALID_ARGUMENT` when `values` is not float32
 * @remarks
 * ## Numerics
 * In float32, ΣM + 1e-8 rounds to ΣM whenever ΣM ≥ 1, so the guard only matters for an all-zero mask (as in verl
 * on float32 tensors). Differentiable w.r.t. `values`: the gradient is M/(ΣM + 1e-8).
 * @example
 * ```ts
 * maskedMean(tf.tensor1d([2, 4, 100]), tf.tensor1d([1, 1, 0])) // scalar 3
 * ```
 * @see SPEC.md §1.4 (The /tf subpath) and §2.5 (Masked statistics)
 */
export function maskedMean(values: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  assertFloatTensor(values, 'values');
  assertShape(mask, values.shape, 'mask', 'values');
  return tf.tidy(() => whereMean(values, tf.cast(mask, 'float32')));
}
