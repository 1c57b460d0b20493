import * as tf from '@tensorflow/tfjs-core';
import { assertFloatTensor, assertShape, whereSum } from './internal';

/**
 * tfjs twin of `maskedSum`: Σ where(M, v, 0) over all elements, as a scalar tensor.
 *
 * @param values - float32 tensor of any shape
 * @param mask - 0/1 tensor of the same shape (any dtype; non-zero counts as 1)
 * @returns a new scalar tensor owned by the caller (dispose it)
 * @throws {AresError} `SHAPE_MISMATCH` when the shapes differ; `INVALID_ARGUMENT` when `values` is not float32
 * @remarks
 * ## Numerics
 * float32 `tf.sum` of the backend (agrees with the float64 function within rtol 1e-4 / atol 1e-5 for moderate
 * sizes). Differentiable w.r.t. `values`: the gradient is M (0 at masked-out positions, even where v is NaN).
 * Mask values are not checked for 0/1 (that would need a device read).
 * @example
 * ```ts
 * maskedSum(tf.tensor1d([1, 2, NaN]), tf.tensor1d([1, 1, 0])) // scalar 3
 * ```
 * @see SPEC.md §1.4 (The /tf subpath) and §2.5 (Masked statistics)
 */
export function maskedSum(values: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  assertFloatTensor(values, 'values');
  assertShape(mask, values.shape, 'mask', 'values');
  return tf.tidy(() => whereSum(values, mask));
}
