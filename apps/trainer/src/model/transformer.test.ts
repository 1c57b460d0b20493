import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { TFJS_CPU, expectAllClose, expectAresError } from '@ares/testing';
import { modelConfig, type ModelConfig } from './config';
import { disposeParameters, initializeParameters, parameterCount, type ModelParameters } from './parameters';
import { KvCache, forward, forwardCached, imagePatches } from './transformer';

const config = modelConfig({ vocabSize: 11, width: 8, layers: 2, heads: 2, context: 12, mlpRatio: 2, image: { size: 4, patch: 2 } });
const BATCH = 2;
const TEXT = 6;

// ---------------------------------------------------------------------------------------------------------------
// An independent float64 reference of the same model, over plain arrays (row-major matrices as number[][]).
// ---------------------------------------------------------------------------------------------------------------
type Matrix = number[][];

function read(parameters: ModelParameters, name: string, columns: number): Matrix {
  const flat = Array.from(parameters[name]!.dataSync());
  const rows: Matrix = [];
  for (let start = 0; start < flat.length; start += columns) rows.push(flat.slice(start, start + columns));
  return rows;
}
const vector = (parameters: ModelParameters, name: string) => Array.from(parameters[name]!.dataSync());
const product = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0]!.map((_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)));
const addRow = (a: Matrix, bias: number[]) => a.map((row) => row.map((value, j) => value + bias[j]!));
const addMatrix = (a: Matrix, b: Matrix) => a.map((row, i) => row.map((value, j) => value + b[i]![j]!));
function normalize(a: Matrix, scale: number[], bias: number[], epsilon: number): Matrix {
  return a.map((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
    return row.map((v, j) => ((v - mean) / Math.sqrt(variance + epsilon)) * scale[j]! + bias[j]!);
  });
}
const geluValue = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

/** Logits [length][V] of one sequence: image pixels (size²) or none, then tokens. */
function referenceLogits(parameters: ModelParameters, cfg: ModelConfig, image: number[] | undefined, tokens: number[]): Matrix {
  const D = cfg.width;
  const tokenTable = read(parameters, 'token.embedding', D);
  const positions = read(parameters, 'position.embedding', D);
  let x: Matrix = [];
  if (image !== undefined) {
    const { size, patch } = cfg.image!;
    const weight = read(parameters, 'image.patch.weight', D);
    const bias = vector(parameters, 'image.patch.bias');
    for (let py = 0; py < size / patch; py++) {
      for (let px = 0; px < size / patch; px++) {
        const pixels: number[] = [];
        for (let r = 0; r < patch; r++) for (let c = 0; c < patch; c++) pixels.push(image[(py * patch + r) * size + px * patch + c]!);
        x.push(addRow(product([pixels], weight), bias)[0]!);
      }
    }
  }
  const prefix = x.length;
  for (const token of tokens) x.push([...tokenTable[token]!]);
  x = x.map((row, position) => row.map((value, j) => value + positions[position]![j]!));
  const H = cfg.heads;
  const headWidth = D / H;
  for (let layer = 0; layer < cfg.layers; layer++) {
    const p = `layer${layer}`;
    const h = normalize(x, vector(parameters, `${p}.attention.norm.scale`), vector(parameters, `${p}.attention.norm.bias`), cfg.layerNormEpsilon);
    const qkv = product(h, read(parameters, `${p}.attention.qkv.weight`, 3 * D));
    const attended: Matrix = x.map(() => new Array<number>(D).fill(0));
    for (let head = 0; head < H; head++) {
      const columns = (block: number) => (row: number[]) => row.slice(block * D + head * headWidth, block * D + (head + 1) * headWidth);
      const q = qkv.map(columns(0));
      const k = qkv.map(columns(1));
      const v = qkv.map(columns(2));
      for (let i = 0; i < x.length; i++) {
        const scores = k.slice(0, i + 1).map((key) => key.reduce((s, value, d) => s + value * q[i]![d]!, 0) / Math.sqrt(headWidth));
        const top = Math.max(...scores);
        const weights = scores.map((s) => Math.exp(s - top));
        const total = weights.reduce((s, w) => s + w, 0);
        for (let d = 0; d < headWidth; d++) attended[i]![head * headWidth + d] = weights.reduce((s, w, j) => s + (w / total) * v[j]![d]!, 0);
      }
    }
    x = addMatrix(x, product(attended, read(parameters, `${p}.attention.output.weight`, D)));
    const h2 = normalize(x, vector(parameters, `${p}.mlp.norm.scale`), vector(parameters, `${p}.mlp.norm.bias`), cfg.layerNormEpsilon);
    const hidden = addRow(product(h2, read(parameters, `${p}.mlp.input.weight`, cfg.mlpRatio * D)), vector(parameters, `${p}.mlp.input.bias`)).map((row) => row.map(geluValue));
    x = addMatrix(x, addRow(product(hidden, read(parameters, `${p}.mlp.output.weight`, D)), vector(parameters, `${p}.mlp.output.bias`)));
  }
  const final = normalize(x, vector(parameters, 'final.norm.scale'), vector(parameters, 'final.norm.bias'), cfg.layerNormEpsilon);
  return product(final.slice(prefix), read(parameters, 'head.weight', cfg.vocabSize));
}

