import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertSameLength } from '@ares/core';
import { DEFAULT_LOG_PROBABILITIES_OPTIONS, type LogProbabilitiesOptions } from '../log-probabilities';
import { customGradient } from './custom-gradient';
import { expandLast, scaleByTemperature, validateLogitsTensor } from './validate';

function invalidLabel(index: number, label: number, vocabSize: number): AresError {
  return new AresError({
    code: 'INVALID_ARGUMENT',
    parameter: 'labels',
    value: label,
    message: `labels: element ${index} is ${label}; expected an integer in [0, ${vocabSize})`,
  });
}

/** Validates the labels and returns them as a flat array of row indices into the vocabulary. */
function labelValues(
  labels: tf.Tensor | ArrayLike<number>,
  leadingShape: readonly number[],
  rows: number,
  vocabSize: number,
): Int32Array {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.dtype !== 'int32') {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: 'labels',
        value: labels.dtype,
        message: `labels: expected an int32 tensor, got dtype ${labels.dtype}`,
      });
    }
    const sameShape =
      labels.rank === leadingShape.length && labels.shape.every((size, axis) => size === leadingShape[axis]);
    if (!sameShape) {
      throw new AresError({
        code: 'SHAPE_MISMATCH',
        parameter: 'labels',
        value: labels.shape,
        message: `labels: shape [${labels.shape.join(', ')}] differs from the logits rows [${leadingShape.join(', ')}]`,
      });
    }
    values = labels.dataSync();
  } else {
    assertSameLength(labels.length, rows, 'labels', 'logits rows');
    values = labels;
  }
  const indices = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const label = values[row]!;
    if (!Number.isInteger(label) || label < 0 || label >= vocabSize) throw invalidLabel(row, label, vocabSize);
    indices[row] = row * vocabSize + label;
  }
  return indices;
}

/**
 * Log-probability of one label per row under softmax(z / T) over the last axis: the TensorFlow.js twin of the
 * typed-array `logProbabilities`.
 *
 * ℓ = z'_y − (m + ln Σ_j exp(z'_j − m)), with z' = z/T, m = max_j z'_j and y the row's label.
 * Gradient: ∂ℓ/∂z_j = (1[j = y] − p_j) / T.
 *
 * @param logits - float32 tensor of rank ≥ 1 whose last axis is the vocabulary (V ≥ 1); not modified
 * @param labels - one integer label in [0, V) per row: an int32 tensor of the leading shape (`logits.shape`
 *   without its last axis), or an array-like of `rows` integers in row-major order
 * @param options - `temperature` T > 0 (default 1)
 * @returns a new float32 tensor of the leading shape (a scalar for 1-D logits) of log-probabilities (≤ 0). The
 *   caller owns it and must dispose it.
 * @throws {AresError} `INVALID_ARGUMENT` when `logits` is not float32 or has an empty last axis, `temperature` is
 *   not a finite number > 0, `labels` is a tensor that is not int32, or a label is not an integer in [0, V);
 *   `SHAPE_MISMATCH` when `logits` is a scalar, a `labels` tensor's shape differs from the leading shape, or an
 *   array's length differs from the number of rows
 * @remarks
 * ## Numerics
 * Float32: ℓ = logSoftmax(z / T) (max-shifted), then the label entries are gathered. A −∞ label logit gives −∞;
 * a row with NaN or +∞, or only −∞, gives NaN. Agrees with the typed-array function within rtol 1e-4 /
 * atol 1e-5. A `labels` tensor is read back once (`dataSync`) to check its range, as the typed-array function
 * does.
 *
 * ## Gradient
 * Differentiable with respect to `logits` through a custom gradient applying the closed form above (0 at −∞
 * logits other than the label); `labels` get no gradient.
 *
 * The whole body runs in `tf.tidy`; intermediates are freed.
 * @example
 * ```ts
 * const logProbs = logProbabilities(tf.zeros([1, 4]), [2]); // float32 [−ln 4]
 * logProbs.dispose();
 * ```
 * @see SPEC.md §1.4 (the `/tf` subpath), §2.2 (Log-probabilities)
 */
export function logProbabilities(
  logits: tf.Tensor,
  labels: tf.Tensor | ArrayLike<number>,
  options: LogProbabilitiesOptions = {},
): tf.Tensor {
  const temperature = options.temperature ?? DEFAULT_LOG_PROBABILITIES_OPTIONS.temperature;
  const { vocabSize, rows } = validateLogitsTensor(logits, temperature);
  const leadingShape = logits.shape.slice(0, -1);
  const indices = labelValues(labels, leadingShape, rows, vocabSize);
  return tf.tidy(() => {
    const flatIndices = tf.tensor1d(indices, 'int32');
    const logProbability = customGradient((input, save) => {
      const allLogProbabilities = tf.logSoftmax(scaleByTemperature(input, temperature));
      const picked = tf.gather(tf.reshape(allLogProbabilities, [rows * vocabSize]), flatIndices);
      save([allLogProbabilities, flatIndices]);
      return {
        value: tf.reshape(picked, leadingShape),
        gradFunc: (upstream, saved) => {
          const [allLog, savedIndices] = saved as [tf.Tensor, tf.Tensor];
          // ∂ℓ/∂z_j = (1[j = y] − p_j)/T; at a −∞ logit p_j = 0.
          const labelColumns = tf.sub(savedIndices, tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(vocabSize, 'int32')));
          const oneHot = tf.reshape(tf.oneHot(labelColumns, vocabSize, 1, 0, 'float32'), input.shape);
          const perLogit = tf.sub(oneHot, tf.exp(allLog));
          return scaleByTemperature(tf.mul(perLogit, expandLast(upstream)), temperature);
        },
      };
    });
    return logProbability(logits);
  });
}
