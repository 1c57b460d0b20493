import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64, loadFixture, REFERENCE } from '@ares/testing';
import { maskedMean, maskedSum, maskedVariance, maskedWhiten } from '@ares/grpo';

interface Case {
  name: string;
  values: number[];
  mask: number[];
  sum: number;
  mean: number;
  varianceBiased: number;
  varianceUnbiased: number;
  whiten: number[];
  whitenUnshifted: number[];
}

const fixture = loadFixture<Case>(new URL('./__fixtures__/masked-statistics.json', import.meta.url));

describe('masked statistics', () => {
  it.each(fixture.cases.map((testCase) => [testCase.name, testCase] as const))('match the torch reference: %s', (_name, testCase) => {
    const { values, mask } = testCase;
    expectAllClose(
      [maskedSum(values, mask), maskedMean(values, mask), maskedVariance(values, mask, { unbiased: false }), maskedVariance(values, mask)],
      [testCase.sum, testCase.mean, testCase.varianceBiased, testCase.varianceUnbiased],
      REFERENCE,
    );
    expectAllClose(maskedWhiten(values, mask), testCase.whiten, REFERENCE);
    expectAllClose(maskedWhiten(values, mask, { shiftMean: false }), testCase.whitenUnshifted, REFERENCE);
  });

  it('selects with where, so NaN and Infinity outside the mask do not leak', () => {
    expect(maskedSum([1, 2, Number.NaN, Infinity], [1, 1, 0, 0])).toBe(3);
    expectAllClose(maskedMean([1, 2, Number.NaN], [1, 1, 0]), 3 / (2 + 1e-8), FLOAT64);
    expect(Number.isFinite(maskedVariance([1, 2, Number.NaN], [1, 1, 0]))).toBe(true);
  });

  it('reproduces the 1e-8 of maskedMean, including 0 for an all-zero mask', () => {
    expect(maskedMean([4], [1])).toBe(4 / (1 + 1e-8));
    expect(maskedMean([4], [1])).not.toBe(4);
    expect(maskedMean([4, 5], [0, 0])).toBe(0);
    expect(maskedMean([], [])).toBe(0);
    expect(maskedSum([], [])).toBe(0);
  });

  it('gives +0, as torch sums do, for an all-zero mask or all −0 values', () => {
    expect(Object.is(maskedSum([-0, -0], [1, 1]), 0)).toBe(true);
    expect(Object.is(maskedMean([-0, 7], [1, 0]), 0)).toBe(true);
    expect(Object.is(maskedVariance([3, 4], [0, 0], { unbiased: false }), 0)).toBe(true);
  });

  it('applies Bessel n/(n − 1) when unbiased', () => {
    const values = [1, 2, 3, 4];
    const mask = [1, 1, 1, 1];
    const mean = 10 / (4 + 1e-8);
    const biased = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (4 + 1e-8);
    expectAllClose(maskedVariance(values, mask, { unbiased: false }), biased, FLOAT64);
    expectAllClose(maskedVariance(values, mask), biased * (4 / 3), FLOAT64);
    expect(maskedVariance([7, 8], [0, 0], { unbiased: false })).toBe(0);
  });

  it('whitens a constant input to ≈ c·1e-4/n, not 0, as verl', () => {
    const c = 0.5;
    const n = 8;
    const whitened = maskedWhiten(new Float64Array(n).fill(c), new Float64Array(n).fill(1));
    expectAllClose(whitened, new Float64Array(n).fill((c * 1e-4) / n), { rtol: 1e-6, atol: 0 });
  });

  it('whitens masked-out positions too and gives unit unbiased variance on the unmasked ones', () => {
    const values = [3, -1, 4, 1, 5, 100];
    const mask = [1, 1, 1, 1, 1, 0];
    const whitened = maskedWhiten(values, mask);
    expect(whitened[5]).toBeGreaterThan(10);
    expectAllClose(maskedVariance(whitened, mask), 1, { rtol: 1e-6, atol: 0 });
  });

  it('returns numbers for the reductions and a new Float64Array for maskedWhiten', () => {
    const values = new Float32Array([1, 2, 3]);
    const out = maskedWhiten(values, [1, 1, 1]);
    expect(out).toBeInstanceOf(Float64Array);
    expect(out).toHaveLength(3);
    expect(Array.from(values)).toEqual([1, 2, 3]);
  });

  it('throws EMPTY_INPUT for an unbiased variance with no unmasked value and INVALID_ARGUMENT with one', () => {
    expectAresError(() => maskedVariance([1, 2], [0, 0]), 'EMPTY_INPUT', 'mask');
    expectAresError(() => maskedVariance([], []), 'EMPTY_INPUT', 'mask');
    expectAresError(() => maskedVariance([1, 2], [0, 1]), 'INVALID_ARGUMENT', 'mask');
    expectAresError(() => maskedWhiten([1, 2], [0, 1]), 'INVALID_ARGUMENT', 'mask');
    expectAresError(() => maskedWhiten([1, 2], [0, 0]), 'EMPTY_INPUT', 'mask');
  });

  it('throws SHAPE_MISMATCH for different lengths and INVALID_ARGUMENT for non-binary masks or options', () => {
    expectAresError(() => maskedSum([1, 2], [1]), 'SHAPE_MISMATCH', 'mask');
    expectAresError(() => maskedMean([1, 2], [1, 1, 1]), 'SHAPE_MISMATCH', 'mask');
    expectAresError(() => maskedMean([1, 2], [1, -1]), 'INVALID_ARGUMENT', 'mask');
    expectAresError(() => maskedSum([1, 2], [1, Number.NaN]), 'INVALID_ARGUMENT', 'mask');
    expectAresError(() => maskedVariance([1, 2], [1, 1], { unbiased: 1 as never }), 'INVALID_ARGUMENT', 'options.unbiased');
    expectAresError(() => maskedWhiten([1, 2], [1, 1], { shiftMean: 'no' as never }), 'INVALID_ARGUMENT', 'options.shiftMean');
  });
});
