import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertInRange, assertInteger, assertNonEmpty, createRng } from '@ares/core';
import { logProbabilities, tokenEntropy } from '@ares/entropy';
import type { ModelConfig } from '../model/config';
import { prefixLength } from '../model/config';
import type { ModelParameters } from '../model/parameters';
import { KvCache, forwardCached, imagePatches } from '../model/transformer';

/** Options of {@link sampleSequences}. */
export interface SampleOptions {
  /**
   * New tokens per row at most (a row also stops after `stopToken`): one limit for every row, or one per row (e.g.
   * a branch that continues a kept prefix gets the remaining budget).
   */
  readonly maxNewTokens: number | readonly number[];
  /**
   * Sampling temperature T > 0: tokens are drawn from softmax(z / T).
   * @default 1
   */
  readonly temperature?: number;
  /**
   * Nucleus sampling: draw from the smallest set of most probable tokens whose probability reaches `topP`
   * (1 samples the whole distribution).
   * @default 1
   */
  readonly topP?: number;
  /**
   * Token that ends a row (kept as its last token), or `null` to always generate `maxNewTokens`.
   * @default null
   */
  readonly stopToken?: number | null;
  /**
   * Uniform [0, 1) source of the draws.
   * @default createRng(0)
   */
  readonly random?: () => number;
}

/** Defaults of the optional {@link SampleOptions}. */
export const DEFAULT_SAMPLE_OPTIONS: Readonly<{ temperature: number; topP: number; stopToken: number | null }> = Object.freeze({
  temperature: 1,
  topP: 1,
  stopToken: null,
});

/** One batch of prompts: token ids per row (any lengths) and, for a model with an image encoder, images. */
export interface SamplePrompts {
  /** Prompt ids per row, BOS included if the model was trained with it. */
  readonly prompts: readonly ArrayLike<number>[];
  /** One image per row (`size²` pixels each), or none for text-only prompts. */
  readonly images?: readonly Float32Array[];
}

/** Generated continuations with what the sampler saw at each step. */
export interface SampleResult {
  /** New token ids per row (up to and including the stop token). */
  readonly tokens: Int32Array[];
  /** Entropy of softmax(z / T) (before top-p truncation) at each generated position, nats. */
  readonly entropies: Float64Array[];
  /** ln softmax(z / T)[token] of each generated token (full distribution, before top-p). */
  readonly logProbabilities: Float64Array[];
  /** True for rows that ended with the stop token. */
  readonly stopped: boolean[];
}

/**
 * Samples continuations of a batch of prompts with a key/value cache: one prefill of the common prompt prefix,
 * then one position per step; rows whose prompt is longer are fed their own prompt tokens until it ends, so every
 * row sees exactly its prompt. Per generated token it records the entropy (`@ares/entropy` `tokenEntropy` of the
 * logits row at temperature T) and the log-probability of the drawn token.
 *
 * Top-p: sort probabilities p = softmax(z/T) descending, keep the shortest prefix with Σ p ≥ topP, draw
 * proportionally inside it with one uniform draw per row and step (rows in order).
 *
 * @param parameters - the model's variables
 * @param config - the model configuration
 * @param input - prompts (and images)
 * @param options - length, temperature, top-p, stop token, random source
 * @returns new arrays per row
 * @throws {AresError} `EMPTY_INPUT` (parameter `input.prompts`) for no rows or an empty prompt;
 *   `INVALID_ARGUMENT` for a `maxNewTokens` < 1, T ≤ 0, topP ∉ (0, 1], or when image prefix + a row's prompt +
 *   its `maxNewTokens` − 1 exceeds the context (parameter `options.maxNewTokens`); `SHAPE_MISMATCH` (parameter
 *   `input.images` or `options.maxNewTokens`) when images or per-row limits do not match the rows
 * @remarks
 * Reads the logits of each step back to JavaScript ([batch, V] floats) to draw, as any sampler with a host-side
 * random source must.
 * @see SPEC.md §2.2 (Token entropy), §2.9
 */
