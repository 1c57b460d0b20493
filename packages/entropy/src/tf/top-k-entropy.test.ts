// Registers the tfjs CPU backend and gradients; only the tfjs twins' tests pay for loading tfjs.
import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topKEntropy as topKEntropyArray } from '../top-k-entropy';
import { centralDifference, expectNoLeak, take } from './tensor-test-utils';
import { topKEntropy, type TopKEntropyTensors } from './top-k-entropy';

type Estimate = keyof TopKEntropyTensors;
const ESTIMATES: readonly Estimate[] = ['plain', 'lower', 'upper', 'tailMass'];

/** Runs the twin on `[rows, k]` data and reads back all four estimates. */
function estimates(data: Float32Array, k: number, vocabSize?: number): Record<Estimate, Float32Array> {
  const input = tf.tensor2d(data, [data.length / k, k]);
  const result = topKEntropy(input, vocabSize === undefined ? {} : { vocabSize });
  input.dispose();
  return { plain: take(result.plain), lower: take(result.lower), upper: take(result.upper), tailMass: take(result.tailMass) };
}

/** The typed-array function row by row. */
function reference(data: ArrayLike<number>, k: number, vocabSize?: number): Record<Estimate, number[]> {
  const out: Record<Estimate, number[]> = { plain: [], lower: [], upper: [], tailMass: [] };
  for (let row = 0; row < data.length / k; row++) {
    const values = Array.from({ length: k }, (_, j) => data[row * k + j]!);
    const result = topKEntropyArray(values, vocabSize === undefined ? {} : { vocabSize });
    for (const name of ESTIMATES) out[name].push(result[name]);
  }
  return out;
}

/**
 * Independent float64 closed forms of ∂(Σ_r u_r·E_r)/∂ℓ for rows with r > 0 and no clamped entry:
 * plain −q(ℓ + 1), tailMass −q, lower q(ln r − ℓ), upper q(ln r − ℓ − ln(V − k)).
 */
function closedFormGradient(data: ArrayLike<number>, k: number, upstream: ArrayLike<number>, estimate: Estimate, vocabSize: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let row = 0; row < data.length / k; row++) {
    let mass = 0;
    for (let j = 0; j < k; j++) mass += Math.exp(data[row * k + j]!);
    const tail = 1 - mass;
    for (let j = 0; j < k; j++) {
      const logQ = data[row * k + j]!;
      const q = Math.exp(logQ);
      const finiteLog = q > 0 ? logQ : 0;
      const perEstimate: Record<Estimate, number> = {
        plain: -q * (finiteLog + 1),
        tailMass: -q,
        lower: q * (Math.log(tail) - finiteLog),
        upper: q * (Math.log(tail) - finiteLog - Math.log(vocabSize - k)),
      };
      out[row * k + j] = upstream[row]! * perEstimate[estimate];
    }
  }
  return out;
}

function gradientOf(data: Float32Array, k: number, upstream: Float32Array, estimate: Estimate, vocabSize?: number): Float32Array {
  const input = tf.tensor2d(data, [data.length / k, k]);
  const dy = tf.tensor1d(upstream);
  const options = vocabSize === undefined ? {} : { vocabSize };
  const gradient = take(tf.grad((x: tf.Tensor) => topKEntropy(x, options)[estimate])(input, dy));
  tf.dispose([input, dy]);
  return gradient;
}

/**
 * Rows of k log-probabilities (float32) of a distribution over k + 1 outcomes whose last one is the tail; with
 * `tailScale` 0 the k tokens carry all the mass up to float32 rounding (r ≈ 0, either sign before the clamp).
 */
const topKRows = fc
  .record({ rows: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 12 }), tailScale: fc.constantFrom(1, 0.01, 0) })
  .chain(({ rows, k, tailScale }) =>
    fc
      .array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: rows * (k + 1), maxLength: rows * (k + 1) })
      .map((weights) => {
        const data = new Float32Array(rows * k);
        for (let row = 0; row < rows; row++) {
          const slice = weights.slice(row * (k + 1), (row + 1) * (k + 1));
          slice[k] = slice[k]! * tailScale;
          const total = slice.reduce((sum, weight) => sum + weight, 0);
          for (let j = 0; j < k; j++) data[row * k + j] = Math.log(slice[j]! / total);
        }
        return { data, k, tailScale };
      }),
  );

