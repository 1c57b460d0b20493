import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import * as arrays from '@ares/grpo';
import { maskedMean, maskedSum, maskedVariance, maskedWhiten } from '@ares/grpo/tf';

const random = createRng('tf-masked');
const values = Float32Array.from({ length: 30 }, () => random() * 6 - 2);
const mask = Float32Array.from({ length: 30 }, () => (random() < 0.6 ? 1 : 0));
values[3] = mask[3] === 0 ? Number.NaN : values[3]!;

function scalar(tensor: tf.Tensor): number {
  const value = tensor.dataSync()[0]!;
  tensor.dispose();
  return value;
}

describe('masked statistics (tf)', () => {
  it('agree with the typed-array functions, including NaN outside the mask', () => {
    const [v, m] = [tf.tensor2d(values, [5, 6]), tf.tensor2d(mask, [5, 6])];
    expectAllClose(
      [scalar(maskedSum(v, m)), scalar(maskedMean(v, m)), scalar(maskedVariance(v, m)), scalar(maskedVariance(v, m, { unbiased: false }))],
      [arrays.maskedSum(values, mask), arrays.maskedMean(values, mask), arrays.maskedVariance(values, mask), arrays.maskedVariance(values, mask, { unbiased: false })],
      TFJS_CPU,
    );
    const clean = values.map((x) => (Number.isNaN(x) ? 0 : x));
    const cleanTensor = tf.tensor2d(clean, [5, 6]);
    for (const shiftMean of [true, false]) {
      const whitened = maskedWhiten(cleanTensor, m, { shiftMean });
      expectAllClose(whitened.dataSync(), arrays.maskedWhiten(clean, mask, { shiftMean }), TFJS_CPU);
      whitened.dispose();
    }
    tf.dispose([v, m, cleanTensor]);
  });

  it('have the closed-form gradient M/(ΣM + 1e-8) for maskedMean and M for maskedSum', () => {
    const v = tf.tensor1d(values);
    const m = tf.tensor1d(mask);
    const count = mask.reduce((s, x) => s + x, 0);
    const meanGrad = tf.grad((x: tf.Tensor) => maskedMean(x, m))(v);
    const sumGrad = tf.grad((x: tf.Tensor) => maskedSum(x, m))(v);
    expectAllClose(meanGrad.dataSync(), Array.from(mask, (x) => x / count), TFJS_CPU);
    expectAllClose(sumGrad.dataSync(), mask, TFJS_CPU);
    tf.dispose([v, m, meanGrad, sumGrad]);
  });

  it('differentiate maskedVariance as 2(v − μ)M/(n − 1)', () => {
    const clean = Float32Array.from(values, (x) => (Number.isNaN(x) ? 0 : x));
    const v = tf.tensor1d(clean);
    const m = tf.tensor1d(mask);
    const n = mask.reduce((s, x) => s + x, 0);
    const mean = arrays.maskedMean(clean, mask);
    const grad = tf.grad((x: tf.Tensor) => maskedVariance(x, m))(v);
    expectAllClose(grad.dataSync(), Array.from(clean, (x, k) => (2 * (x - mean) * mask[k]!) / (n - 1)), TFJS_CPU);
    tf.dispose([v, m, grad]);
  });

  it('leak no tensors, also when the validation inside the scope throws', () => {
    const v = tf.tensor1d(values.map((x) => (Number.isNaN(x) ? 0 : x)));
    const m = tf.tensor1d(mask);
    const zeros = tf.zerosLike(m);
    const before = tf.memory().numTensors;
    tf.dispose([maskedSum(v, m), maskedMean(v, m), maskedVariance(v, m), maskedWhiten(v, m, { shiftMean: false })]);
    expectAresError(() => maskedVariance(v, zeros), 'EMPTY_INPUT', 'mask');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([v, m, zeros]);
  });

  it('throw like the typed-array functions', () => {
    const v = tf.tensor1d([1, 2, 3]);
    const one = tf.tensor1d([0, 1, 0]);
    const short = tf.tensor1d([1, 1]);
    expectAresError(() => maskedVariance(v, one), 'INVALID_ARGUMENT', 'mask');
    expectAresError(() => maskedWhiten(v, one), 'INVALID_ARGUMENT', 'mask');
    expectAresError(() => maskedMean(v, short), 'SHAPE_MISMATCH', 'mask');
    expectAresError(() => maskedSum(tf.tensor1d([1, 2], 'int32'), short), 'INVALID_ARGUMENT', 'values');
    expectAresError(() => maskedVariance(v, one, { unbiased: 'yes' as never }), 'INVALID_ARGUMENT', 'options.unbiased');
    tf.dispose([v, one, short]);
  });
});
