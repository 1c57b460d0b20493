import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DifficultyBucket } from '@ares/core';
import { bucketKlStatistics } from './index';

describe('bucketKlStatistics', () => {
  it('summarises each bucket over its valid tokens', () => {
    const statistics = bucketKlStatistics([0.1, 0.3, 0.2, 5, 1, 2], [1, 1, 1, 0, 1, 1], ['easy', 'easy', 'hard'], 2);
    expect(Object.keys(statistics).sort()).toEqual(['easy', 'hard']);
    const easy = statistics.easy!;
    expect([easy.sequences, easy.tokens, easy.max]).toEqual([2, 3, 0.3]);
    expectAllClose([easy.tokenMean, easy.sequenceMean], [0.6 / 3, (0.2 + 0.2) / 2], FLOAT64);
    expect(statistics.hard).toEqual({ sequences: 1, tokens: 2, tokenMean: 1.5, sequenceMean: 1.5, max: 2 });
  });

  it('separates token and sequence means when lengths differ', () => {
    // easy row 0: [1, 1, 1] (mean 1); row 1: [4] (mean 4) → tokenMean 7/4, sequenceMean 5/2
    const { easy } = bucketKlStatistics([1, 1, 1, 4, 0, 0], [1, 1, 1, 1, 0, 0], ['easy', 'easy'], 3);
    expectAllClose([easy!.tokenMean, easy!.sequenceMean], [1.75, 2.5], FLOAT64);
  });

  it('agrees with direct per-bucket formulas on random batches', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((rows) =>
          fc.record({
            columns: fc.constant(3),
            buckets: fc.array(fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'), { minLength: rows, maxLength: rows }),
            kl: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rows * 3, maxLength: rows * 3 }),
            mask: fc.array(fc.constantFrom(0, 1), { minLength: rows * 3, maxLength: rows * 3 }),
          }),
        ),
        ({ columns, buckets, kl, mask }) => {
          const statistics = bucketKlStatistics(kl, mask, buckets, columns);
          for (const bucket of ['easy', 'medium', 'hard'] as const) {
            const rows = buckets.flatMap((b, row) => (b === bucket ? [row] : []));
            const tokens = rows.flatMap((row) => [0, 1, 2].map((t) => row * columns + t).filter((index) => mask[index] === 1));
            if (tokens.length === 0) {
              expect(statistics[bucket]).toBeUndefined();
              continue;
            }
            const rowMeans = rows
              .map((row) => [0, 1, 2].map((t) => row * columns + t).filter((index) => mask[index] === 1))
              .filter((indices) => indices.length > 0)
              .map((indices) => indices.reduce((sum, index) => sum + kl[index]!, 0) / indices.length);
            const s = statistics[bucket]!;
            expect([s.sequences, s.tokens]).toEqual([rowMeans.length, tokens.length]);
            expect(s.max).toBe(Math.max(...tokens.map((index) => kl[index]!)));
            expectAllClose(
              [s.tokenMean, s.sequenceMean],
              [tokens.reduce((sum, index) => sum + kl[index]!, 0) / tokens.length, rowMeans.reduce((a, b) => a + b, 0) / rowMeans.length],
              FLOAT64,
            );
          }
        },
      ),
    );
  });

  it('gives +0 means, as torch sums do, for all −0 estimates', () => {
    const { hard } = bucketKlStatistics([-0, -0], [1, 1], ['hard'], 2);
    expect(Object.is(hard?.tokenMean, 0) && Object.is(hard?.sequenceMean, 0)).toBe(true);
  });

  it('propagates NaN on a valid token and ignores it on padding', () => {
    const statistics = bucketKlStatistics([Number.NaN, 1, Number.NaN, 1], [1, 1, 0, 1], ['easy', 'hard'], 2);
    expect(statistics.easy!.tokenMean).toBeNaN();
    expect(statistics.easy!.max).toBeNaN();
    expect(statistics.hard).toEqual({ sequences: 1, tokens: 1, tokenMean: 1, sequenceMean: 1, max: 1 });
  });

  it('returns an empty record for an empty batch', () => {
    expect(bucketKlStatistics([], [], [], 2)).toEqual({});
  });

  it('does not modify its inputs', () => {
    const kl = new Float32Array([0.5, 0.25]);
    const mask = new Uint8Array([1, 1]);
    bucketKlStatistics(kl, mask, ['medium'], 2);
    expect(Array.from(kl)).toEqual([0.5, 0.25]);
    expect(Array.from(mask)).toEqual([1, 1]);
  });

  it('throws on mismatched shapes and bad masks', () => {
    expectAresError(() => bucketKlStatistics([0], [1, 1], ['easy'], 2), 'SHAPE_MISMATCH', 'kl');
    expectAresError(() => bucketKlStatistics([0, 0], [1, 3], ['easy'], 2), 'INVALID_ARGUMENT', 'mask');
  });
});
