import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertInteger } from '@ares/core';
import { prefixLength, type ModelConfig } from './config';
import { DEFAULT_GATHER_GRADIENT, attention, gatherRows, gelu, layerNorm, matMul, type AttentionKernel, type GatherGradient } from './ops';
import type { ModelParameters } from './parameters';

/** Additive mask value of a forbidden attention position (exp underflows to 0 after the max shift). */
const MASKED = -1e9;

/** One batch for the model: token ids and, for a model with an image encoder, the image patches. */
export interface ModelInput {
  /** `[batch, length]` int32 token ids in [0, V). */
  readonly tokens: tf.Tensor2D;
  /**
   * `[batch, prefix, patch²]` float32 pixels of the image patches (see {@link imagePatches}); they become the first
   * `prefix` positions. Omit for text-only sequences.
   */
  readonly patches?: tf.Tensor3D;
}

/** Options of {@link forward} and {@link forwardCached}. */
export interface ForwardOptions {
  /**
   * Gradient of the token-embedding lookup (see `gatherRows`).
   * @default 'scatter'
   */
  readonly gatherGradient?: GatherGradient;
  /**
   * How the attention products run (see `AttentionKernel`); all give the same values.
   * @default 'auto'
   */
  readonly attention?: AttentionKernel;
}

/**
 * Cut row-major square images into patch rows, in reading order of patches and of pixels inside a patch.
 *
 * @param images - `batch` images of `size²` pixels each, concatenated
 * @param batch - number of images
 * @param config - the model configuration (its `image` field gives size and patch)
 * @returns `[batch, (size/patch)², patch²]` float32, owned by the caller
 * @throws {AresError} `UNSUPPORTED` (parameter `config.image`) for a text-only model; `SHAPE_MISMATCH` (parameter
 *   `images`) when the length is not `batch·size²`
 */
export function imagePatches(images: Float32Array, batch: number, config: Pick<ModelConfig, 'image'>): tf.Tensor3D {
  if (config.image === null) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'config.image', value: null, message: 'imagePatches: the model has no image encoder' });
  }
  assertInteger(batch, 'batch');
  const { size, patch } = config.image;
  if (images.length !== batch * size * size) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'images', value: images.length, message: `imagePatches: expected ${batch}·${size}² = ${batch * size * size} pixels, got ${images.length}` });
  }
  const perSide = size / patch;
  const out = new Float32Array(images.length);
  let target = 0;
  for (let image = 0; image < batch; image++) {
    const base = image * size * size;
    for (let patchRow = 0; patchRow < perSide; patchRow++) {
      for (let patchColumn = 0; patchColumn < perSide; patchColumn++) {
        for (let row = 0; row < patch; row++) {
          const source = base + (patchRow * patch + row) * size + patchColumn * patch;
          for (let column = 0; column < patch; column++) out[target++] = images[source + column]!;
        }
      }
    }
  }
  return tf.tensor3d(out, [batch, perSide * perSide, patch * patch], 'float32');
}

/**
 * Keys and values of every block for the positions decoded so far: keys transposed, `[batch, heads, width/heads,
 * length]`, values `[batch, heads, length, width/heads]`, one of each per block.
 * {@link forwardCached} extends it in place (disposing the tensors it replaces); {@link KvCache.dispose} frees it.
 */
export class KvCache {
  /** Transposed keys per block (empty until the first call). */
  keys: tf.Tensor4D[] = [];
  /** Values per block. */
  values: tf.Tensor4D[] = [];
  /** Positions held, image prefix included. */
  length = 0;

  /** Frees the tensors and empties the cache. */
  dispose(): void {
    for (const tensor of [...this.keys, ...this.values]) tensor.dispose();
    this.keys = [];
    this.values = [];
    this.length = 0;
  }
}

