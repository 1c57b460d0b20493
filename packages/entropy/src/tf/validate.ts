import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertInRange } from '@ares/core';

/**
 * Throws `INVALID_ARGUMENT` unless `tensor` holds float32 values (the `/tf` twins take float32 inputs).
 * @internal
 */
export function assertFloat32(tensor: tf.Tensor, parameter: string): void {
  if (tensor.dtype !== 'float32') {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter,
      value: tensor.dtype,
      message: `${parameter}: expected a float32 tensor, got dtype ${tensor.dtype}`,
    });
  }
}

/**
 * Throws `SHAPE_MISMATCH` unless `tensor` has rank ≥ 1 (a last axis to reduce or slide over).
 * @internal
 */
export function assertHasLastAxis(tensor: tf.Tensor, parameter: string, axisName: string): void {
  if (tensor.rank < 1) {
    throw new AresError({
      code: 'SHAPE_MISMATCH',
      parameter,
      value: tensor.shape,
      message: `${parameter}: expected rank ≥ 1 with the ${axisName} on the last axis, got a scalar`,
    });
  }
}

/**
 * Checks a logits tensor (float32, rank ≥ 1, a non-empty vocabulary axis) and a temperature, with the codes of
 * the typed-array functions: an empty vocabulary axis is the tensor form of `vocabSize` = 0 (`INVALID_ARGUMENT`).
 * Returns the vocabulary size V and the number of rows (the product of the leading dimensions).
 * @internal
 */
export function validateLogitsTensor(
  logits: tf.Tensor,
  temperature: number,
): { readonly vocabSize: number; readonly rows: number } {
  assertFloat32(logits, 'logits');
  assertHasLastAxis(logits, 'logits', 'vocabulary');
  const vocabSize = logits.shape[logits.rank - 1]!;
  if (vocabSize < 1) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'logits',
      value: logits.shape,
      message: `logits: the last (vocabulary) axis has size ${vocabSize}; expected ≥ 1`,
    });
  }
  assertInRange(temperature, 'options.temperature', { min: 0, lowerOpen: true });
  return { vocabSize, rows: logits.size / vocabSize };
}

/**
 * Divides by the temperature unless it is 1 (the division is then exact and skipped).
 * @internal
 */
export function scaleByTemperature(logits: tf.Tensor, temperature: number): tf.Tensor {
  return temperature === 1 ? logits : tf.div(logits, tf.scalar(temperature));
}

/**
 * Replaces −∞ by the lowest finite float32 in one elementwise pass (NaN stays NaN; finite values are unchanged):
 * where p = exp(ℓ) = 0, p·ℓ becomes 0 instead of 0·(−∞) = NaN, at half the cost of an equal/where pair.
 * @internal
 */
export function clampNegativeInfinity(values: tf.Tensor): tf.Tensor {
  return tf.maximum(values, tf.scalar(LOWEST_FLOAT32));
}

const LOWEST_FLOAT32 = -3.4028234663852886e38;

/**
 * Replaces −∞ by 0, keeping NaN. Used where a −∞ log-probability multiplies its zero probability, so that the
 * product is 0 rather than 0·(−∞) = NaN.
 * @internal
 */
export function zeroNegativeInfinity(values: tf.Tensor): tf.Tensor {
  return tf.where(tf.equal(values, tf.scalar(-Infinity)), tf.zerosLike(values), values);
}

/**
 * Appends an axis of size 1, so that a per-row tensor broadcasts against the rows it reduces.
 * @internal
 */
export function expandLast(values: tf.Tensor): tf.Tensor {
  return tf.expandDims(values, values.rank);
}
