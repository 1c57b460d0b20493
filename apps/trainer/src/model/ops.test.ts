import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { TFJS_CPU, expectAllClose, expectAresError } from '@ares/testing';
import { attention, gatherRows, gelu, matMul } from './ops';

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const random = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => random() * 2 - 1), shape);
}

describe('matMul', () => {
  for (const [aShape, bShape] of [[[3, 4], [4, 5]], [[2, 3, 4], [2, 4, 5]], [[2, 3, 4, 5], [2, 3, 5, 2]]] as const) {
    it(`matches tf.matMul and its gradients for [${aShape}]·[${bShape}]`, () => {
      const a = randomTensor([...aShape], 1);
      const b = randomTensor([...bShape], 2);
      const weights = randomTensor([...aShape.slice(0, -1), bShape.at(-1)!], 3);
      const loss = (product: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(product(x, y), weights));
      const ours = tf.grads(loss(matMul));
      const reference = tf.grads(loss((x, y) => tf.matMul(x, y)));
      expectAllClose(matMul(a, b).dataSync(), tf.matMul(a, b).dataSync(), TFJS_CPU);
      const [oursA, oursB] = ours([a, b]);
      const [referenceA, referenceB] = reference([a, b]);
      expectAllClose(oursA!.dataSync(), referenceA!.dataSync(), TFJS_CPU);
      expectAllClose(oursB!.dataSync(), referenceB!.dataSync(), TFJS_CPU);
    });
  }

  it('throws SHAPE_MISMATCH for different ranks, batch sizes or inner sizes', () => {
    expectAresError(() => matMul(tf.zeros([2, 3]), tf.zeros([2, 3, 4])), 'SHAPE_MISMATCH', 'b');
    expectAresError(() => matMul(tf.zeros([2, 3, 4]), tf.zeros([3, 4, 5])), 'SHAPE_MISMATCH', 'b');
    expectAresError(() => matMul(tf.zeros([3, 4]), tf.zeros([5, 2])), 'SHAPE_MISMATCH', 'b');
  });
});

describe('gatherRows', () => {
  const table = randomTensor([6, 3], 4) as tf.Tensor2D;
  const indices = tf.tensor1d([0, 2, 2, 5, 0, 2, 1], 'int32');
  const weights = randomTensor([7, 3], 5);

  for (const mode of ['one-hot', 'scatter'] as const) {
    it(`matches tf.gather and its gradient, duplicates summed (${mode})`, () => {
      expectAllClose(gatherRows(table, indices, mode).dataSync(), tf.gather(table, indices).dataSync(), TFJS_CPU);
      const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, indices, mode), weights)))(table);
      const reference = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), weights)))(table);
      expectAllClose(ours.dataSync(), reference.dataSync(), TFJS_CPU);
      // Row 3 and 4 are never gathered: zero gradient. Row 2 is gathered three times.
      const gradient = ours.arraySync() as number[][];
      expect(gradient[3]).toEqual([0, 0, 0]);
      const w = weights.arraySync() as number[][];
      expectAllClose(gradient[2]!, [0, 1, 2].map((c) => w[1]![c]! + w[2]![c]! + w[5]![c]!), TFJS_CPU);
    });
  }

  it('throws SHAPE_MISMATCH for float or 2-D indices and UNSUPPORTED for an unknown gradient', () => {
    expectAresError(() => gatherRows(table, tf.tensor1d([0, 1]), 'one-hot'), 'SHAPE_MISMATCH', 'indices');
    expectAresError(() => gatherRows(table, tf.zeros([1, 2], 'int32') as never), 'SHAPE_MISMATCH', 'indices');
    expectAresError(() => gatherRows(table, indices, 'segment' as never), 'UNSUPPORTED', 'gradient');
  });
});

