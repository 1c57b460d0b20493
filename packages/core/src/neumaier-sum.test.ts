import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neumaierSum } from './neumaier-sum';

/** Exact sum of doubles through BigInt rationals scaled by 2^1100 (every finite double is a multiple of 2^-1074). */
function exactSum(values: readonly number[]): number {
  const scale = 1100n;
  let total = 0n;
  const buffer = new DataView(new ArrayBuffer(8));
  for (const value of values) {
    if (value === 0) continue;
    buffer.setFloat64(0, value);
    const bits = buffer.getBigUint64(0);
    const sign = bits >> 63n ? -1n : 1n;
    const exponent = Number((bits >> 52n) & 0x7ffn);
    const fraction = bits & ((1n << 52n) - 1n);
    const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
    const shift = BigInt((exponent === 0 ? 1 : exponent) - 1075) + scale;
    total += sign * (mantissa << shift);
  }
  // Convert total / 2^1100 to the nearest double via a decimal-free route: Number() of a BigInt rounds correctly.
  const negative = total < 0n;
  let magnitude = negative ? -total : total;
  let exponent = -Number(scale);
  while (magnitude > (1n << 1000n)) {
    magnitude >>= 1n; // loses bits far below double precision only for huge sums; fine for the ranges tested
    exponent += 1;
  }
  // Two exact power-of-two scalings, so 2^-1100 never underflows on its own.
  const result = Number(magnitude) * 2 ** Math.ceil(exponent / 2) * 2 ** Math.floor(exponent / 2);
  return negative ? -result : result;
}

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
        const exact = exactSum(values);
        const absSum = values.reduce((sum, value) => sum + Math.abs(value), 0);
        expect(Math.abs(neumaierSum(values) - exact)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(exact) + 1e-300 + 1e-28 * absSum);
      }),
    );
  });

  it('accepts typed arrays', () => {
    expect(neumaierSum(new Float32Array([0.5, 0.25, 0.125]))).toBe(0.875);
  });
});
