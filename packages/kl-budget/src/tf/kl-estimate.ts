import { assertSameShape } from '@ares/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_KL_ESTIMATE_OPTIONS,
  K3_DELTA_BOUND,
  K3_VALUE_BOUND,
  parseEstimator,
  type KlEstimateOptions,
  type KlEstimator,
  type KlKernel,
} from '../kl-estimate';
import { checkBoolean } from '../validate';

function forward(difference: tf.Tensor, kernel: KlKernel, clamp: boolean): tf.Tensor {
  switch (kernel) {
    case 'k1':
      return difference;
    case 'abs':
      return tf.abs(difference);
    case 'k2':
      return tf.mul(0.5, tf.square(difference));
    case 'k3': {
      const raw = tf.neg(difference);
      if (!clamp) return tf.sub(tf.expm1(raw), raw);
      const delta = tf.clipByValue(raw, -K3_DELTA_BOUND, K3_DELTA_BOUND);
      return tf.clipByValue(tf.sub(tf.expm1(delta), delta), -K3_VALUE_BOUND, K3_VALUE_BOUND);
    }
  }
}

/** ∂value/∂lp as a tensor (∂value/∂ref is its negative: every estimator is a function of lp − ref). */
function slope(difference: tf.Tensor, kernel: KlKernel, clamp: boolean, straightThrough: boolean): tf.Tensor {
  if (straightThrough || kernel === 'k2') return difference;
  switch (kernel) {
    case 'k1':
      return tf.onesLike(difference);
    case 'abs':
      return tf.sign(difference);
    case 'k3': {
      // value = e^δ − δ − 1 with δ = ref − lp: ∂/∂lp = −(e^δ − 1); 0 wherever a torch.clamp is active.
      const raw = tf.neg(difference);
      if (!clamp) return tf.neg(tf.expm1(raw));
      const delta = tf.clipByValue(raw, -K3_DELTA_BOUND, K3_DELTA_BOUND);
      const value = tf.sub(tf.expm1(delta), delta);
      const active = tf.logicalAnd(
        tf.logicalAnd(tf.greaterEqual(raw, -K3_DELTA_BOUND), tf.lessEqual(raw, K3_DELTA_BOUND)),
        tf.logicalAnd(tf.greaterEqual(value, -K3_VALUE_BOUND), tf.lessEqual(value, K3_VALUE_BOUND)),
      );
      return tf.where(active, tf.neg(tf.expm1(delta)), tf.zerosLike(delta));
    }
  }
}

/**
 * Per-token KL estimate between the policy and the reference policy as a differentiable tfjs op (verl
 * `kl_penalty` semantics); the twin of the typed-array `klEstimate`.
 *
 * With x = lp − ref and δ = ref − lp: k1 = x; abs = |x|; k2 = ½x²; k3 = clamp(e^{δ'} − δ' − 1, −10, 10),
 * δ' = clamp(δ, −20, 20). A `+` suffix keeps the value and replaces the gradient by k2's (straight-through):
 * ∂/∂lp = lp − ref, ∂/∂ref = ref − lp.
 *
 * @param logProbs - log π_θ(y_t), a float32 tensor of any shape (the differentiable input)
 * @param refLogProbs - log π_ref(y_t), the same shape
 * @param estimator - `'k1' | 'kl' | 'abs' | 'k2' | 'mse' | 'k3' | 'low_var_kl'`, optionally with a `+` suffix
 * @param options - `clamp` (default true; `false` gives TRL's unclamped k3)
 * @returns a new float32 tensor of the input shape, owned by the caller (dispose it)
 * @throws {AresError} `UNSUPPORTED` for an unknown estimator; `SHAPE_MISMATCH` when the shapes differ;
 *   `INVALID_ARGUMENT` when `options.clamp` is not a boolean
 * @remarks
 * ## Numerics
 * Float32, element-wise, inside `tf.tidy`. k3 uses expm1(δ) − δ. The gradient is a closed form attached with
 * `tf.customGrad`, so it needs no registered tfjs gradients: k1 ±1; abs ±sign(x) (0 at x = 0, as torch); k2 ±x;
 * k3 ∂/∂lp = 1 − e^δ, and exactly 0 wherever a clamp is active (δ ≥ 2.611 or δ ≤ −11.0, and |δ| > 20), as
 * torch.clamp. Only lp − ref is saved for the backward pass. The `+` estimators (current verl semantics, e.g.
 * `k3+`) give E[∇] = ∇KL, which k1 and k3 do not. Agreement with the float64 typed-array function is within
 * rtol 1e-4 / atol 1e-5.
 * @example
 * ```ts
 * const kl = klEstimate(tf.tensor1d([-1, -2]), tf.tensor1d([-1.5, -1.5]), 'k3+'); // values of k3, gradient of k2
 * kl.dispose();
 * ```
 * @see SPEC.md §2.4 (Estimators), §1.4 (the `/tf` subpath); verl `core_algos.kl_penalty`
 */
export function klEstimate(
  logProbs: tf.Tensor,
  refLogProbs: tf.Tensor,
  estimator: KlEstimator,
  options: KlEstimateOptions = {},
): tf.Tensor {
  const { kernel, straightThrough } = parseEstimator(estimator);
  assertSameShape(refLogProbs.shape, logProbs.shape, 'refLogProbs', 'logProbs');
  const clamp = checkBoolean(options.clamp ?? DEFAULT_KL_ESTIMATE_OPTIONS.clamp, 'options.clamp', 'INVALID_ARGUMENT');
  return tf.tidy(() => {
    const policy = logProbs.dtype === 'float32' ? logProbs : tf.cast(logProbs, 'float32');
    const reference = refLogProbs.dtype === 'float32' ? refLogProbs : tf.cast(refLogProbs, 'float32');
    const estimate = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [lp, ref, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const difference = tf.sub(lp, ref);
      save([difference]);
      return {
        value: forward(difference, kernel, clamp),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const gradient = tf.mul(dy, slope(saved[0]!, kernel, clamp, straightThrough));
          return [gradient, tf.neg(gradient)];
        },
      };
    });
    return estimate(policy, reference);
  });
}
