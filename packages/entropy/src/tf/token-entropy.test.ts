// Registers the tfjs CPU backend and gradients; only the tfjs twins' tests pay for loading tfjs.
import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectAresError, logitsMatrix, TFJS_CPU } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenEntropy as tokenEntropyArray } from '../token-entropy';
import { centralDifference, expectNoLeak, take, uniformFloat32 } from './tensor-test-utils';
import { tokenEntropy } from './token-entropy';

/**
 * Independent float64 reference of ∂(Σ_r u_r·H_r)/∂z: −u_r·p_j·(ln p_j + H_r)/T per row, with p = softmax(z/T)
 * computed directly (a −∞ logit has p_j = 0 and contributes 0).
 */
function closedFormGradient(logits: ArrayLike<number>, vocabSize: number, upstream: ArrayLike<number>, temperature: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let row = 0; row < logits.length / vocabSize; row++) {
    const offset = row * vocabSize;
    let max = -Infinity;
    for (let j = 0; j < vocabSize; j++) max = Math.max(max, logits[offset + j]! / temperature);
    let total = 0;
    for (let j = 0; j < vocabSize; j++) total += Math.exp(logits[offset + j]! / temperature - max);
    const logP = (j: number): number => logits[offset + j]! / temperature - max - Math.log(total);
    let entropy = 0;
    for (let j = 0; j < vocabSize; j++) {
      const p = Math.exp(logP(j));
      if (p > 0) entropy -= p * logP(j);
    }
    for (let j = 0; j < vocabSize; j++) {
      const p = Math.exp(logP(j));
      out[offset + j] = p > 0 ? (-upstream[row]! * p * (logP(j) + entropy)) / temperature : 0;
    }
  }
  return out;
}

function gradientOf(logits: tf.Tensor, upstream: tf.Tensor, temperature = 1): Float32Array {
  return take(tf.grad((x: tf.Tensor) => tokenEntropy(x, { temperature }))(logits, upstream));
}

