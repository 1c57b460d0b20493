import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DifficultyBucket } from '@ares/core';
import { DEFAULT_KL_LOSS_OPTIONS, DualAscentKlController, FixedKlController, klLoss, klTokenWeights, type KlAggregationMode } from './index';

describe('klLoss', () => {
  // rows: easy [0.2, 0.4(window)], hard [0.6, pad]; κ = {easy: 0.5, hard: 2}; ρ = 0.5
  const input = { kl: [0.2, 0.4, 0.6, 99], mask: [1, 1, 1, 0], windowMask: [0, 1, 0, 0], buckets: ['easy', 'hard'] as DifficultyBucket[], columns: 2 };
  const coefficients = { easy: 0.5, hard: 2 };

  it('averages κ·β·kl over all valid tokens with token-mean (the default)', () => {
    // (0.5·0.2 + 0.5·0.5·0.4 + 2·0.6) / 3
    expectAllClose(klLoss(input, coefficients), (0.1 + 0.1 + 1.2) / 3, FLOAT64);
    expect(DEFAULT_KL_LOSS_OPTIONS.aggregation).toBe('token-mean');
  });

  it("averages per sequence, then over sequences, with seq-mean-token-mean (the paper's form)", () => {
    // easy: (0.1 + 0.1) / 2 = 0.1; hard: 1.2 / 1 → (0.1 + 1.2) / 2
    expectAllClose(klLoss(input, coefficients, { aggregation: 'seq-mean-token-mean' }), 0.65, FLOAT64);
  });

  it('applies β_d and ρ from the options', () => {
    // β_easy = 3, ρ = 1: (3·0.5·0.2 + 3·0.5·0.4 + 2·0.6) / 3
    expectAllClose(klLoss(input, coefficients, { rho: 1, base: { easy: 3 } }), (0.3 + 0.6 + 1.2) / 3, FLOAT64);
  });

  it('reads κ_d from a controller', () => {
    const controller = new DualAscentKlController({ initialCoefficient: 2 });
    expectAllClose(klLoss(input, controller), klLoss(input, { easy: 2, hard: 2 }), FLOAT64);
    expectAllClose(klLoss(input, new FixedKlController()), klLoss(input, { easy: 0.01, hard: 0.01 }), FLOAT64);
  });

  it('equals the mask-weighted mean of κ·klTokenWeights·kl (an independent path)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((rows) =>
          fc.record({
            columns: fc.constant(4),
            buckets: fc.array(fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'), { minLength: rows, maxLength: rows }),
            kl: fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: rows * 4, maxLength: rows * 4 }),
            mask: fc.array(fc.constantFrom(0, 1), { minLength: rows * 4, maxLength: rows * 4 }),
            windowMask: fc.array(fc.constantFrom(0, 1), { minLength: rows * 4, maxLength: rows * 4 }),
            rho: fc.double({ min: 0.05, max: 1, noNaN: true }),
          }),
        ),
        ({ columns, buckets, kl, mask, windowMask, rho }) => {
          const kappa = { easy: 0.3, medium: 1.5, hard: 4 };
          const weights = klTokenWeights(windowMask, buckets, columns, { rho });
          let numerator = 0;
          let tokens = 0;
          const rowMeans: number[] = [];
          buckets.forEach((bucket, row) => {
            let rowSum = 0;
            let length = 0;
            for (let t = 0; t < columns; t++) {
              const index = row * columns + t;
              if (mask[index] !== 1) continue;
              rowSum += kappa[bucket] * weights[index]! * kl[index]!;
              length++;
            }
            numerator += rowSum;
            tokens += length;
            if (length > 0) rowMeans.push(rowSum / length);
          });
          const tokenMean = tokens === 0 ? 0 : numerator / tokens;
          const sequenceMean = rowMeans.length === 0 ? 0 : rowMeans.reduce((a, b) => a + b, 0) / rowMeans.length;
          const batch = { kl, mask, windowMask, buckets, columns };
          expectAllClose(klLoss(batch, kappa, { rho }), tokenMean, FLOAT64);
          expectAllClose(klLoss(batch, kappa, { rho, aggregation: 'seq-mean-token-mean' }), sequenceMean, FLOAT64);
        },
      ),
    );
  });

  it('never increases when more tokens are marked and ρ < 1 (SPEC §6.5 item 27)', () => {
    fc.assert(
      fc.property(
        fc.record({
          kl: fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 8, maxLength: 8 }),
          mask: fc.array(fc.constantFrom(0, 1), { minLength: 8, maxLength: 8 }),
          windowMask: fc.array(fc.constantFrom(0, 1), { minLength: 8, maxLength: 8 }),
          extra: fc.array(fc.constantFrom(0, 1), { minLength: 8, maxLength: 8 }),
          rho: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
          aggregation: fc.constantFrom<KlAggregationMode>('token-mean', 'seq-mean-token-mean'),
        }),
        ({ kl, mask, windowMask, extra, rho, aggregation }) => {
          const buckets: DifficultyBucket[] = ['easy', 'hard'];
          const more = windowMask.map((m, index) => Math.max(m, extra[index]!));
          const before = klLoss({ kl, mask, windowMask, buckets, columns: 4 }, { easy: 1, hard: 2 }, { rho, aggregation });
          const after = klLoss({ kl, mask, windowMask: more, buckets, columns: 4 }, { easy: 1, hard: 2 }, { rho, aggregation });
          expect(after).toBeLessThanOrEqual(before * (1 + 1e-12));
        },
      ),
    );
  });

  it('agrees across token-mean and seq-mean-token-mean iff rows have equal valid lengths (SPEC §6.4 item 22)', () => {
    const equal = { kl: [1, 2, 3, 5], mask: [1, 1, 1, 1], buckets: ['easy', 'easy'] as DifficultyBucket[], columns: 2 };
    expectAllClose(klLoss(equal, { easy: 1 }), klLoss(equal, { easy: 1 }, { aggregation: 'seq-mean-token-mean' }), FLOAT64);
    const unequal = { ...equal, mask: [1, 1, 1, 0] };
    // token-mean (1 + 2 + 3) / 3 = 2; seq-mean-token-mean (1.5 + 3) / 2 = 2.25
    expect(klLoss(unequal, { easy: 1 })).toBe(2);
    expect(klLoss(unequal, { easy: 1 }, { aggregation: 'seq-mean-token-mean' })).toBe(2.25);
  });

  it('returns 0 without valid tokens and ignores NaN on padding', () => {
    expect(klLoss({ kl: [1, 2], mask: [0, 0], buckets: ['easy'], columns: 2 }, { easy: 1 })).toBe(0);
    expect(klLoss({ kl: [], mask: [], buckets: [], columns: 2 }, {}, { aggregation: 'seq-mean-token-mean' })).toBe(0);
    expect(klLoss({ kl: [Number.NaN, 2], mask: [0, 1], buckets: ['easy'], columns: 2 }, { easy: 1 })).toBe(2);
    expect(klLoss({ kl: [Number.NaN, 2], mask: [1, 1], buckets: ['easy'], columns: 2 }, { easy: 1 })).toBeNaN();
  });

  it('gives +0, as torch sums do, for all −0 estimates', () => {
    const input = { kl: [-0, -0], mask: [1, 1], buckets: ['medium' as const], columns: 2 };
    expect(Object.is(klLoss(input, { medium: 1 }), 0)).toBe(true);
    expect(Object.is(klLoss(input, { medium: 1 }, { aggregation: 'seq-mean-token-mean' }), 0)).toBe(true);
  });

  it('does not modify its inputs', () => {
    const kl = new Float32Array([0.5, 0.25]);
    const mask = new Uint8Array([1, 1]);
    const windowMask = new Uint8Array([1, 0]);
    klLoss({ kl, mask, windowMask, buckets: ['medium'], columns: 2 }, { medium: 1 });
    expect([Array.from(kl), Array.from(mask), Array.from(windowMask)]).toEqual([[0.5, 0.25], [1, 1], [1, 0]]);
  });

  it('throws on bad shapes, coefficients and modes', () => {
    expectAresError(() => klLoss({ ...input, kl: [0] }, coefficients), 'SHAPE_MISMATCH', 'input.kl');
    expectAresError(() => klLoss({ ...input, windowMask: [0] }, coefficients), 'SHAPE_MISMATCH', 'input.windowMask');
    expectAresError(() => klLoss({ ...input, windowMask: [0, 2, 0, 0] }, coefficients), 'INVALID_ARGUMENT', 'input.windowMask');
    expectAresError(() => klLoss(input, { easy: 1 }), 'INVALID_ARGUMENT', 'coefficients.hard');
    expectAresError(() => klLoss(input, { easy: 1, hard: -1 }), 'INVALID_ARGUMENT', 'coefficients.hard');
    expectAresError(() => klLoss(input, { easy: 1, hard: Number.NaN }), 'INVALID_ARGUMENT', 'coefficients.hard');
    expectAresError(() => klLoss(input, null as never), 'INVALID_ARGUMENT', 'coefficients');
    expectAresError(() => klLoss(input, coefficients, { aggregation: 'token-sum' as KlAggregationMode }), 'UNSUPPORTED', 'options.aggregation');
    expectAresError(() => klLoss(input, coefficients, { rho: 0 }), 'INVALID_ARGUMENT', 'options.rho');
  });
});
