import * as tf from '@tensorflow/tfjs-core';
import { assertInteger, assertOneOf } from '@ares/core';
import { DEFAULT_WINDOW_ENTROPY_OPTIONS, WINDOW_ANCHORS, type WindowEntropyOptions } from '../window-entropy';
import { customGradient } from './custom-gradient';
import { assertFloat32, assertHasLastAxis } from './validate';

/**
 * Window entropy along the last axis of a tensor of token entropies: the TensorFlow.js twin of the typed-array
 * `windowEntropy`.
 *
 * `inclusive`: W_t = (1/w)·Σ_{u=t}^{t+w−1} H_u for t = 0..L−w (L − w + 1 values);
 * `next`: W_t = (1/w)·Σ_{u=t+1}^{t+w} H_u for t = 0..L−w−1 (L − w values).
 * Gradient: ∂W_t/∂H_u = 1/w for each u the window at t covers, else 0.
 *
 * @param entropies - float32 token entropies in nats, `[L]` for one sequence or `[batch, L]` (any rank ≥ 1; the
 *   windows run along the last axis); not modified
 * @param options - `window` w (integer ≥ 1, default 4), `anchor` (`'inclusive'` default, or `'next'`)
 * @returns a new float32 tensor of shape `[..., count]` (the input shape with the last axis replaced by the
 *   number of full windows), whose index t on the last axis is the anchor position; the last axis is empty when
 *   the sequence is shorter than the window. The caller owns it and must dispose it.
 * @throws {AresError} `INVALID_ARGUMENT` when `entropies` is not float32 or `window` is not an integer ≥ 1;
 *   `UNSUPPORTED` for an unknown anchor; `SHAPE_MISMATCH` when `entropies` is a scalar
 * @remarks
 * ## Numerics
 * Each window is summed in index order (w shifted slices added one after another) in float32, then divided by
 * w, as the typed-array function does in float64. Cost O(L·w). NaN propagates to every window that covers it.
 * Every row of a `[batch, L]` tensor is windowed over all L positions: anchors whose window reaches into a
 * row's padding must be masked by the caller.
 *
 * ## Gradient
 * Differentiable (the map is linear) through a custom gradient that spreads each window's upstream gradient as
 * 1/w over the positions it covers; positions without any window get 0, also for an empty result.
 *
 * The whole body runs in `tf.tidy`; intermediates are freed.
 * @example
 * ```ts
 * const windows = windowEntropy(tf.tensor1d([1, 2, 3, 4, 5, 6]), { window: 2 }); // [1.5, 2.5, 3.5, 4.5, 5.5]
 * windows.dispose();
 * ```
 * @see SPEC.md §1.4 (the `/tf` subpath), §2.2 (Window entropy); paper §2.1, App. D eq. 4
 */
export function windowEntropy(entropies: tf.Tensor, options: WindowEntropyOptions = {}): tf.Tensor {
  const window = options.window ?? DEFAULT_WINDOW_ENTROPY_OPTIONS.window;
  const anchor = options.anchor ?? DEFAULT_WINDOW_ENTROPY_OPTIONS.anchor;
  assertFloat32(entropies, 'entropies');
  assertHasLastAxis(entropies, 'entropies', 'sequence');
  assertInteger(window, 'options.window');
  assertOneOf(anchor, WINDOW_ANCHORS, 'options.anchor');
  const length = entropies.shape[entropies.rank - 1]!;
  const rows = entropies.shape.slice(0, -1).reduce((product, size) => product * size, 1);
  const offset = anchor === 'next' ? 1 : 0;
  const count = Math.max(0, length - window + 1 - offset);
  const outputShape = [...entropies.shape.slice(0, -1), count];
  return tf.tidy(() => {
    const windowMean = customGradient((input) => {
      const matrix = tf.reshape(input, [rows, length]);
      let sum: tf.Tensor = tf.zeros([rows, count]);
      if (count > 0) {
        sum = tf.slice(matrix, [0, offset], [rows, count]);
        for (let shift = 1; shift < window; shift++) sum = tf.add(sum, tf.slice(matrix, [0, offset + shift], [rows, count]));
      }
      return {
        value: tf.reshape(tf.div(sum, tf.scalar(window)), outputShape),
        gradFunc: (upstream) => {
          const perWindow = tf.div(tf.reshape(upstream, [rows, count]), tf.scalar(window));
          let gradient: tf.Tensor = tf.zeros([rows, length]);
          if (count > 0) {
            for (let shift = 0; shift < window; shift++) {
              const before = offset + shift;
              gradient = tf.add(gradient, tf.pad(perWindow, [[0, 0], [before, length - count - before]]));
            }
          }
          return tf.reshape(gradient, input.shape);
        },
      };
    });
    return windowMean(entropies);
  });
}