describe('topKEntropy (tf)', () => {
  it('agrees with the typed-array topKEntropy on random top-k rows, with and without vocabSize', () => {
    fc.assert(
      fc.property(topKRows, fc.constantFrom(undefined, 0, 1000), ({ data, k, tailScale }, extra) => {
        const vocabSize = extra === undefined ? undefined : k + extra;
        const actual = estimates(data, k, vocabSize);
        const expected = reference(data, k, vocabSize);
        for (const name of ESTIMATES) {
          // Without V, upper jumps from lower to +∞ as r leaves 0; a tail below float32 resolution (tailScale 0)
          // may land on either side in float32, so there only the two admissible values are checked.
          if (name === 'upper' && vocabSize === undefined && tailScale === 0) {
            actual.upper.forEach((value, row) => expect(value === Infinity || value === actual.lower[row]).toBe(true));
          } else {
            expectAllClose(actual[name], expected[name], TFJS_CPU);
          }
        }
      }),
    );
  });

  it('reproduces SPEC §6.1: (0.5, 0.3) gives plain 0.7077654316, tailMass 0.2, lower 1.0296530141, upper(V = 10) 1.4455413224', () => {
    const result = estimates(new Float32Array([Math.log(0.5), Math.log(0.3)]), 2, 10);
    expectAllClose(result.plain, [0.7077654316], TFJS_CPU);
    expectAllClose(result.tailMass, [0.2], TFJS_CPU);
    expectAllClose(result.lower, [1.0296530141], TFJS_CPU);
    expectAllClose(result.upper, [1.4455413224], TFJS_CPU);
  });

  it('returns float32 tensors of the leading shape (scalars for a 1-D input)', () => {
    const input = tf.tensor3d([-0.5, -2, -1, -3, -0.1, -4], [1, 3, 2]);
    const result = topKEntropy(input, { vocabSize: 50 });
    for (const name of ESTIMATES) {
      expect(result[name].shape).toEqual([1, 3]);
      expect(result[name].dtype).toBe('float32');
    }
    tf.dispose([input, result.plain, result.lower, result.upper, result.tailMass]);
    const single = tf.tensor1d([-0.5, -2]);
    const scalar = topKEntropy(single);
    expect(scalar.lower.shape).toEqual([]);
    tf.dispose([single, scalar.plain, scalar.lower, scalar.upper, scalar.tailMass]);
  });

  it('makes upper +∞ where tail mass remains and V is unknown, and equal to lower where r = 0 or V = k', () => {
    const data = new Float32Array([Math.log(0.5), Math.log(0.3), 0, -Infinity]);
    const unknown = estimates(data, 2);
    expectAllClose(unknown.upper, [Infinity, unknown.lower[1]!], TFJS_CPU);
    expectAllClose(unknown.tailMass, [0.2, 0], TFJS_CPU);
    const full = estimates(data, 2, 2);
    expectAllClose(full.upper, full.lower, TFJS_CPU);
  });

  it('gives −∞ log-probs zero weight and handles huge gaps', () => {
    const result = estimates(new Float32Array([-Infinity, -Infinity, -1000, -0.0001, -Infinity, -1000]), 3, 100);
    const expected = reference([-Infinity, -Infinity, -1000, -0.0001, -Infinity, -1000], 3, 100);
    for (const name of ESTIMATES) expectAllClose(result[name], expected[name], TFJS_CPU);
    expectAllClose(result.tailMass, [1, expected.tailMass[1]!], TFJS_CPU);
    expectAllClose(result.upper, [Math.log(97), expected.upper[1]!], TFJS_CPU);
  });

  it('clamps log-probs in (0, 1e-6] to 0', () => {
    const clamped = estimates(new Float32Array([5e-7, -2]), 2, 10);
    const zero = estimates(new Float32Array([0, -2]), 2, 10);
    for (const name of ESTIMATES) expectAllClose(clamped[name], zero[name], TFJS_CPU);
  });

  it('propagates NaN to all four estimates of its row only', () => {
    const result = estimates(new Float32Array([Number.NaN, -1, -0.5, -2]), 2, 10);
    const expected = reference([Number.NaN, -1, -0.5, -2], 2, 10);
    for (const name of ESTIMATES) {
      expect(Number.isNaN(result[name][0]!)).toBe(true);
      expectAllClose(result[name], expected[name], TFJS_CPU);
    }
  });

  it('returns empty tensors for zero positions', () => {
    const input = tf.zeros([0, 5]);
    const result = topKEntropy(input);
    expect(result.lower.shape).toEqual([0]);
    tf.dispose([input, result.plain, result.lower, result.upper, result.tailMass]);
  });

  it('leaves the input tensor unchanged', () => {
    const data = [Math.log(0.4), 5e-7, -Infinity];
    const input = tf.tensor1d(data);
    const result = topKEntropy(input, { vocabSize: 8 });
    expect(Array.from(input.dataSync())).toEqual(Array.from(Float32Array.from(data)));
    tf.dispose([input, result.plain, result.lower, result.upper, result.tailMass]);
  });

  describe('gradient', () => {
    const data = new Float32Array([Math.log(0.5), Math.log(0.3), -Infinity, Math.log(0.2), Math.log(0.1), Math.log(0.05)]);
    const upstream = new Float32Array([1.5, -0.5]);

    it('matches the closed forms −q(ℓ + 1), −q, q(ln r − ℓ) and q(ln r − ℓ − ln(V − k)), 0 at −∞', () => {
      for (const name of ESTIMATES) {
        expectAllClose(gradientOf(data, 3, upstream, name, 40), closedFormGradient(data, 3, upstream, name, 40), TFJS_CPU);
      }
    });

    it('matches a float64 central difference of the typed-array function', () => {
      const finite = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.01), Math.log(0.2), Math.log(0.1), Math.log(0.05)]);
      for (const name of ESTIMATES) {
        const finiteDifference = centralDifference((x) => reference(x, 3, 40)[name], finite, upstream);
        expectAllClose(gradientOf(finite, 3, upstream, name, 40), finiteDifference, TFJS_CPU);
      }
    });

    it('drops the tail terms where r = 0, is 0 for clamped entries and for an infinite upper bound', () => {
      // Row 1: ℓ = (5e-7 → 0, −2), Σq > 1 so r = 0: every estimate is plain, ∂/∂ℓ = (0 clamped, −e^−2·(−2 + 1)).
      // Row 2: r > 0 and V unknown: upper = +∞ with gradient 0.
      const rows = new Float32Array([5e-7, -2, Math.log(0.5), Math.log(0.25)]);
      const ones = new Float32Array([1, 1]);
      const plainRow = [0, Math.exp(-2)];
      expectAllClose(gradientOf(rows, 2, ones, 'tailMass'), [0, 0, -0.5, -0.25], TFJS_CPU);
      expectAllClose(gradientOf(rows, 2, ones, 'lower').subarray(0, 2), plainRow, TFJS_CPU);
      expectAllClose(gradientOf(rows, 2, ones, 'upper'), [...plainRow, 0, 0], TFJS_CPU);
    });
  });

  it('leaks no tensors, in the forward pass, the gradient path and on errors', () => {
    const input = tf.tensor2d([Math.log(0.5), Math.log(0.3), -1, -Infinity], [2, 2]);
    const upstream = tf.ones([2]);
    expectNoLeak(() => {
      const result = topKEntropy(input, { vocabSize: 10 });
      tf.dispose([result.plain, result.lower, result.upper, result.tailMass]);
    });
    for (const name of ESTIMATES) {
      for (const options of [{}, { vocabSize: 2 }, { vocabSize: 10 }]) {
        expectNoLeak(() => tf.grad((x: tf.Tensor) => topKEntropy(x, options)[name])(input, upstream).dispose());
      }
    }
    const positive = tf.tensor1d([0.5, -1]);
    expectNoLeak(() => expectAresError(() => topKEntropy(positive), 'INVALID_ARGUMENT', 'topLogProbs'));
    tf.dispose([input, upstream, positive]);
  });

  describe('validation', () => {
    it('throws EMPTY_INPUT for an empty last axis (k = 0)', () => {
      const input = tf.zeros([3, 0]);
      expectAresError(() => topKEntropy(input), 'EMPTY_INPUT', 'topLogProbs');
      input.dispose();
    });

    it('throws INVALID_ARGUMENT for a log-prob above 1e-6', () => {
      const input = tf.tensor2d([[-1, -2], [-0.5, 2e-6]]);
      expectAresError(() => topKEntropy(input), 'INVALID_ARGUMENT', 'topLogProbs');
      input.dispose();
    });

    it('throws INVALID_ARGUMENT for a vocabSize that is not an integer ≥ k', () => {
      const input = tf.tensor2d([[-1, -2, -3]]);
      for (const vocabSize of [2, 3.5, 0, Number.NaN]) {
        expectAresError(() => topKEntropy(input, { vocabSize }), 'INVALID_ARGUMENT', 'options.vocabSize');
      }
      input.dispose();
    });

    it('throws INVALID_ARGUMENT for non-float32 input and SHAPE_MISMATCH for a scalar', () => {
      const integers = tf.zeros([2, 2], 'int32');
      expectAresError(() => topKEntropy(integers), 'INVALID_ARGUMENT', 'topLogProbs');
      const scalar = tf.scalar(-1);
      expectAresError(() => topKEntropy(scalar), 'SHAPE_MISMATCH', 'topLogProbs');
      tf.dispose([integers, scalar]);
    });
  });
});
