import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_TOKEN_ENTROPY_OPTIONS, type TokenEntropyOptions } from '../token-entropy';
import { customGradient } from './custom-gradient';
import { clampNegativeInfinity, expandLast, scaleByTemperature, validateLogitsTensor } from './validate';

/**
 * Softmax entropy over the last axis of a logits tensor, in nats: the TensorFlow.js twin of the typed-array
 * `tokenEntropy`.
 *
 * H = −Σ_j p_j·ln p_j with p = softmax(z / T) along the last (vocabulary) axis, so 0 ≤ H ≤ ln V.
 * Gradient: ∂H/∂z_j = −p_j·(ln p_j + H) / T.
 *
 * @param logits - float32 tensor of rank ≥ 1 whose last axis is the vocabulary (V ≥ 1), e.g. `[rows, V]` or
 *   `[batch, length, V]`; not modified
 * @param options - `temperature` T > 0 (default 1)
 * @returns a new float32 tensor of the leading shape (`logits.shape` without its last axis; a scalar for a 1-D
 *   input), one entropy per row. The caller owns it and must dispose it.
 * @throws {AresError} `INVALID_ARGUMENT` when `logits` is not float32, its last axis is empty (the tensor form of
 *   `vocabSize` = 0) or `temperature` is not a finite number > 0; `SHAPE_MISMATCH` when `logits` is a scalar
 * @remarks
 * ## Numerics
 * Float32 throughout: ℓ = logSoftmax(z / T) (max-shifted), then H = −Σ_j exp(ℓ_j)·ℓ_j, a sum of non-negative
 * terms (no cancellation). A −∞ logit is a zero-probability token and contributes exactly 0, in the value and in
 * the gradient (its term is computed as 0·0, never 0·(−∞)); a row with NaN or +∞, or only −∞, gives NaN. Agrees
 * with the typed-array function within rtol 1e-4 / atol 1e-5 (z / T is formed in float32, so it overflows to ±∞
 * where |z|/T > 3.4e38, which the float64 function still handles).
 *
 * ## Gradient
 * Differentiable through a custom gradient that applies the closed form above, so `tf.grad` works even where
 * tfjs-core's gradient registry is not loaded (only tfjs ops after this one then need registered gradients).
 * The gradient is 0 at −∞ logits and stays finite for huge logit gaps.
 *
 * The whole body runs in `tf.tidy`; intermediates are freed.
 * @example
 * ```ts
 * const h = tokenEntropy(tf.tensor2d([[0, 0], [5, 5]])); // float32 [ln 2, ln 2]
 * h.dispose();
 * ```
 * @see SPEC.md §1.4 (the `/tf` subpath), §2.2 (Token entropy); paper App. B eq. 3
 */
export function tokenEntropy(logits: tf.Tensor, options: TokenEntropyOptions = {}): tf.Tensor {
  const temperature = options.temperature ?? DEFAULT_TOKEN_ENTROPY_OPTIONS.temperature;
  validateLogitsTensor(logits, temperature);
  return tf.tidy(() => {
    const entropy = customGradient((input, save) => {
      const logProbabilities = tf.logSoftmax(scaleByTemperature(input, temperature));
      const probabilities = tf.exp(logProbabilities);
      const finiteLogProbabilities = clampNegativeInfinity(logProbabilities);
      // 0 − Σ rather than −Σ, so that a one-hot row gives +0, not −0.
      const value = tf.sub(tf.scalar(0), tf.sum(tf.mul(probabilities, finiteLogProbabilities), -1));
      save([probabilities, finiteLogProbabilities, value]);
      return {
        value,
        gradFunc: (upstream, saved) => {
          const [p, finiteLog, entropyValue] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          // ∂H/∂z_j = −p_j·(ln p_j + H)/T; at a −∞ logit p_j = 0 and ln p_j was clamped to a finite value, so the term is 0.
          const perLogit = tf.mul(tf.neg(p), tf.add(finiteLog, expandLast(entropyValue)));
          return scaleByTemperature(tf.mul(perLogit, expandLast(upstream)), temperature);
        },
      };
    });
    return entropy(logits);
  });
}