/** Parameters with O(1) random values (the default initialisation is too small to test the maths). */
function scrambledParameters(cfg: ModelConfig, seed: number): ModelParameters {
  const parameters = initializeParameters(cfg, seed);
  const random = createRng(seed + 1);
  for (const variable of Object.values(parameters)) {
    const values = Float32Array.from({ length: variable.size }, () => random() * 2 - 1);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
  }
  return parameters;
}

describe('forward', () => {
  let parameters: ModelParameters;
  let images: Float32Array;
  let tokens: Int32Array;
  beforeAll(() => {
    parameters = scrambledParameters(config, 3);
    const random = createRng(9);
    images = Float32Array.from({ length: BATCH * 16 }, () => (random() < 0.4 ? 1 : 0));
    tokens = Int32Array.from({ length: BATCH * TEXT }, () => Math.floor(random() * config.vocabSize));
  });
  afterAll(() => disposeParameters(parameters));

  it('agrees with a float64 reference implementation, with an image prefix', () => {
    const logits = tf.tidy(() => {
      const patches = imagePatches(images, BATCH, config);
      return forward(parameters, config, { tokens: tf.tensor2d(tokens, [BATCH, TEXT], 'int32'), patches });
    });
    expect(logits.shape).toEqual([BATCH, TEXT, config.vocabSize]);
    const expected = [0, 1].flatMap((b) => referenceLogits(parameters, config, Array.from(images.slice(b * 16, (b + 1) * 16)), Array.from(tokens.slice(b * TEXT, (b + 1) * TEXT))).flat());
    expectAllClose(logits.dataSync(), expected, TFJS_CPU);
    logits.dispose();
  });

  it('agrees with the float64 reference on text only', () => {
    const logits = tf.tidy(() => forward(parameters, config, { tokens: tf.tensor2d(tokens, [BATCH, TEXT], 'int32') }));
    const expected = [0, 1].flatMap((b) => referenceLogits(parameters, config, undefined, Array.from(tokens.slice(b * TEXT, (b + 1) * TEXT))).flat());
    expectAllClose(logits.dataSync(), expected, TFJS_CPU);
    logits.dispose();
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const changed = tokens.slice();
    changed[4] = (changed[4]! + 1) % config.vocabSize;
    const [a, b] = [tokens, changed].map((ids) => tf.tidy(() => forward(parameters, config, { tokens: tf.tensor2d(ids, [BATCH, TEXT], 'int32') }).arraySync() as number[][][]));
    expectAllClose(a![0]!.slice(0, 4).flat(), b![0]!.slice(0, 4).flat(), TFJS_CPU);
    expect(a![0]![4]).not.toEqual(b![0]![4]);
  });

  it('gives the same logits and gradients with split and batched attention', () => {
    const input = () => ({ tokens: tf.tensor2d(tokens, [BATCH, TEXT], 'int32'), patches: imagePatches(images, BATCH, config) });
    const run = (attention: 'split' | 'batched') => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(forward(parameters, config, input(), { attention }))) as tf.Scalar);
      return [value, ...Object.keys(parameters).map((name) => grads[parameters[name]!.name]!)].map((tensor) => Array.from(tensor.dataSync()));
    });
    const split = run('split');
    const batched = run('batched');
    split.forEach((values, index) => expectAllClose(values, batched[index]!, TFJS_CPU));
  });

  it('gives the same logits for either embedding gradient', () => {
    const [a, b] = (['one-hot', 'scatter'] as const).map((gatherGradient) => tf.tidy(() => forward(parameters, config, { tokens: tf.tensor2d(tokens, [BATCH, TEXT], 'int32') }, { gatherGradient }).dataSync()));
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it('matches incremental KV-cache decoding at every position, prefill chunk and single steps', () => {
    const full = tf.tidy(() => forward(parameters, config, { tokens: tf.tensor2d(tokens, [BATCH, TEXT], 'int32'), patches: imagePatches(images, BATCH, config) }));
    const cache = new KvCache();
    const ids = tf.tensor2d(tokens, [BATCH, TEXT], 'int32');
    const pieces: tf.Tensor[] = [];
    const patches = imagePatches(images, BATCH, config);
    pieces.push(forwardCached(parameters, config, { tokens: tf.slice(ids, [0, 0], [BATCH, 2]), patches }, cache));
    expect(cache.length).toBe(4 + 2);
    pieces.push(forwardCached(parameters, config, { tokens: tf.slice(ids, [0, 2], [BATCH, 1]) }, cache));
    pieces.push(forwardCached(parameters, config, { tokens: tf.slice(ids, [0, 3], [BATCH, 2]) }, cache));
    const last = forwardCached(parameters, config, { tokens: tf.slice(ids, [0, 5], [BATCH, 1]) }, cache, { lastOnly: true });
    expect(last.shape).toEqual([BATCH, config.vocabSize]);
    pieces.push(tf.expandDims(last, 1));
    expect(cache.length).toBe(4 + TEXT);
    expectAllClose(tf.concat(pieces, 1).dataSync(), full.dataSync(), TFJS_CPU);
    cache.dispose();
  });

  it('leaks no tensors (forward, cached decoding, gradients)', () => {
    const ids = tf.tensor2d(tokens, [BATCH, TEXT], 'int32');
    const patches = imagePatches(images, BATCH, config);
    const before = tf.memory().numTensors;
    forward(parameters, config, { tokens: ids, patches }).dispose();
    const cache = new KvCache();
    const prompt = tf.tidy(() => tf.slice(ids, [0, 0], [BATCH, 3]));
    forwardCached(parameters, config, { tokens: prompt, patches }, cache).dispose();
    prompt.dispose();
    const step = tf.tidy(() => tf.slice(ids, [0, 3], [BATCH, 1]));
    for (let i = 0; i < 3; i++) forwardCached(parameters, config, { tokens: step }, cache, { lastOnly: true }).dispose();
    expect(tf.memory().numTensors).toBe(before + 1 + 2 * config.layers);
    cache.dispose();
    step.dispose();
    const { value, grads } = tf.variableGrads(() => tf.sum(forward(parameters, config, { tokens: ids, patches })) as tf.Scalar);
    value.dispose();
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws on malformed input: context overflow, patches on text-only model, patches after the first step', () => {
    const textOnly = modelConfig({ vocabSize: 11, width: 8, layers: 1, heads: 2, context: 8, image: null });
    const small = initializeParameters(textOnly, 1);
    expectAresError(() => forward(small, textOnly, { tokens: tf.zeros([1, 9], 'int32') as tf.Tensor2D }), 'INVALID_ARGUMENT', 'input.tokens');
    expectAresError(() => forward(small, textOnly, { tokens: tf.zeros([1, 2], 'int32') as tf.Tensor2D, patches: tf.zeros([1, 4, 4]) as tf.Tensor3D }), 'UNSUPPORTED', 'input.patches');
    expectAresError(() => forward(small, textOnly, { tokens: tf.zeros([1, 2]) as tf.Tensor2D }), 'SHAPE_MISMATCH', 'input.tokens');
    expectAresError(() => forward(parameters, config, { tokens: tf.zeros([1, 2], 'int32') as tf.Tensor2D, patches: tf.zeros([1, 4, 3]) as tf.Tensor3D }), 'SHAPE_MISMATCH', 'input.patches');
    const cache = new KvCache();
    forwardCached(parameters, config, { tokens: tf.zeros([1, 2], 'int32') as tf.Tensor2D }, cache).dispose();
    expectAresError(() => forwardCached(parameters, config, { tokens: tf.zeros([1, 1], 'int32') as tf.Tensor2D, patches: tf.zeros([1, 4, 4]) as tf.Tensor3D }, cache), 'INVALID_STATE', 'input.patches');
    expectAresError(() => forwardCached(parameters, config, { tokens: tf.zeros([2, 1], 'int32') as tf.Tensor2D }, cache), 'SHAPE_MISMATCH', 'input.tokens');
    cache.dispose();
    disposeParameters(small);
  });
});

describe('initializeParameters', () => {
  it('is deterministic per seed and counts every parameter', () => {
    const a = initializeParameters(config, 'seed');
    const b = initializeParameters(config, 'seed');
    for (const name of Object.keys(a)) expect(Array.from(a[name]!.dataSync())).toEqual(Array.from(b[name]!.dataSync()));
    const D = 8;
    const expected = 11 * D + 12 * D + 4 * D + D + 2 * (4 * D + 3 * D * D + D * D + 2 * D * D + 2 * D + 2 * D * D + D) + 2 * D + D * 11;
    expect(parameterCount(a)).toBe(expected);
    const weights = Array.from(a['layer0.mlp.input.weight']!.dataSync());
    const std = Math.sqrt(weights.reduce((s, v) => s + v * v, 0) / weights.length);
    expect(std).toBeGreaterThan(0.012);
    expect(std).toBeLessThan(0.028);
    disposeParameters(a);
    disposeParameters(b);
  });
});
