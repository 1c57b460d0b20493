import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neumaierSum } from './neumaier-sum';
import { compensatedErrorBound, exactSum, textbookNeumaierSum } from './summation-test-utils';

describe('neumaierSum', () => {
  it('recovers small terms that a plain loop loses', () => {
    expect(neumaierSum([1, 1e100, 1, -1e100])).toBe(2);
    expect(neumaierSum([1e16, 1, -1e16])).toBe(1);
  });

  it('sums a sub-range', () => {
    expect(neumaierSum([100, 1, 2, 3, 100], 1, 4)).toBe(6);
  });

  it('returns -0 for an empty range and preserves the sign of zero', () => {
    expect(Object.is(neumaierSum([]), -0)).toBe(true);
    expect(Object.is(neumaierSum([-0, -0]), -0)).toBe(true);
    expect(Object.is(neumaierSum([0, -0]), 0)).toBe(true);
  });

  it('propagates NaN and keeps infinities', () => {
    expect(neumaierSum([1, Number.NaN, 2])).toBeNaN();
    expect(neumaierSum([Infinity, 1])).toBe(Infinity);
    expect(neumaierSum([Infinity, -Infinity])).toBeNaN();
  });

  it('is within one ulp-scale error of the exact sum on random data', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 200 }), (values) => {
        expect(Math.abs(neumaierSum(values) - exactSum(values))).toBeLessThanOrEqual(compensatedErrorBound(values));
      }),
    );
  });

  it('agrees bit for bit with a textbook Neumaier loop, with NaN, ±Infinity and signed zeros', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 60 }), (values) => {
        expect(Object.is(neumaierSum(values), textbookNeumaierSum(values))).toBe(true);
      }),
    );
  });

  it('accepts typed arrays', () => {
    expect(neumaierSum(new Float32Array([0.5, 0.25, 0.125]))).toBe(0.875);
  });
});
