import { AresError, assertInRange, assertInteger } from '@ares/core';

/** The image encoder: square grayscale images cut into square patches, one prefix token per patch. */
export interface ImageEncoderConfig {
  /** Image side in pixels. */
  readonly size: number;
  /** Patch side in pixels; divides `size`. */
  readonly patch: number;
}

/** Shape of the decoder-only transformer. */
export interface ModelConfig {
  /** Vocabulary size V. */
  readonly vocabSize: number;
  /** Model width D (residual stream); divisible by `heads`. */
  readonly width: number;
  /** Number of transformer blocks. */
  readonly layers: number;
  /** Attention heads per block. */
  readonly heads: number;
  /** Maximum sequence length, image prefix included (learned positions). */
  readonly context: number;
  /** MLP hidden width as a multiple of `width`. */
  readonly mlpRatio: number;
  /** ε of the layer norms. */
  readonly layerNormEpsilon: number;
  /** The patch-embedding image encoder, or `null` for a text-only model. */
  readonly image: ImageEncoderConfig | null;
}

/** Defaults of the optional {@link ModelConfig} fields. */
export const DEFAULT_MODEL_CONFIG: Readonly<Pick<ModelConfig, 'mlpRatio' | 'layerNormEpsilon' | 'image'>> = Object.freeze({
  mlpRatio: 4,
  layerNormEpsilon: 1e-5,
  image: Object.freeze({ size: 16, patch: 4 }),
});

/** The fixed model of `ares-train bench` (issue 7): vocab 64, width 128, 4 layers, 4 heads, context 128, text only. */
export const BENCH_MODEL_CONFIG: ModelConfig = Object.freeze({
  vocabSize: 64,
  width: 128,
  layers: 4,
  heads: 4,
  context: 128,
  mlpRatio: 4,
  layerNormEpsilon: 1e-5,
  image: null,
});

/** A model configuration with optional fields. */
export type ModelConfigInput = Pick<ModelConfig, 'vocabSize' | 'width' | 'layers' | 'heads' | 'context'> &
  Partial<Pick<ModelConfig, 'mlpRatio' | 'layerNormEpsilon' | 'image'>>;

/**
 * A complete, checked model configuration (defaults filled in).
 *
 * @param config - the fields; `mlpRatio`, `layerNormEpsilon` and `image` are optional
 * @returns a new frozen configuration
 * @throws {AresError} `INVALID_ARGUMENT` naming the field (`config.width`, …) when a size is not a positive integer,
 *   `vocabSize` < 2, `width` is not a multiple of `heads`, `layerNormEpsilon` ≤ 0, the patch does not divide the
 *   image, or the image prefix leaves no room for text in the context
 */
export function modelConfig(config: ModelConfigInput): ModelConfig {
  assertInteger(config.vocabSize, 'config.vocabSize', 2);
  assertInteger(config.width, 'config.width');
  assertInteger(config.layers, 'config.layers');
  assertInteger(config.heads, 'config.heads');
  assertInteger(config.context, 'config.context');
  const mlpRatio = config.mlpRatio ?? DEFAULT_MODEL_CONFIG.mlpRatio;
  assertInteger(mlpRatio, 'config.mlpRatio');
  const layerNormEpsilon = config.layerNormEpsilon ?? DEFAULT_MODEL_CONFIG.layerNormEpsilon;
  assertInRange(layerNormEpsilon, 'config.layerNormEpsilon', { min: 0, lowerOpen: true });
  if (config.width % config.heads !== 0) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'config.width', value: config.width, message: `modelConfig: width ${config.width} is not a multiple of heads ${config.heads}` });
  }
  const image = config.image === undefined ? DEFAULT_MODEL_CONFIG.image : config.image;
  if (image !== null) {
    assertInteger(image.size, 'config.image.size');
    assertInteger(image.patch, 'config.image.patch');
    if (image.size % image.patch !== 0) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'config.image.patch', value: image.patch, message: `modelConfig: patch ${image.patch} does not divide image size ${image.size}` });
    }
    if (prefixLength({ image }) >= config.context) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'config.context', value: config.context, message: `modelConfig: the ${prefixLength({ image })} image tokens leave no room for text in context ${config.context}` });
    }
  }
  return Object.freeze({
    vocabSize: config.vocabSize,
    width: config.width,
    layers: config.layers,
    heads: config.heads,
    context: config.context,
    mlpRatio,
    layerNormEpsilon,
    image: image === null ? null : Object.freeze({ size: image.size, patch: image.patch }),
  });
}

/** Number of image prefix tokens, (size / patch)², or 0 for a text-only model. */
export function prefixLength(config: Pick<ModelConfig, 'image'>): number {
  return config.image === null ? 0 : (config.image.size / config.image.patch) ** 2;
}