/** `[rows, columns]` additive causal mask: query i (absolute position offset + i) sees keys j ≤ offset + i. */
function causalMask(rows: number, columns: number, offset: number): tf.Tensor2D {
  const mask = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    for (let column = offset + row + 1; column < columns; column++) mask[row * columns + column] = MASKED;
  }
  return tf.tensor2d(mask, [rows, columns]);
}

function parameter(parameters: ModelParameters, name: string): tf.Variable {
  const value = parameters[name];
  if (value === undefined) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'parameters', value: name, message: `transformer: missing parameter ${name}` });
  }
  return value;
}

interface Sequence {
  readonly batch: number;
  /** Image prefix positions in this call. */
  readonly prefix: number;
  /** Text positions in this call. */
  readonly text: number;
}

function checkInput(config: ModelConfig, input: ModelInput, offset: number): Sequence {
  const { tokens, patches } = input;
  if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'input.tokens', value: tokens.shape, message: `transformer: tokens must be a [batch, length] int32 tensor, got [${tokens.shape}] ${tokens.dtype}` });
  }
  const [batch, text] = tokens.shape;
  let prefix = 0;
  if (patches !== undefined) {
    if (config.image === null) {
      throw new AresError({ code: 'UNSUPPORTED', parameter: 'input.patches', value: patches.shape, message: 'transformer: the model has no image encoder' });
    }
    const expected = [batch, prefixLength(config), config.image.patch ** 2];
    if (patches.rank !== 3 || patches.shape.some((extent, axis) => extent !== expected[axis])) {
      throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'input.patches', value: patches.shape, message: `transformer: patches must be [${expected}], got [${patches.shape}]` });
    }
    if (offset !== 0) {
      throw new AresError({ code: 'INVALID_STATE', parameter: 'input.patches', value: offset, message: 'transformer: the image prefix must come first (the cache already holds positions)' });
    }
    prefix = expected[1]!;
  }
  if (offset + prefix + text > config.context) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'input.tokens', value: text, message: `transformer: ${offset} cached + ${prefix} image + ${text} text positions exceed the context ${config.context}` });
  }
  return { batch, prefix, text };
}

/** Residual stream `[batch·length, D]` of the embeddings at absolute positions offset… */
function embed(parameters: ModelParameters, config: ModelConfig, input: ModelInput, sequence: Sequence, offset: number, gatherGradient: GatherGradient): tf.Tensor3D {
  const { batch, prefix, text } = sequence;
  const width = config.width;
  let x = tf.reshape(gatherRows(parameter(parameters, 'token.embedding') as tf.Tensor2D, tf.reshape(input.tokens, [batch * text]) as tf.Tensor1D, gatherGradient), [batch, text, width]) as tf.Tensor3D;
  if (prefix > 0) {
    const pixels = config.image!.patch ** 2;
    const projected = matMul(tf.reshape(input.patches!, [batch * prefix, pixels]) as tf.Tensor2D, parameter(parameters, 'image.patch.weight'));
    const image = tf.reshape(tf.add(projected, parameter(parameters, 'image.patch.bias')), [batch, prefix, width]);
    x = tf.concat([image, x], 1) as tf.Tensor3D;
  }
  const length = prefix + text;
  return tf.add(x, tf.slice(parameter(parameters, 'position.embedding'), [offset, 0], [length, width])) as tf.Tensor3D;
}

/**
 * `[batch·length, D]` → heads in the order of `permutation` applied to `[batch, length, heads, D/heads]`; a plain
 * reshape when length is 1 (the transpose would only move a unit axis).
 */
function toHeads(x: tf.Tensor, batch: number, length: number, heads: number, permutation: readonly number[]): tf.Tensor {
  const split: number[] = [batch, length, heads, x.shape[1]! / heads];
  if (length === 1) return tf.reshape(x, permutation.map((axis) => split[axis]!)) as tf.Tensor;
  return tf.transpose(tf.reshape(x, split), [...permutation]);
}

/**
 * The blocks and the head on a residual stream; `cache` (if given) supplies earlier keys/values and receives the
 * extended ones (kept, so they survive the caller's tidy).
 */
