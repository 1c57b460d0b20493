import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertInRange } from '@ares/core';
import '../register-gradients';
import type { ModelConfig } from '../model/config';
import { DEFAULT_GATHER_GRADIENT, oneHotFloat, type GatherGradient } from '../model/ops';
import type { ModelParameters } from '../model/parameters';
import { forward, imagePatches } from '../model/transformer';
import type { SftBatch } from './sft-batch';

/**
 * Mean cross-entropy of the masked positions: Σ_t m_t·(−ln softmax(z_t)[y_t]) / Σ_t m_t (token-mean).
 *
 * @param logits - `[rows, V]` float32
 * @param targets - `[rows]` int32 labels in [0, V)
 * @param mask - `[rows]` float32 0/1 weights
 * @returns a scalar, owned by the caller; 0 when the mask is all zeros
 * @remarks
 * ## Numerics
 * Max-shifted log-softmax (tfjs `logSoftmax`), float32; the denominator is max(Σ m, 1).
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const vocabSize = logits.shape[1];
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), oneHotFloat(targets, vocabSize)), 1);
    return tf.div(tf.sum(tf.mul(tf.neg(picked), mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/** Options of {@link sftStep}. */
export interface SftStepOptions {
  /**
   * Clip the global gradient norm to this value (∞ disables clipping).
   * @default 1
   */
  readonly maxGradientNorm?: number;
  /**
   * Gradient of the embedding lookup.
   * @default 'scatter'
   */
  readonly gatherGradient?: GatherGradient;
}

/** Defaults of {@link SftStepOptions}. */
export const DEFAULT_SFT_STEP_OPTIONS: Readonly<Required<SftStepOptions>> = Object.freeze({
  maxGradientNorm: 1,
  gatherGradient: DEFAULT_GATHER_GRADIENT,
});

/** What one {@link sftStep} measured. */
export interface SftStepResult {
  /** Token-mean cross-entropy of the batch before the update, nats. */
  readonly loss: number;
  /** Global L2 norm of the gradient before clipping. */
  readonly gradientNorm: number;
}

/**
 * One supervised fine-tuning step: token-mean cross-entropy of the response tokens, gradients, global-norm
 * clipping g ← g·min(1, c/‖g‖), then the optimiser's update (e.g. `tf.train.adam`).
 *
 * @param parameters - the model's variables (updated in place)
 * @param config - the model configuration
 * @param optimizer - any tfjs optimiser; Adam keeps its moments between steps
 * @param batch - a batch from `buildSftBatch`
 * @param options - clipping and the embedding gradient
 * @returns the loss before the update and the unclipped gradient norm
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `options.maxGradientNorm`) unless it is > 0; `NON_FINITE`
 *   (parameter `loss`) when the loss or the gradient norm is not finite (the update is skipped)
 * @see SPEC.md §2.7 (SFT), §2.9
 */
export async function sftStep(parameters: ModelParameters, config: ModelConfig, optimizer: tf.Optimizer, batch: SftBatch, options: SftStepOptions = {}): Promise<SftStepResult> {
  const maxGradientNorm = options.maxGradientNorm ?? DEFAULT_SFT_STEP_OPTIONS.maxGradientNorm;
  assertInRange(maxGradientNorm, 'options.maxGradientNorm', { min: 0, lowerOpen: true, max: Infinity });
  const gatherGradient = options.gatherGradient ?? DEFAULT_SFT_STEP_OPTIONS.gatherGradient;
  const variables = Object.values(parameters);
  const { batch: rows, length } = batch;
  const tokens = tf.tensor2d(batch.tokens, [rows, length], 'int32');
  const targets = tf.tensor1d(batch.targets, 'int32');
  const mask = tf.tensor1d(batch.mask, 'float32');
  const patches = batch.images === undefined ? undefined : imagePatches(batch.images, rows, config);
  const input = patches === undefined ? { tokens } : { tokens, patches };
  const { value, grads } = tf.variableGrads(() => {
    const logits = forward(parameters, config, input, { gatherGradient });
    return maskedCrossEntropy(tf.reshape(logits, [rows * length, config.vocabSize]) as tf.Tensor2D, targets, mask);
  }, variables);
  // Pairwise adds, not tf.addN: WebGPU's AddN binds one storage buffer per input and fails (silently, with a
  // validation error) beyond 8 of them.
  const norm = tf.tidy(() => tf.sqrt(Object.values(grads).map((gradient) => tf.sum(tf.square(gradient))).reduce((total, term) => tf.add(total, term))));
  const [loss, gradientNorm] = await Promise.all([value.data(), norm.data()]).then(([l, n]) => [l[0]!, n[0]!] as const);
  try {
    if (!Number.isFinite(loss) || !Number.isFinite(gradientNorm)) {
      throw new AresError({ code: 'NON_FINITE', parameter: 'loss', value: { loss, gradientNorm }, message: `sftStep: loss ${loss}, gradient norm ${gradientNorm}; the update was skipped` });
    }
    const scale = Math.min(1, maxGradientNorm / (gradientNorm + 1e-6));
    tf.tidy(() => {
      const scaled: tf.NamedTensorMap = {};
      for (const [name, gradient] of Object.entries(grads)) scaled[name] = scale < 1 ? tf.mul(gradient, scale) : gradient;
      optimizer.applyGradients(scaled);
    });
  } finally {
    tf.dispose([value, norm, tokens, targets, mask, ...(patches === undefined ? [] : [patches]), ...Object.values(grads)]);
  }
  return { loss, gradientNorm };
}
