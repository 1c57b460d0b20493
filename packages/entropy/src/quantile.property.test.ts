import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, quantile } from './quantile';

const sample = fc.oneof(
  fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
  // heavy duplicates
  fc.array(fc.integer({ min: -3, max: 3 }).map((value) => value / 4), { minLength: 1, maxLength: 40 }),
);
const probability = fc.double({ min: 0, max: 1, noNaN: true });

describe('quantile properties', () => {
  it('is non-decreasing in q', () => {
    fc.assert(
      fc.property(sample, probability, probability, (values, first, second) => {
        const [low, high] = first <= second ? [first, second] : [second, first];
        expect(quantile(values, low)).toBeLessThanOrEqual(quantile(values, high));
      }),
    );
  });

  it('lies between the minimum and maximum and hits them at q = 0 and q = 1', () => {
    fc.assert(
      fc.property(sample, probability, (values, q) => {
        const min = Math.min(...values);
        const max = Math.max(...values);
        const value = quantile(values, q);
        expect(value).toBeGreaterThanOrEqual(min);
        expect(value).toBeLessThanOrEqual(max);
        // x + Δ·0 turns −0 into +0, as in NumPy
        expect(quantile(values, 0)).toBe(min + 0);
        expect(quantile(values, 1)).toBe(max + 0);
      }),
    );
  });

  it('does not depend on the order of the values', () => {
    fc.assert(
      fc.property(
        sample.chain((values) => fc.tuple(fc.constant(values), fc.shuffledSubarray(values, { minLength: values.length, maxLength: values.length }))),
        probability,
        ([values, shuffled], q) => {
          expect(quantile(shuffled, q)).toBe(quantile(values, q));
          expect(median(shuffled)).toBe(median(values));
        },
      ),
    );
  });

  it('returns the k-th smallest value where (n − 1)·q is exactly the integer k', () => {
    fc.assert(
      fc.property(sample.filter((values) => values.length > 1), fc.nat(), (values, seed) => {
        const n = values.length;
        const k = seed % n;
        const q = k / (n - 1);
        fc.pre((n - 1) * q === k);
        const sorted = values.slice().sort((a, b) => a - b);
        // g = 0 gives x_k + (x_{k+1} − x_k)·0, which turns −0 into +0 as in NumPy
        expect(quantile(values, q)).toBe(sorted[k]! + 0);
      }),
    );
  });

  it('has a median that is the middle sample value or the mean of the two middle values', () => {
    fc.assert(
      fc.property(sample, (values) => {
        const sorted = values.slice().sort((a, b) => a - b);
        const half = sorted.length >> 1;
        const expected = sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
        expect(median(values)).toBe(expected);
      }),
    );
  });
});
