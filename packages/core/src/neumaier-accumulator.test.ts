import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NeumaierAccumulator } from './neumaier-accumulator';
import { neumaierSum } from './neumaier-sum';
import { compensatedErrorBound, exactSum, textbookNeumaierSum } from './summation-test-utils';

function accumulate(values: readonly number[], accumulator = new NeumaierAccumulator()): number {
  for (const value of values) accumulator.add(value);
  return accumulator.value;
}

/** Pairs ±x of large magnitude interleaved with small terms: a plain running sum loses the small terms. */
const illConditioned = fc
  .array(fc.tuple(fc.double({ min: 1e15, max: 1e20, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
    minLength: 1,
    maxLength: 50,
  })
  .map((pairs) => [...pairs.map(([large, small]) => [large, small]).flat(), ...pairs.map(([large]) => -large)]);

describe('NeumaierAccumulator', () => {
  it('recovers small terms that a plain running sum loses', () => {
    expect(accumulate([1, 1e100, 1, -1e100])).toBe(2);
    expect(accumulate([1e16, 1, -1e16])).toBe(1);
  });

  it('returns -0 when nothing was added and preserves the sign of zero', () => {
    expect(Object.is(new NeumaierAccumulator().value, -0)).toBe(true);
    expect(Object.is(accumulate([-0, -0]), -0)).toBe(true);
    expect(Object.is(accumulate([0, -0]), 0)).toBe(true);
    expect(Object.is(accumulate([-0, 0]), 0)).toBe(true);
    expect(Object.is(accumulate([1, -1]), 0)).toBe(true);
  });

  it('sums a single value exactly', () => {
    expect(accumulate([0.1])).toBe(0.1);
    expect(accumulate([-Number.MIN_VALUE])).toBe(-Number.MIN_VALUE);
  });

  it('propagates NaN and keeps infinities as IEEE addition gives them', () => {
    expect(accumulate([1, Number.NaN, 2])).toBeNaN();
    expect(accumulate([Infinity, 1])).toBe(Infinity);
    expect(accumulate([1, -Infinity, 1e308])).toBe(-Infinity);
    expect(accumulate([Infinity, -Infinity])).toBeNaN();
    expect(accumulate([Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE])).toBe(Infinity);
  });

  it('reads the running total at any point without disturbing it', () => {
    const accumulator = new NeumaierAccumulator();
    accumulate([1, 1e-16, 1e-16], accumulator);
    expect(accumulator.value).toBe(1 + Number.EPSILON); // nearest double to 1 + 2e-16; a plain running sum gives 1
    accumulator.add(-1);
    expect(accumulator.value).toBe(1e-16 + 1e-16);
  });

  it('starts over after reset, non-finite state included', () => {
    const accumulator = new NeumaierAccumulator();
    accumulate([1e100, 1, Infinity, -Infinity], accumulator);
    expect(accumulator.value).toBeNaN();
    accumulator.reset();
    expect(Object.is(accumulator.value, -0)).toBe(true);
    expect(accumulate([1e16, 1, -1e16], accumulator)).toBe(1);
  });

  it('agrees bit for bit with neumaierSum and a textbook loop on every prefix, specials included', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 60 }), (values) => {
        const accumulator = new NeumaierAccumulator();
        for (let length = 1; length <= values.length; length++) {
          accumulator.add(values[length - 1]!);
          const prefix = values.slice(0, length);
          expect(Object.is(accumulator.value, neumaierSum(values, 0, length))).toBe(true);
          expect(Object.is(accumulator.value, textbookNeumaierSum(prefix))).toBe(true);
        }
      }),
    );
  });

  it('gives the +0-started sum of torch and NumPy as value + 0', () => {
    expect(Object.is(new NeumaierAccumulator().value + 0, 0)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(-0, 0, 1, -1, 2 ** -1074, -(2 ** -1074), 0.1, Infinity, Number.NaN), { maxLength: 8 }), (values) => {
        expect(Object.is(accumulate(values) + 0, textbookNeumaierSum(values, 0))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 40 }), (values) => {
        expect(Object.is(accumulate(values) + 0, textbookNeumaierSum(values, 0))).toBe(true);
      }),
    );
  });

  it('agrees bit for bit with neumaierSum on float32 data', () => {
    fc.assert(
      fc.property(fc.float32Array({ noNaN: true, noDefaultInfinity: true, maxLength: 200 }), (values) => {
        expect(Object.is(accumulate(Array.from(values)), neumaierSum(values))).toBe(true);
      }),
    );
  });

  it('is within one ulp-scale error of the exact sum on random data', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 200 }), (values) => {
        expect(Math.abs(accumulate(values) - exactSum(values))).toBeLessThanOrEqual(compensatedErrorBound(values));
      }),
    );
  });

  it('keeps the small terms of ill-conditioned sums within the same bound', () => {
    fc.assert(
      fc.property(illConditioned, (values) => {
        expect(Math.abs(accumulate(values) - exactSum(values))).toBeLessThanOrEqual(compensatedErrorBound(values));
      }),
    );
  });
});
