import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertSameShape } from '@ares/core';
import { type AggregationSettings } from '../aggregate-loss';

/**
 * Throws `SHAPE_MISMATCH` unless `tensor` has the given rank, and `INVALID_ARGUMENT` unless it is float32.
 * @internal
 */
export function assertFloatTensor(tensor: tf.Tensor, parameter: string, rank?: number): void {
  if (!(tensor instanceof tf.Tensor)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: tensor, message: `${parameter}: expected a tf.Tensor` });
  }
  if (rank !== undefined && tensor.rank !== rank) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter, value: tensor.shape, message: `${parameter}: expected rank ${rank}, got shape [${tensor.shape.join(', ')}]` });
  }
  if (tensor.dtype !== 'float32') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: tensor.dtype, message: `${parameter}: expected a float32 tensor, got ${tensor.dtype}` });
  }
}

/**
 * Throws `SHAPE_MISMATCH` unless `tensor` is a tensor of the given rank (any dtype).
 * @internal
 */
export function assertRank(tensor: tf.Tensor, rank: number, parameter: string): void {
  if (!(tensor instanceof tf.Tensor) || tensor.rank !== rank) {
    const shape = tensor instanceof tf.Tensor ? `shape [${tensor.shape.join(', ')}]` : 'not a tf.Tensor';
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter, value: tensor instanceof tf.Tensor ? tensor.shape : tensor, message: `${parameter}: expected a rank-${rank} tensor, got ${shape}` });
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `tensor` is a tensor and `SHAPE_MISMATCH` unless it has exactly `shape`.
 * @internal
 */
export function assertShape(tensor: tf.Tensor, shape: readonly number[], parameter: string, expectedName: string): void {
  if (!(tensor instanceof tf.Tensor)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: tensor, message: `${parameter}: expected a tf.Tensor` });
  }
  assertSameShape(tensor.shape, shape, parameter, expectedName);
}

/**
 * Throws `EMPTY_INPUT` when the tensor has no elements.
 * @internal
 */
export function assertNonEmptyTensor(tensor: tf.Tensor, parameter: string): void {
  if (tensor.size === 0) {
    throw new AresError({ code: 'EMPTY_INPUT', parameter, value: tensor.shape, message: `${parameter}: must not be empty` });
  }
}

/**
 * Σ where(M, v, 0) over all elements (call inside tf.tidy).
 * @internal
 */
export function whereSum(values: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.sum(tf.where(tf.cast(mask, 'bool'), values, tf.zerosLike(values)));
}

/**
 * verl masked mean Σ where(M, v, 0) / (ΣM + 1e-8) (call inside tf.tidy; `mask` float32).
 * @internal
 */
export function whereMean(values: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.div(whereSum(values, mask), tf.add(tf.sum(mask), 1e-8));
}

/**
 * The aggregation of `aggregateLoss` on rank-2 float32 tensors (call inside tf.tidy; `mask` float32).
 * @internal
 */
export function aggregateKernel(values: tf.Tensor2D, mask: tf.Tensor2D, settings: AggregationSettings): tf.Scalar {
  const { mode, convention, legacy, tokenCount, sequenceCount, scaleFactor } = settings;
  const [rows, columns] = values.shape;
  const scale = scaleFactor ?? columns;
  if (convention === 'verl' && (mode === 'token-mean' || mode === 'token-sum')) {
    const total = whereSum(values, mask);
    if (mode === 'token-sum') return total;
    return tf.div(total, tokenCount ?? tf.sum(mask));
  }
  const rowSums = tf.sum(tf.mul(values, mask), 1);
  const rowCounts = tf.sum(mask, 1);
  if (convention === 'trl') {
    const sequences = sequenceCount ?? rows;
    switch (mode) {
      case 'token-mean':
        return tf.div(tf.sum(rowSums), tokenCount ?? tf.maximum(tf.sum(rowCounts), 1));
      case 'token-sum':
        return tf.sum(rowSums);
      case 'seq-mean-token-sum':
        return tf.div(tf.sum(rowSums), sequences);
      case 'seq-mean-token-mean':
        return tf.div(tf.sum(tf.div(rowSums, tf.maximum(rowCounts, 1))), sequences);
      case 'seq-mean-token-sum-norm':
        return tf.div(tf.sum(rowSums), sequences * scale);
    }
  }
  if (mode === 'seq-mean-token-sum-norm' && legacy) return tf.div(tf.sum(rowSums), scale);
  const nonEmpty = tf.greater(rowCounts, 0);
  const sequences = sequenceCount ?? tf.sum(tf.cast(nonEmpty, 'float32'));
  const perRow = mode === 'seq-mean-token-mean' ? tf.div(rowSums, tf.add(rowCounts, 1e-8)) : rowSums;
  const mean: tf.Scalar = tf.div(tf.sum(tf.where(nonEmpty, perRow, tf.zerosLike(perRow))), sequences);
  return mode === 'seq-mean-token-sum-norm' ? (tf.div(mean, scale) as tf.Scalar) : mean;
}
