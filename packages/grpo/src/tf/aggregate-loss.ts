import * as tf from '@tensorflow/tfjs-core';
import { type AggregateLossOptions, type AggregationMode, resolveAggregation } from '../aggregate-loss';
import { aggregateKernel, assertFloatTensor, assertNonEmptyTensor, assertShape } from './internal';

/**
 * tfjs twin of `aggregateLoss`: reduces a [rows, columns] loss tensor to a scalar with verl's or TRL's rules.
 *
 * Same modes, options and formulas as the typed-array function (the row length is the tensor's second
 * dimension, the default C of `seq-mean-token-sum-norm`).
 *
 * @param values - float32 per-token losses [rows, columns]
 * @param mask - 0/1 tensor of the same shape
 * @param mode - the aggregation mode
 * @param options - `tokenCount`, `sequenceCount`, `scaleFactor`, `legacy`, `convention`
 * @returns a new scalar tensor owned by the caller (dispose it)
 * @throws {AresError} `UNSUPPORTED` for an unknown mode or convention; `INVALID_ARGUMENT` for a bad override,
 *   `legacy` or a non-float32 `values`; `SHAPE_MISMATCH` when `values` is not rank 2 or `mask` has another shape;
 *   `EMPTY_INPUT` when `values` has no elements
 * @remarks
 * ## Numerics
 * float32 reductions of the backend. Token modes (verl) select with `tf.where`, seq modes multiply by the mask,
 * exactly like the typed-array function, so the same NaN leaks happen. Differentiable w.r.t. `values`: every mode
 * is linear, with gradient = the coefficient of each token (e.g. M/ΣM for `token-mean`). Mask values are not
 * checked for 0/1 (that would need a device read).
 * @example
 * ```ts
 * aggregateLoss(tf.tensor2d([[1, 2], [3, 0]]), tf.tensor2d([[1, 1], [1, 0]]), 'token-mean') // scalar 2
 * ```
 * @see SPEC.md §1.4 (The /tf subpath) and §2.5 (aggregateLoss)
 */
export function aggregateLoss(
  values: tf.Tensor2D,
  mask: tf.Tensor2D,
  mode: AggregationMode,
  options: AggregateLossOptions = {},
): tf.Scalar {
  const settings = resolveAggregation(mode, options, 'mode', 'options');
  assertFloatTensor(values, 'values', 2);
  assertShape(mask, values.shape, 'mask', 'values');
  assertNonEmptyTensor(values, 'values');
  return tf.tidy(() => aggregateKernel(values, tf.cast(mask, 'float32') as tf.Tensor2D, settings));
}
