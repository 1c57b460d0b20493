import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DifficultyBucket } from '@ares/core';
import { controlStatistic, DualAscentKlController } from './index';

/** A straightforward second implementation of the SPEC formula, for comparison. */
function referenceStatistic(kl: number[], mask: number[], windowMask: number[], buckets: DifficultyBucket[], columns: number) {
  const perBucket: Partial<Record<DifficultyBucket, number[]>> = {};
  buckets.forEach((bucket, row) => {
    let length = 0;
    let sum = 0;
    for (let t = 0; t < columns; t++) {
      const index = row * columns + t;
      length += mask[index]!;
      if (mask[index] === 1 && windowMask[index] === 0) sum += kl[index]!;
    }
    if (length > 0) (perBucket[bucket] ??= []).push(sum / length);
  });
  const out: Partial<Record<DifficultyBucket, number>> = {};
  for (const [bucket, values] of Object.entries(perBucket)) out[bucket as DifficultyBucket] = values.reduce((a, b) => a + b, 0) / values.length;
  return out;
}

const batch = fc.integer({ min: 1, max: 5 }).chain((rows) =>
  fc.integer({ min: 1, max: 6 }).chain((columns) =>
    fc.record({
      columns: fc.constant(columns),
      buckets: fc.array(fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'), { minLength: rows, maxLength: rows }),
      kl: fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: rows * columns, maxLength: rows * columns }),
      mask: fc.array(fc.constantFrom(0, 1), { minLength: rows * columns, maxLength: rows * columns }),
      windowMask: fc.array(fc.constantFrom(0, 1), { minLength: rows * columns, maxLength: rows * columns }),
      extra: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: rows * columns, maxLength: rows * columns }),
    }),
  ),
);

describe('controlStatistic', () => {
  it('averages per sequence the non-window KL divided by the full valid length', () => {
    // row 0 (hard): valid [0.02, 9(window)] → 0.02 / 2; row 1 (hard): valid [0.04] → 0.04; row 2 (easy): 0.1 / 1
    const statistic = controlStatistic([0.02, 9, 0.04, 7, 0.1, 0.3], [1, 1, 1, 0, 1, 0], [0, 1, 0, 0, 0, 1], ['hard', 'hard', 'easy'], 2);
    expect(Object.keys(statistic).sort()).toEqual(['easy', 'hard']);
    expectAllClose([statistic.hard!, statistic.easy!], [0.025, 0.1], FLOAT64);
  });

  it('gives +0, as torch sums do, when every valid token is a window token', () => {
    expect(Object.is(controlStatistic([0.5, 0.25], [1, 1], [1, 1], ['easy'], 2).easy, 0)).toBe(true);
  });

  it('leaves buckets without non-empty sequences absent', () => {
    expect(controlStatistic([1, 2], [0, 0], [0, 0], ['medium'], 2)).toEqual({});
    expect(controlStatistic([], [], [], [], 3)).toEqual({});
  });

  it('agrees with a direct implementation of the formula on random batches', () => {
    fc.assert(
      fc.property(batch, ({ columns, buckets, kl, mask, windowMask }) => {
        const actual = controlStatistic(kl, mask, windowMask, buckets, columns);
        const expected = referenceStatistic(kl, mask, windowMask, buckets, columns);
        expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
        for (const bucket of Object.keys(expected) as DifficultyBucket[]) expectAllClose(actual[bucket]!, expected[bucket]!, FLOAT64);
      }),
    );
  });

  it('never changes the dual-ascent κ when KL is added on window tokens (SPEC §6.5 item 24)', () => {
    fc.assert(
      fc.property(batch, ({ columns, buckets, kl, mask, windowMask, extra }) => {
        const raised = kl.map((value, index) => value + (windowMask[index] === 1 ? extra[index]! : 0));
        const first = new DualAscentKlController();
        const second = new DualAscentKlController();
        first.update(controlStatistic(kl, mask, windowMask, buckets, columns));
        second.update(controlStatistic(raised, mask, windowMask, buckets, columns));
        expect(second.toJSON()).toEqual(first.toJSON());
      }),
    );
  });

  it('ignores NaN on padding and window tokens and propagates NaN on counted tokens', () => {
    expect(controlStatistic([Number.NaN, 0.2, Number.NaN, 0.4], [0, 1, 1, 1], [0, 0, 1, 0], ['easy', 'hard'], 2)).toEqual({ easy: 0.2, hard: 0.2 });
    expect(controlStatistic([Number.NaN, 0.2], [1, 1], [0, 0], ['easy'], 2).easy).toBeNaN();
  });

  it('does not modify its inputs', () => {
    const kl = new Float64Array([0.1, 0.2, 0.3, 0.4]);
    const mask = new Float32Array([1, 1, 1, 0]);
    const windowMask = new Uint8Array([0, 1, 0, 0]);
    const before = [kl.slice(), mask.slice(), windowMask.slice()];
    controlStatistic(kl, mask, windowMask, ['easy', 'medium'], 2);
    expect([kl, mask, windowMask]).toEqual(before);
  });

  it('throws on mismatched shapes, bad masks and unknown buckets', () => {
    expectAresError(() => controlStatistic([0, 0, 0], [1, 1], [0, 0], ['easy'], 2), 'SHAPE_MISMATCH', 'kl');
    expectAresError(() => controlStatistic([0, 0], [1, 1], [0], ['easy'], 2), 'SHAPE_MISMATCH', 'windowMask');
    expectAresError(() => controlStatistic([0, 0], [1, 1], [0, 0], ['easy', 'hard'], 2), 'SHAPE_MISMATCH', 'buckets');
    expectAresError(() => controlStatistic([0, 0, 0], [1, 1, 1], [0, 0, 0], ['easy'], 2), 'SHAPE_MISMATCH', 'mask');
    expectAresError(() => controlStatistic([0, 0], [1, 2], [0, 0], ['easy'], 2), 'INVALID_ARGUMENT', 'mask');
    expectAresError(() => controlStatistic([0, 0], [1, 1], [0, -1], ['easy'], 2), 'INVALID_ARGUMENT', 'windowMask');
    expectAresError(() => controlStatistic([0, 0], [1, 1], [0, 0], ['Easy' as DifficultyBucket], 2), 'INVALID_ARGUMENT', 'buckets');
    expectAresError(() => controlStatistic([0, 0], [1, 1], [0, 0], ['easy'], 1.5), 'INVALID_ARGUMENT', 'columns');
  });
});
