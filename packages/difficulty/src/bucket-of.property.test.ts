import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf } from './bucket-of';

const RANK = { easy: 0, medium: 1, hard: 2 } as const;
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const thresholds = fc
  .tuple(unit, unit)
  .map(([first, second]) => ({ easyAtLeast: Math.max(first, second), hardBelow: Math.min(first, second) }));

describe('bucketOf properties', () => {
  it('never gets harder as the pass rate rises', () => {
    fc.assert(
      fc.property(unit, unit, thresholds, (first, second, options) => {
        const [low, high] = first <= second ? [first, second] : [second, first];
        expect(RANK[bucketOf(high, options)]).toBeLessThanOrEqual(RANK[bucketOf(low, options)]);
      }),
    );
  });

  it('agrees with the definition p ≥ easyAtLeast → easy, p < hardBelow → hard for any valid thresholds', () => {
    fc.assert(
      fc.property(unit, thresholds, (p, options) => {
        const expected = p >= options.easyAtLeast ? 'easy' : p < options.hardBelow ? 'hard' : 'medium';
        expect(bucketOf(p, options)).toBe(expected);
      }),
    );
  });

  it('classifies c/n like the integer rule 3c ≥ 2n (easy), 3c < n (hard) for n up to 10^6', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }).chain((total) =>
          fc.tuple(fc.constant(total), fc.integer({ min: 0, max: total })),
        ),
        ([total, correct]) => {
          const expected = 3 * correct >= 2 * total ? 'easy' : 3 * correct < total ? 'hard' : 'medium';
          expect(bucketOf(correct / total)).toBe(expected);
        },
      ),
    );
  });
});
