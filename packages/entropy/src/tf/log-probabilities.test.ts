// Registers the tfjs CPU backend and gradients; only the tfjs twins' tests pay for loading tfjs.
import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectAresError, logitsMatrix, TFJS_CPU } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logProbabilities as logProbabilitiesArray } from '../log-probabilities';
import { logProbabilities } from './log-probabilities';
import { centralDifference, expectNoLeak, take, uniformFloat32 } from './tensor-test-utils';

/** Independent float64 reference of ∂(Σ_r u_r·ℓ_r)/∂z = u_r·(1[j = y_r] − softmax(z_r/T)_j)/T. */
function closedFormGradient(
  logits: ArrayLike<number>,
  vocabSize: number,
  labels: ArrayLike<number>,
  upstream: ArrayLike<number>,
  temperature: number,
): Float64Array {
  const out = new Float64Array(logits.length);
  for (let row = 0; row < labels.length; row++) {
    const offset = row * vocabSize;
    let total = 0;
    for (let j = 0; j < vocabSize; j++) total += Math.exp(logits[offset + j]! / temperature);
    for (let j = 0; j < vocabSize; j++) {
      const p = Math.exp(logits[offset + j]! / temperature) / total;
      out[offset + j] = (upstream[row]! * ((j === labels[row] ? 1 : 0) - p)) / temperature;
    }
  }
  return out;
}

function gradientOf(logits: tf.Tensor, labels: tf.Tensor | number[], upstream: tf.Tensor, temperature = 1): Float32Array {
  return take(tf.grad((x: tf.Tensor) => logProbabilities(x, labels, { temperature }))(logits, upstream));
}