export async function sampleSequences(parameters: ModelParameters, config: ModelConfig, input: SamplePrompts, options: SampleOptions): Promise<SampleResult> {
  const { prompts, images } = input;
  assertNonEmpty(prompts.length, 'input.prompts');
  for (const prompt of prompts) assertNonEmpty(prompt.length, 'input.prompts');
  const limits = typeof options.maxNewTokens === 'number' ? new Array<number>(prompts.length).fill(options.maxNewTokens) : [...options.maxNewTokens];
  if (limits.length !== prompts.length) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'options.maxNewTokens', value: limits.length, message: `sampleSequences: ${limits.length} limits for ${prompts.length} prompts` });
  }
  for (const limit of limits) assertInteger(limit, 'options.maxNewTokens');
  const temperature = options.temperature ?? DEFAULT_SAMPLE_OPTIONS.temperature;
  assertInRange(temperature, 'options.temperature', { min: 0, lowerOpen: true });
  const topP = options.topP ?? DEFAULT_SAMPLE_OPTIONS.topP;
  assertInRange(topP, 'options.topP', { min: 0, max: 1, lowerOpen: true });
  const stopToken = options.stopToken ?? DEFAULT_SAMPLE_OPTIONS.stopToken;
  const random = options.random ?? createRng(0);
  const batch = prompts.length;
  const vocabSize = config.vocabSize;
  if (images !== undefined && images.length !== batch) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'input.images', value: images.length, message: `sampleSequences: ${images.length} images for ${batch} prompts` });
  }
  const prefix = images === undefined ? 0 : prefixLength(config);
  const shortest = Math.min(...prompts.map((prompt) => prompt.length));
  const longestRow = prompts.reduce((best, prompt, row) => (prompt.length + limits[row]! > prompts[best]!.length + limits[best]! ? row : best), 0);
  const longest = prompts[longestRow]!.length;
  if (prefix + longest + limits[longestRow]! - 1 > config.context) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.maxNewTokens', value: limits[longestRow], message: `sampleSequences: ${prefix} image + ${longest} prompt + ${limits[longestRow]} new tokens exceed the context ${config.context}` });
  }

  const generated = Array.from({ length: batch }, () => [] as number[]);
  const entropies = Array.from({ length: batch }, () => [] as number[]);
  const logProbs = Array.from({ length: batch }, () => [] as number[]);
  const stopped = new Array<boolean>(batch).fill(false);
  const cache = new KvCache();
  const probabilities = new Float64Array(vocabSize);
  const order = Array.from({ length: vocabSize }, (_, index) => index);
  const nextTokens = new Int32Array(batch);
  try {
    const first = new Int32Array(batch * shortest);
    prompts.forEach((prompt, row) => first.set(Array.from(prompt).slice(0, shortest), row * shortest));
    let logits = tf.tidy(() => {
      const tokens = tf.tensor2d(first, [batch, shortest], 'int32');
      if (images === undefined) return forwardCached(parameters, config, { tokens }, cache, { lastOnly: true });
      const pixels = new Float32Array(images.reduce((total, image) => total + image.length, 0));
      let offset = 0;
      for (const image of images) {
        pixels.set(image, offset);
        offset += image.length;
      }
      return forwardCached(parameters, config, { tokens, patches: imagePatches(pixels, batch, config) }, cache, { lastOnly: true });
    });
    for (let position = shortest; ; position++) {
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      const rowEntropies = tokenEntropy(values, vocabSize, { temperature });
      let active = false;
      for (let row = 0; row < batch; row++) {
        const prompt = prompts[row]!;
        if (position < prompt.length) {
          nextTokens[row] = prompt[position]!;
          active = true;
          continue;
        }
        if (stopped[row] || generated[row]!.length >= limits[row]!) {
          nextTokens[row] = 0;
          continue;
        }
        const token = drawToken(values, row * vocabSize, vocabSize, temperature, topP, random(), probabilities, order);
        generated[row]!.push(token);
        entropies[row]!.push(rowEntropies[row]!);
        logProbs[row]!.push(logProbabilities(values.subarray(row * vocabSize, (row + 1) * vocabSize), vocabSize, [token], { temperature })[0]!);
        if (stopToken !== null && token === stopToken) stopped[row] = true;
        nextTokens[row] = token;
        if (!stopped[row] && generated[row]!.length < limits[row]!) active = true;
      }
      if (!active) break;
      logits = tf.tidy(() => forwardCached(parameters, config, { tokens: tf.tensor2d(nextTokens, [batch, 1], 'int32') }, cache, { lastOnly: true }));
    }
  } finally {
    cache.dispose();
  }
  return {
    tokens: generated.map((row) => Int32Array.from(row)),
    entropies: entropies.map((row) => Float64Array.from(row)),
    logProbabilities: logProbs.map((row) => Float64Array.from(row)),
    stopped,
  };
}

/**
 * Draws one token from row `offset…offset+V` of logits at temperature T inside the top-p nucleus, using the
 * uniform `draw`. `probabilities` and `order` are scratch arrays of length V.
 * @internal
 */
export function drawToken(
  logits: Float32Array,
  offset: number,
  vocabSize: number,
  temperature: number,
  topP: number,
  draw: number,
  probabilities: Float64Array,
  order: number[],
): number {
  let max = -Infinity;
  for (let index = 0; index < vocabSize; index++) max = Math.max(max, logits[offset + index]!);
  let total = 0;
  for (let index = 0; index < vocabSize; index++) {
    const weight = Math.exp((logits[offset + index]! - max) / temperature);
    probabilities[index] = weight;
    total += weight;
  }
  for (let index = 0; index < vocabSize; index++) {
    probabilities[index]! /= total;
    order[index] = index;
  }
  order.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < vocabSize && (kept === 0 || mass < topP)) mass += probabilities[order[kept++]!]!;
  let target = draw * mass;
  for (let rank = 0; rank < kept; rank++) {
    target -= probabilities[order[rank]!]!;
    if (target < 0) return order[rank]!;
  }
  return order[kept - 1]!;
}
