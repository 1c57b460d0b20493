import * as tf from '@tensorflow/tfjs-core';
import { assertFloatTensor, assertRank, assertShape } from './internal';

/**
 * tfjs twin of `tokenAdvantages`: broadcasts one advantage per row over its mask, A[i, t] = a_i·M[i, t].
 *
 * @param advantages - float32 tensor of shape [rows]
 * @param mask - 0/1 tensor of shape [rows, columns]
 * @returns a new float32 tensor [rows, columns] owned by the caller (dispose it)
 * @throws {AresError} `SHAPE_MISMATCH` when `advantages` is not rank 1, `mask` is not rank 2 or the row counts
 *   differ; `INVALID_ARGUMENT` when `advantages` is not float32
 * @remarks
 * ## Numerics
 * A plain product, so a NaN advantage reaches the masked-out positions of its row (NaN·0 = NaN), as in verl.
 * Differentiable w.r.t. `advantages` (the gradient of a_i is Σ_t M[i, t]·dy[i, t]).
 * @example
 * ```ts
 * tokenAdvantages(tf.tensor1d([2, -1]), tf.tensor2d([[1, 1, 0], [1, 0, 0]])) // [[2, 2, 0], [−1, −0, −0]]
 * ```
 * @see SPEC.md §1.4 (The /tf subpath) and §2.5 (tokenAdvantages)
 */
export function tokenAdvantages(advantages: tf.Tensor1D, mask: tf.Tensor2D): tf.Tensor2D {
  assertFloatTensor(advantages, 'advantages', 1);
  assertRank(mask, 2, 'mask');
  assertShape(advantages, [mask.shape[0]], 'advantages', 'mask rows');
  return tf.tidy(() => tf.mul(tf.expandDims(advantages, 1), tf.cast(mask, 'float32')) as tf.Tensor2D);
}