describe('gelu', () => {
  it('matches the tanh GELU formula and its tape gradient', () => {
    const x = tf.linspace(-6, 6, 49);
    const formula = (v: tf.Tensor) => tf.mul(tf.mul(v, 0.5), tf.add(tf.tanh(tf.mul(tf.add(v, tf.mul(tf.mul(tf.mul(v, v), v), 0.044715)), Math.sqrt(2 / Math.PI))), 1));
    const values = Array.from(x.dataSync(), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    expectAllClose(gelu(x).dataSync(), values, TFJS_CPU);
    expectAllClose(tf.grad(gelu)(x).dataSync(), tf.grad(formula)(x).dataSync(), TFJS_CPU);
  });
});

describe('attention', () => {
  it('gives the same values and gradients with split and batched products, with a causal mask over a longer key range', () => {
    const queries = randomTensor([3, 4, 5], 11) as tf.Tensor3D;
    const keys = randomTensor([3, 6, 5], 12) as tf.Tensor3D;
    const values = randomTensor([3, 6, 5], 13) as tf.Tensor3D;
    const mask = tf.tensor2d(Array.from({ length: 24 }, (_, index) => (index % 6 > Math.floor(index / 6) + 1 ? -1e9 : 0)), [4, 6]);
    const weights = randomTensor([3, 4, 5], 14);
    const loss = (kernel: 'split' | 'batched') => (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(attention(q as tf.Tensor3D, tf.transpose(k, [0, 2, 1]) as tf.Tensor3D, v as tf.Tensor3D, mask, kernel), weights));
    const keysTransposed = tf.transpose(keys, [0, 2, 1]) as tf.Tensor3D;
    expectAllClose(attention(queries, keysTransposed, values, mask, 'split').dataSync(), attention(queries, keysTransposed, values, mask, 'batched').dataSync(), TFJS_CPU);
    const split = tf.grads(loss('split'))([queries, keys, values]);
    const batched = tf.grads(loss('batched'))([queries, keys, values]);
    split.forEach((gradient, index) => expectAllClose(gradient.dataSync(), batched[index]!.dataSync(), TFJS_CPU));
    // Key 5 is masked for every query (keys > query + 1 are hidden): it receives no gradient.
    const keyGradient = split[1]!.arraySync() as number[][][];
    expect(keyGradient[0]![5]!.every((value) => value === 0)).toBe(true);
  });

  it('matches a float64 softmax attention by hand for one pair', () => {
    const q = [[1, 0], [0.5, -1]];
    const k = [[1, 2], [-1, 0.5], [0, 1]];
    const v = [[1, 1], [2, -1], [0, 3]];
    const keysTransposed = tf.tensor3d([k[0]!.map((_, d) => k.map((key) => key[d]!))]);
    const out = attention(tf.tensor3d([q]), keysTransposed, tf.tensor3d([v]), tf.zeros([2, 3]) as tf.Tensor2D, 'split').arraySync() as number[][][];
    const expected = q.map((row) => {
      const scores = k.map((key) => key[0]! * row[0]! + key[1]! * row[1]!);
      const top = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - top));
      const total = weights.reduce((a, b) => a + b);
      return [0, 1].map((d) => weights.reduce((s, w, j) => s + (w / total) * v[j]![d]!, 0));
    });
    expectAllClose(out[0]!.flat(), expected.flat(), TFJS_CPU);
  });
});

describe('custom ops', () => {
  it('leak no tensors in forward and backward', () => {
    const a = randomTensor([3, 4], 1);
    const b = randomTensor([4, 5], 2);
    const table = randomTensor([6, 4], 3) as tf.Tensor2D;
    const indices = tf.tensor1d([1, 1, 3], 'int32');
    const before = tf.memory().numTensors;
    const grads = tf.grads((x: tf.Tensor, t: tf.Tensor) => tf.sum(gelu(tf.add(matMul(x, b), tf.sum(gatherRows(t as tf.Tensor2D, indices, 'scatter'))))))([a, table]);
    tf.dispose(grads);
    const pairs = tf.reshape(a, [1, 3, 4]) as tf.Tensor3D;
    const pairsTransposed = tf.transpose(pairs, [0, 2, 1]) as tf.Tensor3D;
    const mask = tf.zeros([3, 3]) as tf.Tensor2D;
    const attentionGrads = tf.grads((q: tf.Tensor, k: tf.Tensor) => tf.sum(attention(q as tf.Tensor3D, k as tf.Tensor3D, pairs, mask, 'split')))([pairs, pairsTransposed]);
    tf.dispose([attentionGrads, attention(pairs, pairsTransposed, pairs, mask, 'split'), pairs, pairsTransposed, mask]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
