import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DifficultyBucket } from '@ares/core';
import { DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS, klTokenWeights } from './index';

describe('klTokenWeights', () => {
  it('gives β_d outside windows and ρ·β_d inside (SPEC §6.5 item 27)', () => {
    const weights = klTokenWeights([0, 1, 1, 0, 0, 1], ['easy', 'hard'], 3, { rho: 0.25, base: { hard: 2 } });
    expectAllClose(weights, [1, 0.25, 0.25, 2, 2, 0.5], FLOAT64);
  });

  it('uses ρ = 0.5 and β_d = 1 by default', () => {
    expect(DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS).toEqual({ rho: 0.5, base: { easy: 1, medium: 1, hard: 1 } });
    expect(Object.isFrozen(DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS.base)).toBe(true);
    expect(Array.from(klTokenWeights([1, 0], ['medium'], 2))).toEqual([0.5, 1]);
  });

  it('disables the relaxation at ρ = 1', () => {
    expect(Array.from(klTokenWeights([1, 1, 0], ['easy'], 3, { rho: 1 }))).toEqual([1, 1, 1]);
  });

  it('holds β_{i,t} = β_d·ρ^m for random masks, buckets and settings', () => {
    const bucketArbitrary = fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((rows) =>
          fc.record({
            rows: fc.constant(rows),
            columns: fc.integer({ min: 1, max: 6 }),
            buckets: fc.array(bucketArbitrary, { minLength: rows, maxLength: rows }),
            rho: fc.double({ min: 0.01, max: 1, noNaN: true }),
            base: fc.record({ easy: fc.double({ min: 0, max: 5, noNaN: true }), hard: fc.double({ min: 0, max: 5, noNaN: true }) }),
          }),
        ).chain((setting) =>
          fc.record({ setting: fc.constant(setting), mask: fc.array(fc.constantFrom(0, 1), { minLength: setting.rows * setting.columns, maxLength: setting.rows * setting.columns }) }),
        ),
        ({ setting, mask }) => {
          const weights = klTokenWeights(mask, setting.buckets, setting.columns, { rho: setting.rho, base: setting.base });
          const base = { medium: 1, ...setting.base };
          const expected = mask.map((m, index) => base[setting.buckets[Math.floor(index / setting.columns)]!] * setting.rho ** m);
          expectAllClose(weights, expected, FLOAT64);
        },
      ),
    );
  });

  it('returns an empty Float64Array for an empty batch', () => {
    const weights = klTokenWeights([], [], 4);
    expect(weights).toBeInstanceOf(Float64Array);
    expect(weights.length).toBe(0);
  });

  it('does not modify its inputs', () => {
    const mask = new Float32Array([0, 1, 1, 0]);
    const buckets: DifficultyBucket[] = ['easy', 'hard'];
    klTokenWeights(mask, buckets, 2);
    expect(Array.from(mask)).toEqual([0, 1, 1, 0]);
    expect(buckets).toEqual(['easy', 'hard']);
  });

  it('throws on bad shapes, masks, buckets and options', () => {
    expectAresError(() => klTokenWeights([0, 1, 0], ['easy'], 2), 'SHAPE_MISMATCH', 'windowMask');
    expectAresError(() => klTokenWeights([0, 1], ['easy', 'hard'], 2), 'SHAPE_MISMATCH', 'buckets');
    expectAresError(() => klTokenWeights([0, 1], ['easy'], 0), 'INVALID_ARGUMENT', 'columns');
    expectAresError(() => klTokenWeights([0, 0.5], ['easy'], 2), 'INVALID_ARGUMENT', 'windowMask');
    expectAresError(() => klTokenWeights([0, 1], ['trivial' as DifficultyBucket], 2), 'INVALID_ARGUMENT', 'buckets');
    expectAresError(() => klTokenWeights([0, 1], ['easy'], 2, { rho: 0 }), 'INVALID_ARGUMENT', 'options.rho');
    expectAresError(() => klTokenWeights([0, 1], ['easy'], 2, { rho: 1.5 }), 'INVALID_ARGUMENT', 'options.rho');
    expectAresError(() => klTokenWeights([0, 1], ['easy'], 2, { base: { hard: -1 } }), 'INVALID_ARGUMENT', 'options.base.hard');
    expectAresError(
      () => klTokenWeights([0, 1], ['easy'], 2, { base: { trivial: 1 } as never }),
      'INVALID_ARGUMENT',
      'options.base.trivial',
    );
  });
});
