import '@ares/testing/setup-tf';
import type { DifficultyBucket } from '@ares/core';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { klTokenWeights as klTokenWeightsArray } from '../index';
import { klTokenWeights } from './index';

describe('tf klTokenWeights', () => {
  it('agrees with the typed-array klTokenWeights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((rows) =>
          fc.record({
            rows: fc.constant(rows),
            buckets: fc.array(fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'), { minLength: rows, maxLength: rows }),
            windowMask: fc.array(fc.constantFrom(0, 1), { minLength: rows * 3, maxLength: rows * 3 }),
            rho: fc.double({ min: 0.01, max: 1, noNaN: true }),
            hard: fc.double({ min: 0, max: 4, noNaN: true }),
          }),
        ),
        ({ rows, buckets, windowMask, rho, hard }) => {
          const options = { rho, base: { hard } };
          const actual = tf.tidy(() => klTokenWeights(tf.tensor2d(windowMask, [rows, 3]), buckets, options).dataSync());
          expectAllClose(actual, klTokenWeightsArray(windowMask, buckets, 3, options), TFJS_CPU);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('returns a float32 [rows, columns] tensor and leaks no tensors', () => {
    const windowMask = tf.tensor2d([[0, 1], [1, 0]], [2, 2], 'int32');
    const before = tf.memory().numTensors;
    const weights = klTokenWeights(windowMask, ['easy', 'hard'], { base: { hard: 2 } });
    expect([weights.shape, weights.dtype]).toEqual([[2, 2], 'float32']);
    expectAllClose(weights.dataSync(), [1, 0.5, 1, 2], TFJS_CPU);
    weights.dispose();
    expect(tf.memory().numTensors).toBe(before);
    windowMask.dispose();
  });

  it('throws on a bad rank, bucket count, bucket or ρ', () => {
    const flat = tf.tensor1d([0, 1]);
    const matrix = tf.tensor2d([[0, 1]]);
    expectAresError(() => klTokenWeights(flat, ['easy']), 'SHAPE_MISMATCH', 'windowMask');
    expectAresError(() => klTokenWeights(matrix, ['easy', 'hard']), 'SHAPE_MISMATCH', 'buckets');
    expectAresError(() => klTokenWeights(matrix, ['simple' as DifficultyBucket]), 'INVALID_ARGUMENT', 'buckets');
    expectAresError(() => klTokenWeights(matrix, ['easy'], { rho: 2 }), 'INVALID_ARGUMENT', 'options.rho');
    tf.dispose([flat, matrix]);
  });
});