function decoder(parameters: ModelParameters, config: ModelConfig, embedded: tf.Tensor3D, offset: number, cache: KvCache | undefined, replaced: tf.Tensor[], kernel: AttentionKernel): tf.Tensor3D {
  const [batch, length] = embedded.shape;
  const { width, heads, layers, layerNormEpsilon: epsilon } = config;
  const headWidth = width / heads;
  const total = offset + length;
  const mask = causalMask(length, total, offset);
  let x = tf.reshape(embedded, [batch * length, width]) as tf.Tensor2D;
  for (let layer = 0; layer < layers; layer++) {
    const name = `layer${layer}`;
    const normed = layerNorm(x, parameter(parameters, `${name}.attention.norm.scale`), parameter(parameters, `${name}.attention.norm.bias`), epsilon);
    const qkv = matMul(normed as tf.Tensor2D, parameter(parameters, `${name}.attention.qkv.weight`));
    const [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const queries = toHeads(tf.mul(q, 1 / Math.sqrt(headWidth)), batch, length, heads, [0, 2, 1, 3]);
    let keys: tf.Tensor = toHeads(k, batch, length, heads, [0, 2, 3, 1]);
    let values: tf.Tensor = toHeads(v, batch, length, heads, [0, 2, 1, 3]);
    if (cache !== undefined) {
      if (offset > 0) {
        keys = tf.concat([cache.keys[layer]!, keys], 3);
        values = tf.concat([cache.values[layer]!, values], 2);
        replaced.push(cache.keys[layer]!, cache.values[layer]!);
      }
      cache.keys[layer] = tf.keep(keys) as tf.Tensor4D;
      cache.values[layer] = tf.keep(values) as tf.Tensor4D;
    }
    const pairs = batch * heads;
    const attended = attention(
      tf.reshape(queries, [pairs, length, headWidth]) as tf.Tensor3D,
      tf.reshape(keys, [pairs, headWidth, total]) as tf.Tensor3D,
      tf.reshape(values, [pairs, total, headWidth]) as tf.Tensor3D,
      mask,
      kernel,
    );
    const merged = length === 1 ? tf.reshape(attended, [batch, width]) : tf.reshape(tf.transpose(tf.reshape(attended, [batch, heads, length, headWidth]), [0, 2, 1, 3]), [batch * length, width]);
    x = tf.add(x, matMul(merged as tf.Tensor2D, parameter(parameters, `${name}.attention.output.weight`)));
    const normed2 = layerNorm(x, parameter(parameters, `${name}.mlp.norm.scale`), parameter(parameters, `${name}.mlp.norm.bias`), epsilon);
    const hidden = gelu(tf.add(matMul(normed2 as tf.Tensor2D, parameter(parameters, `${name}.mlp.input.weight`)), parameter(parameters, `${name}.mlp.input.bias`)));
    x = tf.add(x, tf.add(matMul(hidden as tf.Tensor2D, parameter(parameters, `${name}.mlp.output.weight`)), parameter(parameters, `${name}.mlp.output.bias`)));
  }
  return tf.reshape(layerNorm(x, parameter(parameters, 'final.norm.scale'), parameter(parameters, 'final.norm.bias'), epsilon), [batch, length, width]) as tf.Tensor3D;
}

function head(parameters: ModelParameters, config: ModelConfig, hidden: tf.Tensor3D, from: number, count: number): tf.Tensor3D {
  const [batch] = hidden.shape;
  const rows = tf.reshape(tf.slice(hidden, [0, from, 0], [batch, count, config.width]), [batch * count, config.width]) as tf.Tensor2D;
  return tf.reshape(matMul(rows, parameter(parameters, 'head.weight')), [batch, count, config.vocabSize]) as tf.Tensor3D;
}

/**
 * Next-token logits at every text position of a batch (full causal recomputation): pre-norm decoder-only
 * transformer with learned positions, causal multi-head attention and a GELU MLP; image patches, if given, are
 * projected to prefix tokens at positions 0…P−1 and the text follows at P….
 *
 * x = E[tokens] + P[positions]; per block x += Attn(LN(x)), x += MLP(LN(x)); logits = LN(x)·W_head.
 *
 * @param parameters - the model's variables ({@link initializeParameters})
 * @param config - the model configuration
 * @param input - tokens `[batch, length]` and optional patches
 * @param options - the embedding gradient
 * @returns logits `[batch, length, V]` (row t predicts token t + 1), owned by the caller
 * @throws {AresError} `SHAPE_MISMATCH` for malformed tokens or patches; `UNSUPPORTED` for patches on a text-only
 *   model; `INVALID_ARGUMENT` (parameter `input.tokens`) when the sequence exceeds the context
 * @remarks
 * ## Numerics
 * float32 throughout; attention logits are scaled by 1/√(D/heads) before masking with −1e9 and a max-shifted
 * softmax. Token ids must lie in [0, V) (not checked: it would read the tensor back).
 */
export function forward(parameters: ModelParameters, config: ModelConfig, input: ModelInput, options: ForwardOptions = {}): tf.Tensor3D {
  const sequence = checkInput(config, input, 0);
  return tf.tidy(() => {
    const embedded = embed(parameters, config, input, sequence, 0, options.gatherGradient ?? DEFAULT_GATHER_GRADIENT);
    const hidden = decoder(parameters, config, embedded, 0, undefined, [], options.attention ?? 'auto');
    return head(parameters, config, hidden, sequence.prefix, sequence.text);
  });
}

/** Options of {@link forwardCached}. */
export interface ForwardCachedOptions extends ForwardOptions {
  /**
   * Return only the last position's logits, `[batch, V]`, instead of `[batch, length, V]`.
   * @default false
   */
  readonly lastOnly?: boolean;
}

/**
 * Incremental decoding with a key/value cache: the logits of new positions given everything the cache holds,
 * equal (up to float32 rounding) to the rows of {@link forward} on the whole sequence.
 *
 * @param parameters - the model's variables
 * @param config - the model configuration
 * @param input - the new tokens `[batch, length]` (and the image patches on the first call only)
 * @param cache - keys and values so far; extended in place, the tensors it replaces are disposed
 * @param options - `lastOnly` to return `[batch, V]`
 * @returns logits of the new text positions, owned by the caller
 * @throws {AresError} as {@link forward}; `INVALID_STATE` (parameter `input.patches`) for patches after the
 *   first call; `SHAPE_MISMATCH` (parameter `input.tokens`) when the batch differs from the cache's
 */
export function forwardCached(parameters: ModelParameters, config: ModelConfig, input: ModelInput, cache: KvCache, options: ForwardCachedOptions = {}): tf.Tensor {
  const offset = cache.length;
  const sequence = checkInput(config, input, offset);
  if (offset > 0 && cache.keys[0]!.shape[0] !== sequence.batch) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'input.tokens', value: sequence.batch, message: `forwardCached: batch ${sequence.batch} differs from the cache's ${cache.keys[0]!.shape[0]}` });
  }
  const replaced: tf.Tensor[] = [];
  const logits = tf.tidy(() => {
    const embedded = embed(parameters, config, input, sequence, offset, options.gatherGradient ?? DEFAULT_GATHER_GRADIENT);
    const hidden = decoder(parameters, config, embedded, offset, cache, replaced, options.attention ?? 'auto');
    if (options.lastOnly === true) {
      return tf.reshape(head(parameters, config, hidden, sequence.prefix + sequence.text - 1, 1), [sequence.batch, config.vocabSize]);
    }
    return head(parameters, config, hidden, sequence.prefix, sequence.text);
  });
  for (const tensor of replaced) tensor.dispose();
  cache.length = offset + sequence.prefix + sequence.text;
  return logits;
}
