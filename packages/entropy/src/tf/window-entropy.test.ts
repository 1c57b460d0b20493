// Registers the tfjs CPU backend and gradients; only the tfjs twins' tests pay for loading tfjs.
import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowEntropy as windowEntropyArray, type WindowAnchor } from '../window-entropy';
import { centralDifference, expectNoLeak, take, uniformFloat32 } from './tensor-test-utils';
import { windowEntropy } from './window-entropy';

/** Hand-built gradient of Σ_t c_t·W_t: each window's c_t/w lands on every position it covers. */
function spreadGradient(length: number, upstream: ArrayLike<number>, window: number, anchor: WindowAnchor): Float64Array {
  const out = new Float64Array(length);
  const first = anchor === 'next' ? 1 : 0;
  for (let t = 0; t < upstream.length; t++) {
    for (let u = t + first; u < t + first + window; u++) out[u]! += upstream[t]! / window;
  }
  return out;
}

describe('windowEntropy (tf)', () => {
  it('agrees with the typed-array windowEntropy on random [batch, L] entropies, windows and anchors', () => {
    const case_ = fc
      .record({ rows: fc.integer({ min: 1, max: 3 }), length: fc.integer({ min: 0, max: 30 }) })
      .chain(({ rows, length }) =>
        fc.record({
          sequences: fc.array(fc.array(fc.float({ min: 0, max: Math.fround(8), noNaN: true }), { minLength: length, maxLength: length }), {
            minLength: rows,
            maxLength: rows,
          }),
          window: fc.integer({ min: 1, max: 8 }),
          anchor: fc.constantFrom<WindowAnchor>('inclusive', 'next'),
        }),
      );
    fc.assert(
      fc.property(case_, ({ sequences, window, anchor }) => {
        const length = sequences[0]!.length;
        const input = tf.tensor2d(sequences.flat(), [sequences.length, length]);
        const result = windowEntropy(input, { window, anchor });
        const expected = sequences.map((sequence) => Array.from(windowEntropyArray(sequence, { window, anchor })));
        expect(result.shape).toEqual([sequences.length, expected[0]!.length]);
        expectAllClose(take(result), expected.flat(), TFJS_CPU);
        input.dispose();
      }),
    );
  });

  it('reproduces SPEC §6.1: [1..6] with w = 2 gives inclusive [1.5..5.5] and next [2.5..5.5]', () => {
    const input = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    expectAllClose(take(windowEntropy(input, { window: 2 })), [1.5, 2.5, 3.5, 4.5, 5.5], TFJS_CPU);
    expectAllClose(take(windowEntropy(input, { window: 2, anchor: 'next' })), [2.5, 3.5, 4.5, 5.5], TFJS_CPU);
    input.dispose();
  });

  it('returns the entropies themselves for w = 1 inclusive, and a constant for a constant sequence', () => {
    const data = uniformFloat32(21, 9, 0, 3);
    const input = tf.tensor1d(data);
    expectAllClose(take(windowEntropy(input, { window: 1 })), data, TFJS_CPU);
    const constant = tf.fill([2, 10], 0.7);
    expectAllClose(take(windowEntropy(constant, { window: 4 })), new Array(14).fill(0.7), TFJS_CPU);
    tf.dispose([input, constant]);
  });

  it('uses the default window 4 and anchor inclusive and returns float32', () => {
    const input = tf.tensor1d([1, 2, 3, 4, 5]);
    const result = windowEntropy(input);
    expect(result.dtype).toBe('float32');
    expectAllClose(take(result), [2.5, 3.5], TFJS_CPU);
    input.dispose();
  });

  it('returns an empty last axis when the sequence is shorter than the window', () => {
    const short = tf.tensor1d([1, 2, 3]);
    const shortResult = windowEntropy(short, { window: 4 });
    expect(shortResult.shape).toEqual([0]);
    const batch = tf.ones([3, 4]);
    const batchResult = windowEntropy(batch, { window: 4, anchor: 'next' });
    expect(batchResult.shape).toEqual([3, 0]);
    const empty = tf.zeros([0]);
    const emptyResult = windowEntropy(empty);
    expect(emptyResult.shape).toEqual([0]);
    tf.dispose([short, shortResult, batch, batchResult, empty, emptyResult]);
  });

  it('propagates NaN to every window that covers it and sums ±∞ as the typed-array function does', () => {
    const values = [0.5, Number.NaN, 1, 2, Infinity, 3, -Infinity, 1];
    const input = tf.tensor1d(values);
    expectAllClose(take(windowEntropy(input, { window: 2 })), windowEntropyArray(values, { window: 2 }), TFJS_CPU);
    input.dispose();
  });

  it('windows along the last axis of a rank-3 tensor', () => {
    const data = uniformFloat32(22, 2 * 2 * 7, 0, 4);
    const input = tf.tensor3d(data, [2, 2, 7]);
    const result = windowEntropy(input, { window: 3, anchor: 'next' });
    expect(result.shape).toEqual([2, 2, 4]);
    const expected = [0, 1, 2, 3].flatMap((row) => Array.from(windowEntropyArray(data.subarray(row * 7, row * 7 + 7), { window: 3, anchor: 'next' })));
    expectAllClose(take(result), expected, TFJS_CPU);
    input.dispose();
  });

  it('leaves the input tensor unchanged', () => {
    const data = uniformFloat32(23, 10, 0, 2);
    const input = tf.tensor1d(data);
    take(windowEntropy(input, { window: 3 }));
    expect(Array.from(input.dataSync())).toEqual(Array.from(data));
    input.dispose();
  });

  describe('gradient', () => {
    it('spreads each window gradient as 1/w over the positions it covers', () => {
      for (const anchor of ['inclusive', 'next'] as const) {
        for (const window of [1, 3, 4]) {
          const length = 9;
          const count = length - window + 1 - (anchor === 'next' ? 1 : 0);
          const weights = uniformFloat32(24 + window, 2 * count, -2, 2);
          const input = tf.tensor2d(uniformFloat32(25, 2 * length, 0, 3), [2, length]);
          const upstream = tf.tensor2d(weights, [2, count]);
          const gradient = take(tf.grad((x: tf.Tensor) => windowEntropy(x, { window, anchor }))(input, upstream));
          const expected = [0, 1].flatMap((row) =>
            Array.from(spreadGradient(length, weights.subarray(row * count, (row + 1) * count), window, anchor)),
          );
          expectAllClose(gradient, expected, TFJS_CPU);
          tf.dispose([input, upstream]);
        }
      }
    });

    it('matches a float64 central difference of the typed-array function', () => {
      const data = uniformFloat32(26, 8, 0, 3);
      const weights = uniformFloat32(27, 5, -1, 1);
      const input = tf.tensor1d(data);
      const upstream = tf.tensor1d(weights);
      const reference = centralDifference((x) => windowEntropyArray(x, { window: 3, anchor: 'next' }), data, weights);
      const gradient = take(tf.grad((x: tf.Tensor) => windowEntropy(x, { window: 3, anchor: 'next' }))(input, upstream));
      expectAllClose(gradient, reference, TFJS_CPU);
      tf.dispose([input, upstream]);
    });

    it('is 0 everywhere when no full window exists', () => {
      const input = tf.tensor1d([1, 2, 3]);
      const upstream = tf.zeros([0]);
      const gradient = tf.grad((x: tf.Tensor) => windowEntropy(x, { window: 4 }))(input, upstream);
      expect(gradient.shape).toEqual([3]);
      expectAllClose(take(gradient), [0, 0, 0], TFJS_CPU);
      tf.dispose([input, upstream]);
    });
  });

  it('leaks no tensors, in the forward pass, the gradient path and on errors', () => {
    const input = tf.tensor2d(uniformFloat32(28, 2 * 6, 0, 2), [2, 6]);
    const upstream = tf.ones([2, 3]);
    const emptyUpstream = tf.zeros([2, 0]);
    expectNoLeak(() => windowEntropy(input, { window: 4 }).dispose());
    expectNoLeak(() => windowEntropy(input, { window: 7 }).dispose());
    expectNoLeak(() => tf.grad((x: tf.Tensor) => windowEntropy(x, { window: 3, anchor: 'next' }))(input, upstream).dispose());
    expectNoLeak(() => tf.grad((x: tf.Tensor) => windowEntropy(x, { window: 7 }))(input, emptyUpstream).dispose());
    expectNoLeak(() => expectAresError(() => windowEntropy(input, { window: 0 }), 'INVALID_ARGUMENT'));
    tf.dispose([input, upstream, emptyUpstream]);
  });

  describe('validation', () => {
    it('throws INVALID_ARGUMENT for a window that is not an integer ≥ 1', () => {
      const input = tf.ones([5]);
      for (const window of [0, -1, 2.5, Number.NaN]) {
        expectAresError(() => windowEntropy(input, { window }), 'INVALID_ARGUMENT', 'options.window');
      }
      input.dispose();
    });

    it('throws UNSUPPORTED for an unknown anchor', () => {
      const input = tf.ones([5]);
      expectAresError(() => windowEntropy(input, { anchor: 'previous' as WindowAnchor }), 'UNSUPPORTED', 'options.anchor');
      input.dispose();
    });

    it('throws INVALID_ARGUMENT for non-float32 entropies and SHAPE_MISMATCH for a scalar', () => {
      const integers = tf.ones([5], 'int32');
      expectAresError(() => windowEntropy(integers), 'INVALID_ARGUMENT', 'entropies');
      const scalar = tf.scalar(1);
      expectAresError(() => windowEntropy(scalar), 'SHAPE_MISMATCH', 'entropies');
      tf.dispose([integers, scalar]);
    });
  });
});
