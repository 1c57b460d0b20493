import * as tf from '@tensorflow/tfjs-core';

/** The forward pass of a one-input op with its gradient: the value and ∂value/∂input applied to `upstream`. */
type UnaryForward = (
  input: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (upstream: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor };

/**
 * `tf.customGrad` for a function of one tensor, with the parameter types tfjs's variadic signature cannot express.
 *
 * The gradient function is applied by the tape directly, so a twin built on it differentiates with tfjs-core
 * alone: tfjs-core's Node bundle ships no registered gradients (they come with `@tensorflow/tfjs` or a bundler
 * loading `register_all_gradients`), and only ops outside the twin need them.
 * @internal
 */
export function customGradient(forward: UnaryForward): (input: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    forward(args[0] as tf.Tensor, args[1] as tf.GradSaveFunc),
  );
  return (input) => op(input);
}
