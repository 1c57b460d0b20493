import '@ares/testing/setup-tf';
import type { DifficultyBucket } from '@ares/core';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DualAscentKlController, klEstimate as klEstimateArray, klLoss as klLossArray, klTokenWeights, type KlAggregationMode } from '../index';
import { klEstimate, klLoss } from './index';

const batch = fc.integer({ min: 1, max: 4 }).chain((rows) =>
  fc.record({
    rows: fc.constant(rows),
    columns: fc.constant(5),
    buckets: fc.array(fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'), { minLength: rows, maxLength: rows }),
    kl: fc.array(fc.float({ min: 0, max: 3, noNaN: true }), { minLength: rows * 5, maxLength: rows * 5 }),
    mask: fc.array(fc.constantFrom(0, 1), { minLength: rows * 5, maxLength: rows * 5 }),
    windowMask: fc.array(fc.constantFrom(0, 1), { minLength: rows * 5, maxLength: rows * 5 }),
    rho: fc.double({ min: 0.05, max: 1, noNaN: true }),
    aggregation: fc.constantFrom<KlAggregationMode>('token-mean', 'seq-mean-token-mean'),
  }),
);
const kappa = { easy: 0.5, medium: 1, hard: 3 };

describe('tf klLoss', () => {
  it('agrees with the typed-array klLoss on random batches, both aggregation modes', () => {
    fc.assert(
      fc.property(batch, ({ rows, columns, buckets, kl, mask, windowMask, rho, aggregation }) => {
        const expected = klLossArray({ kl, mask, windowMask, buckets, columns }, kappa, { rho, aggregation });
        const actual = tf.tidy(() =>
          klLoss({ kl: tf.tensor2d(kl, [rows, columns]), mask: tf.tensor2d(mask, [rows, columns]), windowMask: tf.tensor2d(windowMask, [rows, columns]), buckets }, kappa, { rho, aggregation }).dataSync()[0]!,
        );
        expectAllClose(actual, expected, TFJS_CPU);
      }),
      { numRuns: 40 },
    );
  });

  it("has the closed-form gradient κ_d·β_{i,t}·mask/N (token-mean) and /(L_i·G') (seq-mean-token-mean)", () => {
    fc.assert(
      fc.property(batch, ({ rows, columns, buckets, kl, mask, windowMask, rho, aggregation }) => {
        const gradient = tf.tidy(() => {
          const maskTensor = tf.tensor2d(mask, [rows, columns]);
          const windowTensor = tf.tensor2d(windowMask, [rows, columns]);
          return tf.grad((x: tf.Tensor) => klLoss({ kl: x, mask: maskTensor, windowMask: windowTensor, buckets }, kappa, { rho, aggregation }))(tf.tensor2d(kl, [rows, columns])).dataSync();
        });
        const beta = klTokenWeights(windowMask, buckets, columns, { rho });
        const lengths = buckets.map((_, row) => mask.slice(row * columns, (row + 1) * columns).reduce<number>((a, b) => a + b, 0));
        const tokens = lengths.reduce<number>((a, b) => a + b, 0);
        const sequences = lengths.filter((length) => length > 0).length;
        const expected = mask.map((m, index) => {
          const row = Math.floor(index / columns);
          const weight = kappa[buckets[row]!] * beta[index]! * m;
          if (m === 0) return 0;
          return aggregation === 'token-mean' ? weight / tokens : weight / (lengths[row]! * sequences);
        });
        expectAllClose(gradient, expected, TFJS_CPU);
      }),
      { numRuns: 40 },
    );
  });

  it('chains with tf klEstimate k3+: ∂L/∂lp = κβ·(lp − ref)/N', () => {
    const lp = [-0.5, -1.5, -2, -0.1];
    const ref = [-1, -1, -1, -1];
    const mask = [1, 1, 1, 0];
    const windowMask = [0, 1, 0, 0];
    const controller = new DualAscentKlController({ initialCoefficient: 2 });
    const buckets: DifficultyBucket[] = ['easy', 'hard'];
    const { value, gradient } = tf.tidy(() => {
      const refTensor = tf.tensor2d(ref, [2, 2]);
      const maskTensor = tf.tensor2d(mask, [2, 2]);
      const windowTensor = tf.tensor2d(windowMask, [2, 2]);
      const loss = (x: tf.Tensor) => klLoss({ kl: klEstimate(x, refTensor, 'k3+'), mask: maskTensor, windowMask: windowTensor, buckets }, controller);
      const input = tf.tensor2d(lp, [2, 2]);
      return { value: loss(input).dataSync()[0]!, gradient: tf.grad(loss)(input).dataSync() };
    });
    const k3 = klEstimateArray(lp, ref, 'k3');
    expectAllClose(value, klLossArray({ kl: k3, mask, windowMask, buckets, columns: 2 }, controller), TFJS_CPU);
    // κ = 2, β = [1, 0.5, 1, ·], N = 3
    expectAllClose(gradient, [(2 * 1 * 0.5) / 3, (2 * 0.5 * -0.5) / 3, (2 * 1 * -1) / 3, 0], TFJS_CPU);
  });

  it('returns 0 without valid tokens and ignores NaN on padding in value and gradient', () => {
    const result = tf.tidy(() => {
      const mask = tf.tensor2d([[1, 0]]);
      const loss = (x: tf.Tensor) => klLoss({ kl: x, mask, buckets: ['medium'] }, { medium: 1 });
      const input = tf.tensor2d([[0.4, Number.NaN]]);
      const empty = klLoss({ kl: tf.tensor2d([[1, 2]]), mask: tf.zeros([1, 2]), buckets: ['easy'] }, { easy: 1 }, { aggregation: 'seq-mean-token-mean' });
      return { value: loss(input).dataSync()[0]!, gradient: Array.from(tf.grad(loss)(input).dataSync()), empty: empty.dataSync()[0]! };
    });
    expectAllClose(result.value, 0.4, TFJS_CPU);
    expect(result.gradient).toEqual([1, 0]);
    expect(result.empty).toBe(0);
  });

  it('leaks no tensors', () => {
    const kl = tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]);
    const mask = tf.tensor2d([[1, 1], [1, 0]]);
    const windowMask = tf.tensor2d([[0, 1], [0, 0]]);
    const before = tf.memory().numTensors;
    for (const aggregation of ['token-mean', 'seq-mean-token-mean'] as const) {
      klLoss({ kl, mask, windowMask, buckets: ['easy', 'hard'] }, kappa, { aggregation }).dispose();
      tf.grad((x: tf.Tensor) => klLoss({ kl: x, mask, windowMask, buckets: ['easy', 'hard'] }, kappa, { aggregation }))(kl).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([kl, mask, windowMask]);
  });

  it('throws on bad ranks, shapes, buckets and modes', () => {
    const kl = tf.tensor2d([[0.1, 0.2]]);
    const flat = tf.tensor1d([0.1, 0.2]);
    const mask = tf.tensor2d([[1, 1]]);
    const wrong = tf.tensor2d([[1], [1]]);
    expectAresError(() => klLoss({ kl: flat, mask: flat, buckets: ['easy'] }, kappa), 'SHAPE_MISMATCH', 'input.kl');
    expectAresError(() => klLoss({ kl, mask: wrong, buckets: ['easy'] }, kappa), 'SHAPE_MISMATCH', 'input.mask');
    expectAresError(() => klLoss({ kl, mask, windowMask: wrong, buckets: ['easy'] }, kappa), 'SHAPE_MISMATCH', 'input.windowMask');
    expectAresError(() => klLoss({ kl, mask, buckets: ['easy', 'hard'] }, kappa), 'SHAPE_MISMATCH', 'buckets');
    expectAresError(() => klLoss({ kl, mask, buckets: ['hardest' as DifficultyBucket] }, kappa), 'INVALID_ARGUMENT', 'buckets');
    expectAresError(() => klLoss({ kl, mask, buckets: ['easy'] }, kappa, { aggregation: 'sum' as never }), 'UNSUPPORTED', 'options.aggregation');
    expectAresError(() => klLoss({ kl, mask, buckets: ['easy'] }, { hard: 1 }), 'INVALID_ARGUMENT', 'coefficients.easy');
    tf.dispose([kl, flat, mask, wrong]);
  });
});
