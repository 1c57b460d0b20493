import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, FLOAT64, REFERENCE } from '@ares/testing';
import { targetLength } from './target-length';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const length = fc.oneof(
  fc.integer({ min: 0, max: 65_536 }),
  fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);

describe('targetLength properties', () => {
  it('is monotone in p: non-decreasing when L0 ≤ L1, non-increasing when L0 ≥ L1', () => {
    fc.assert(
      fc.property(unit, unit, length, length, (first, second, lengthAtZero, lengthAtOne) => {
        const [low, high] = first <= second ? [first, second] : [second, first];
        const atLow = targetLength(low, lengthAtZero, lengthAtOne);
        const atHigh = targetLength(high, lengthAtZero, lengthAtOne);
        if (lengthAtZero <= lengthAtOne) expect(atHigh).toBeGreaterThanOrEqual(atLow);
        if (lengthAtZero >= lengthAtOne) expect(atHigh).toBeLessThanOrEqual(atLow);
      }),
    );
  });

  it('hits L0 and L1 exactly at the endpoints and stays between them', () => {
    fc.assert(
      fc.property(unit, length, length, (p, lengthAtZero, lengthAtOne) => {
        expect(targetLength(0, lengthAtZero, lengthAtOne)).toBe(lengthAtZero);
        expect(targetLength(1, lengthAtZero, lengthAtOne)).toBe(lengthAtOne);
        const value = targetLength(p, lengthAtZero, lengthAtOne);
        expect(value).toBeGreaterThanOrEqual(Math.min(lengthAtZero, lengthAtOne));
        expect(value).toBeLessThanOrEqual(Math.max(lengthAtZero, lengthAtOne));
      }),
    );
  });

  it('equals (1 − p)·L0 + p·L1 within float64 rounding relative to max(L0, L1)', () => {
    fc.assert(
      fc.property(unit, length, length, (p, lengthAtZero, lengthAtOne) => {
        const literal = (1 - p) * lengthAtZero + p * lengthAtOne;
        // The lerp form L0 + p·(L1 − L0) errs by a few ulps of max(L0, L1), not of the result, so compare in
        // units of max(L0, L1) with an absolute tolerance there.
        const scale = Math.max(lengthAtZero, lengthAtOne) || 1;
        expectAllClose([targetLength(p, lengthAtZero, lengthAtOne) / scale], [literal / scale], REFERENCE);
      }),
    );
  });

  it('returns the midpoint (L0 + L1)/2 at p = 0.5, exactly for integer token lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 0, max: 1 << 20 }), (lengthAtZero, lengthAtOne) => {
        expect(targetLength(0.5, lengthAtZero, lengthAtOne)).toBe((lengthAtZero + lengthAtOne) / 2);
      }),
    );
    fc.assert(
      fc.property(length, length, (lengthAtZero, lengthAtOne) => {
        expectAllClose([targetLength(0.5, lengthAtZero, lengthAtOne)], [(lengthAtZero + lengthAtOne) / 2], FLOAT64);
      }),
    );
  });
});