describe('logProbabilities (tf)', () => {
  it('agrees with the typed-array logProbabilities on random logits, labels and temperatures', () => {
    const case_ = logitsMatrix({ maxRows: 4, maxVocab: 40, scale: 30 }).chain((matrix) =>
      fc.record({
        matrix: fc.constant(matrix),
        labels: fc.array(fc.nat({ max: matrix.vocabSize - 1 }), { minLength: matrix.rows, maxLength: matrix.rows }),
        temperature: fc.constantFrom(0.5, 1, 2.5),
        asTensor: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(case_, ({ matrix: { logits, vocabSize, rows }, labels, temperature, asTensor }) => {
        const input = tf.tensor2d(logits, [rows, vocabSize]);
        const labelInput = asTensor ? tf.tensor1d(labels, 'int32') : labels;
        const actual = take(logProbabilities(input, labelInput, { temperature }));
        tf.dispose([input, ...(labelInput instanceof tf.Tensor ? [labelInput] : [])]);
        expectAllClose(actual, logProbabilitiesArray(logits, vocabSize, labels, { temperature }), TFJS_CPU);
      }),
    );
  });

  it('returns float32 log-probabilities of the leading shape for rank-3 logits and an int32 label tensor', () => {
    const data = uniformFloat32(11, 2 * 3 * 5, -4, 4);
    const labels = [0, 4, 2, 1, 3, 4];
    const input = tf.tensor3d(data, [2, 3, 5]);
    const labelTensor = tf.tensor2d(labels, [2, 3], 'int32');
    const result = logProbabilities(input, labelTensor);
    expect(result.shape).toEqual([2, 3]);
    expect(result.dtype).toBe('float32');
    expectAllClose(take(result), logProbabilitiesArray(data, 5, labels), TFJS_CPU);
    tf.dispose([input, labelTensor]);
  });

  it('returns −ln V for uniform logits and a scalar for 1-D logits', () => {
    const input = tf.zeros([4]);
    const result = logProbabilities(input, [2]);
    expect(result.shape).toEqual([]);
    expectAllClose(take(result), [-Math.log(4)], TFJS_CPU);
    input.dispose();
  });

  it('gives −∞ for a −∞ label logit and ignores −∞ logits elsewhere', () => {
    const input = tf.tensor2d([[1, -Infinity, 3], [1, -Infinity, 3]]);
    const expected = [-Infinity, 3 - Math.log(Math.exp(1) + Math.exp(3))];
    expectAllClose(take(logProbabilities(input, [1, 2])), expected, TFJS_CPU);
    input.dispose();
  });

  it('handles huge logit gaps [−1000, 1000]', () => {
    const input = tf.tensor2d([[-1000, 1000], [-1000, 1000]]);
    expectAllClose(take(logProbabilities(input, [0, 1])), [-2000, 0], TFJS_CPU);
    input.dispose();
  });

  it('propagates NaN for rows with NaN, +∞ or only −∞', () => {
    const input = tf.tensor2d([[Number.NaN, 0], [Infinity, 0], [-Infinity, -Infinity], [0, 0]]);
    expectAllClose(take(logProbabilities(input, [1, 1, 0, 0])), [Number.NaN, Number.NaN, Number.NaN, -Math.LN2], TFJS_CPU);
    input.dispose();
  });

  it('returns an empty tensor for zero rows', () => {
    const input = tf.zeros([0, 3]);
    const result = logProbabilities(input, []);
    expect(result.shape).toEqual([0]);
    result.dispose();
    input.dispose();
  });

  it('leaves the logits and labels unchanged', () => {
    const data = uniformFloat32(12, 6, -2, 2);
    const labels = [1, 0];
    const input = tf.tensor2d(data, [2, 3]);
    const labelTensor = tf.tensor1d(labels, 'int32');
    take(logProbabilities(input, labelTensor, { temperature: 0.6 }));
    expect(Array.from(input.dataSync())).toEqual(Array.from(data));
    expect(Array.from(labelTensor.dataSync())).toEqual(labels);
    tf.dispose([input, labelTensor]);
  });

  describe('gradient', () => {
    it('matches the closed form (onehot − softmax)/T with an upstream gradient', () => {
      for (const temperature of [0.7, 1, 2]) {
        const data = uniformFloat32(13, 4 * 6, -5, 5);
        const labels = [5, 0, 3, 3];
        const weights = uniformFloat32(14, 4, -2, 2);
        const input = tf.tensor2d(data, [4, 6]);
        const upstream = tf.tensor1d(weights);
        const expected = closedFormGradient(data, 6, labels, weights, temperature);
        expectAllClose(gradientOf(input, labels, upstream, temperature), expected, TFJS_CPU);
        const labelTensor = tf.tensor1d(labels, 'int32');
        expectAllClose(gradientOf(input, labelTensor, upstream, temperature), expected, TFJS_CPU);
        tf.dispose([input, upstream, labelTensor]);
      }
    });

    it('matches a float64 central difference of the typed-array function', () => {
      const data = uniformFloat32(15, 3 * 5, -3, 3);
      const labels = [2, 4, 0];
      const weights = uniformFloat32(16, 3, 0.5, 1.5);
      const input = tf.tensor2d(data, [3, 5]);
      const upstream = tf.tensor1d(weights);
      const reference = centralDifference((x) => logProbabilitiesArray(x, 5, labels, { temperature: 1.7 }), data, weights);
      expectAllClose(gradientOf(input, labels, upstream, 1.7), reference, TFJS_CPU);
      tf.dispose([input, upstream]);
    });

    it('is 0 at −∞ non-label logits and finite for huge gaps', () => {
      const input = tf.tensor2d([[0.5, -Infinity, 1.5], [-1000, 1000, 0]]);
      const upstream = tf.ones([2]);
      const pLabel = Math.exp(0.5) / (Math.exp(0.5) + Math.exp(1.5));
      expectAllClose(gradientOf(input, [0, 1], upstream), [1 - pLabel, 0, -(1 - pLabel), 0, 0, 0], TFJS_CPU);
      tf.dispose([input, upstream]);
    });
  });

  it('leaks no tensors, in the forward pass, the gradient path and on errors', () => {
    const input = tf.tensor2d(uniformFloat32(17, 2 * 4, -2, 2), [2, 4]);
    const labelTensor = tf.tensor1d([3, 1], 'int32');
    const upstream = tf.tensor1d([1, -1]);
    expectNoLeak(() => logProbabilities(input, [3, 1], { temperature: 0.8 }).dispose());
    expectNoLeak(() => logProbabilities(input, labelTensor).dispose());
    expectNoLeak(() => tf.grad((x: tf.Tensor) => logProbabilities(x, [3, 1], { temperature: 0.8 }))(input, upstream).dispose());
    expectNoLeak(() => tf.grad((x: tf.Tensor) => logProbabilities(x, labelTensor))(input, upstream).dispose());
    expectNoLeak(() => expectAresError(() => logProbabilities(input, [3, 4]), 'INVALID_ARGUMENT', 'labels'));
    tf.dispose([input, labelTensor, upstream]);
  });

  describe('validation', () => {
    it('throws INVALID_ARGUMENT for a label outside [0, V) or not an integer', () => {
      const input = tf.zeros([2, 3]);
      for (const labels of [[0, 3], [-1, 0], [0, 1.5], [Number.NaN, 0]]) {
        expectAresError(() => logProbabilities(input, labels), 'INVALID_ARGUMENT', 'labels');
      }
      const outOfRange = tf.tensor1d([0, 3], 'int32');
      expectAresError(() => logProbabilities(input, outOfRange), 'INVALID_ARGUMENT', 'labels');
      tf.dispose([input, outOfRange]);
    });

    it('throws INVALID_ARGUMENT for a float32 label tensor', () => {
      const input = tf.zeros([2, 3]);
      const labels = tf.tensor1d([0, 1]);
      expectAresError(() => logProbabilities(input, labels), 'INVALID_ARGUMENT', 'labels');
      tf.dispose([input, labels]);
    });

    it('throws SHAPE_MISMATCH when labels do not match the logits rows', () => {
      const input = tf.zeros([2, 3, 4]);
      expectAresError(() => logProbabilities(input, [0, 1, 2, 3, 0]), 'SHAPE_MISMATCH', 'labels');
      const flat = tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32');
      expectAresError(() => logProbabilities(input, flat), 'SHAPE_MISMATCH', 'labels');
      tf.dispose([input, flat]);
    });

    it('throws INVALID_ARGUMENT for a bad temperature, an empty vocabulary axis or non-float32 logits', () => {
      const input = tf.zeros([1, 3]);
      expectAresError(() => logProbabilities(input, [0], { temperature: -0.5 }), 'INVALID_ARGUMENT', 'options.temperature');
      const empty = tf.zeros([1, 0]);
      expectAresError(() => logProbabilities(empty, [0]), 'INVALID_ARGUMENT', 'logits');
      const integers = tf.zeros([1, 3], 'int32');
      expectAresError(() => logProbabilities(integers, [0]), 'INVALID_ARGUMENT', 'logits');
      tf.dispose([input, empty, integers]);
    });

    it('throws SHAPE_MISMATCH for scalar logits', () => {
      const input = tf.scalar(0);
      expectAresError(() => logProbabilities(input, [0]), 'SHAPE_MISMATCH', 'logits');
      input.dispose();
    });
  });
});