describe('tokenEntropy (tf)', () => {
  it('agrees with the typed-array tokenEntropy on random logits and temperatures', () => {
    fc.assert(
      fc.property(logitsMatrix({ maxRows: 4, maxVocab: 40, scale: 30 }), fc.constantFrom(0.5, 1, 2.5), (matrix, temperature) => {
        const { logits, vocabSize, rows } = matrix;
        const input = tf.tensor2d(logits, [rows, vocabSize]);
        const actual = take(tokenEntropy(input, { temperature }));
        input.dispose();
        expectAllClose(actual, tokenEntropyArray(logits, vocabSize, { temperature }), TFJS_CPU);
      }),
    );
  });

  it('returns float32 entropies of the leading shape for rank-3 logits', () => {
    const data = uniformFloat32(1, 2 * 3 * 7, -4, 4);
    const input = tf.tensor3d(data, [2, 3, 7]);
    const entropy = tokenEntropy(input);
    expect(entropy.shape).toEqual([2, 3]);
    expect(entropy.dtype).toBe('float32');
    expectAllClose(take(entropy), tokenEntropyArray(data, 7), TFJS_CPU);
    input.dispose();
  });

  it('returns a scalar for 1-D logits', () => {
    const input = tf.tensor1d([0.3, -1.2, 2.5]);
    const entropy = tokenEntropy(input);
    expect(entropy.shape).toEqual([]);
    expectAllClose(take(entropy), tokenEntropyArray(new Float32Array([0.3, -1.2, 2.5]), 3), TFJS_CPU);
    input.dispose();
  });

  it('returns ln V for uniform logits (SPEC §6.1: V = 37 → 3.6109179126) and 0 for a one-hot distribution', () => {
    const input = tf.tensor2d([Array.from({ length: 37 }, () => 2.5), [0, -1000, -1000, ...Array.from({ length: 34 }, () => -1000)]]);
    expectAllClose(take(tokenEntropy(input)), [3.6109179126, 0], TFJS_CPU);
    const oneHot = tf.tensor1d([1, -Infinity]);
    expect(Object.is(take(tokenEntropy(oneHot))[0], 0)).toBe(true); // +0, not −0
    tf.dispose([input, oneHot]);
  });

  it('gives −∞ logits zero weight (the entropy of the remaining tokens, not NaN)', () => {
    const input = tf.tensor2d([[1, 2, -Infinity, 3], [-Infinity, 0.5, -Infinity, -Infinity]]);
    const expected = [...tokenEntropyArray(new Float64Array([1, 2, 3]), 3), 0];
    expectAllClose(take(tokenEntropy(input)), expected, TFJS_CPU);
    input.dispose();
  });

  it('handles huge logit gaps [−1000, 1000] with entropy 0 and a zero gradient', () => {
    const input = tf.tensor2d([[-1000, 1000]]);
    expectAllClose(take(tokenEntropy(input, { temperature: 0.5 })), [0], TFJS_CPU);
    const upstream = tf.tensor1d([1]);
    expectAllClose(gradientOf(input, upstream, 0.5), [0, 0], TFJS_CPU);
    tf.dispose([input, upstream]);
  });

  it('propagates NaN for rows with NaN, +∞ or only −∞, leaving other rows intact', () => {
    const input = tf.tensor2d([[Number.NaN, 0], [Infinity, 0], [-Infinity, -Infinity], [0, 0]]);
    expectAllClose(take(tokenEntropy(input)), [Number.NaN, Number.NaN, Number.NaN, Math.LN2], TFJS_CPU);
    input.dispose();
  });

  it('returns an empty tensor for zero rows', () => {
    const input = tf.zeros([0, 5]);
    const entropy = tokenEntropy(input);
    expect(entropy.shape).toEqual([0]);
    entropy.dispose();
    input.dispose();
  });

  it('leaves the input tensor unchanged', () => {
    const data = uniformFloat32(2, 12, -3, 3);
    const input = tf.tensor2d(data, [3, 4]);
    take(tokenEntropy(input, { temperature: 0.7 }));
    expect(Array.from(input.dataSync())).toEqual(Array.from(data));
    input.dispose();
  });

  describe('gradient', () => {
    it('matches the closed form ∂H/∂z_j = −p_j(ln p_j + H)/T with an upstream gradient', () => {
      for (const temperature of [0.7, 1, 2]) {
        const data = uniformFloat32(3, 4 * 9, -5, 5);
        const weights = uniformFloat32(4, 4, -2, 2);
        const input = tf.tensor2d(data, [4, 9]);
        const upstream = tf.tensor1d(weights);
        expectAllClose(gradientOf(input, upstream, temperature), closedFormGradient(data, 9, weights, temperature), TFJS_CPU);
        tf.dispose([input, upstream]);
      }
    });

    it('matches a float64 central difference of the typed-array function', () => {
      const data = uniformFloat32(5, 3 * 6, -3, 3);
      const weights = uniformFloat32(6, 3, 0.5, 1.5);
      const input = tf.tensor2d(data, [3, 6]);
      const upstream = tf.tensor1d(weights);
      const reference = centralDifference((x) => tokenEntropyArray(x, 6, { temperature: 1.3 }), data, weights);
      expectAllClose(gradientOf(input, upstream, 1.3), reference, TFJS_CPU);
      tf.dispose([input, upstream]);
    });

    it('is 0 at −∞ logits and equals the gradient of the finite sub-row elsewhere', () => {
      const input = tf.tensor1d([0.5, -Infinity, 1.5, -Infinity, -0.25]);
      const upstream = tf.scalar(1);
      const gradient = gradientOf(input, upstream);
      const reduced = closedFormGradient([0.5, 1.5, -0.25], 3, [1], 1);
      expectAllClose(gradient, [reduced[0]!, 0, reduced[1]!, 0, reduced[2]!], TFJS_CPU);
      tf.dispose([input, upstream]);
    });

    it('defaults the upstream gradient to ones', () => {
      const data = uniformFloat32(7, 2 * 3, -1, 1);
      const input = tf.tensor2d(data, [2, 3]);
      const gradient = take(tf.grad((x: tf.Tensor) => tokenEntropy(x))(input));
      expectAllClose(gradient, closedFormGradient(data, 3, [1, 1], 1), TFJS_CPU);
      input.dispose();
    });

    it('sums to 0 over each row (entropy is invariant to a constant logit shift)', () => {
      const data = uniformFloat32(8, 5 * 11, -6, 6);
      const input = tf.tensor2d(data, [5, 11]);
      const upstream = tf.ones([5]);
      const gradient = tf.grad((x: tf.Tensor) => tokenEntropy(x))(input, upstream);
      expectAllClose(take(tf.sum(gradient, -1)), new Float64Array(5), TFJS_CPU);
      tf.dispose([input, upstream, gradient]);
    });
  });

  it('leaks no tensors, in the forward pass, the gradient path and on errors', () => {
    const input = tf.tensor2d(uniformFloat32(9, 2 * 5, -2, 2), [2, 5]);
    const upstream = tf.tensor1d([1, -1]);
    expectNoLeak(() => tokenEntropy(input, { temperature: 0.8 }).dispose());
    expectNoLeak(() => tf.grad((x: tf.Tensor) => tokenEntropy(x, { temperature: 0.8 }))(input, upstream).dispose());
    expectNoLeak(() => expectAresError(() => tokenEntropy(input, { temperature: 0 }), 'INVALID_ARGUMENT'));
    tf.dispose([input, upstream]);
  });

  describe('validation', () => {
    it('throws INVALID_ARGUMENT for a temperature that is not a finite number > 0', () => {
      const input = tf.zeros([1, 3]);
      for (const temperature of [0, -1, Number.NaN, Infinity]) {
        expectAresError(() => tokenEntropy(input, { temperature }), 'INVALID_ARGUMENT', 'options.temperature');
      }
      input.dispose();
    });

    it('throws INVALID_ARGUMENT for an empty vocabulary axis (vocabSize 0)', () => {
      const input = tf.zeros([2, 0]);
      expectAresError(() => tokenEntropy(input), 'INVALID_ARGUMENT', 'logits');
      input.dispose();
    });

    it('throws INVALID_ARGUMENT for non-float32 logits', () => {
      const input = tf.tensor2d([[1, 2]], [1, 2], 'int32');
      expectAresError(() => tokenEntropy(input), 'INVALID_ARGUMENT', 'logits');
      input.dispose();
    });

    it('throws SHAPE_MISMATCH for scalar logits', () => {
      const input = tf.scalar(1);
      expectAresError(() => tokenEntropy(input), 'SHAPE_MISMATCH', 'logits');
      input.dispose();
    });
  });
});
