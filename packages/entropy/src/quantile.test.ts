import { describe, expect, it } from 'vitest';
import { expectAresError, loadFixture } from '@ares/testing';
import { median, quantile } from './quantile';

interface QuantileCase {
  readonly name: string;
  readonly values: number[];
  readonly q: number[];
  readonly quantiles: number[];
  readonly median: number;
}

const fixture = loadFixture<QuantileCase>(new URL('./__fixtures__/quantile.json', import.meta.url));

describe('quantile', () => {
  describe('matches np.quantile (method linear) bit for bit', () => {
    for (const testCase of fixture.cases) {
      it(testCase.name, () => {
        testCase.q.forEach((q, index) => {
          expect(quantile(testCase.values, q), `q = ${q}`).toBe(testCase.quantiles[index]);
        });
      });
    }
  });

  it('reproduces the SPEC §6.1 released-threshold example (0.95-quantile 5.25)', () => {
    expect(quantile([2.5, 3.5, 4.5, 5.5, 4.0, 4.0], 0.95)).toBe(5.25);
  });

  it('returns the minimum at q = 0, the maximum at q = 1 and the only value for length 1', () => {
    const values = [3, -1, 7.5, 2];
    expect(quantile(values, 0)).toBe(-1);
    expect(quantile(values, 1)).toBe(7.5);
    expect(quantile([0.42], 0)).toBe(0.42);
    expect(quantile([0.42], 0.37)).toBe(0.42);
    expect(quantile([0.42], 1)).toBe(0.42);
  });

  it('uses the two-sided interpolation: b − (b − a)·(1 − g) for g ≥ 0.5', () => {
    // n = 2, q = 0.5: g = 0.5 takes the upper form, which differs in the last bit from (a + b) / 2 here.
    expect(quantile([1.563, 6.852], 0.5)).toBe(6.852 - (6.852 - 1.563) * 0.5);
    expect(quantile([1.563, 6.852], 0.5)).toBe(4.2075);
    // g < 0.5 takes the lower form a + (b − a)·g
    expect(quantile([1.563, 6.852], 0.25)).toBe(1.563 + (6.852 - 1.563) * 0.25);
  });

  it('returns NaN when any value is NaN', () => {
    expect(quantile([1, Number.NaN, 3], 0.5)).toBeNaN();
    expect(quantile([Number.NaN], 0)).toBeNaN();
  });

  it('follows NumPy with infinities: finite neighbours interpolate as usual, ∞·0 and ∞ − ∞ give NaN', () => {
    expect(quantile([1, Infinity, -Infinity], 0.5)).toBeNaN();
    expect(quantile([0.5, 1, 2, Infinity], 0.5)).toBe(1.5);
    expect(quantile([0.5, 1, 2, Infinity], 1)).toBeNaN();
    expect(quantile([-Infinity, 1], 0.7)).toBe(-Infinity);
  });

  it('accepts typed arrays and leaves the input unsorted', () => {
    const values = new Float32Array([0.5, 0.25, 1, 0.75]);
    const snapshot = values.slice();
    expect(quantile(values, 0.5)).toBe(0.625);
    expect(values).toEqual(snapshot);
    const plain = [3, 1, 2];
    quantile(plain, 0.3);
    expect(plain).toEqual([3, 1, 2]);
  });

  it('throws EMPTY_INPUT for an empty sample', () => {
    expectAresError(() => quantile([], 0.5), 'EMPTY_INPUT', 'values');
    expectAresError(() => quantile(new Float64Array(0), 0), 'EMPTY_INPUT', 'values');
  });

  it('throws INVALID_ARGUMENT when q is outside [0, 1] or not a finite number', () => {
    for (const q of [-0.01, 1.0000001, Number.NaN, Infinity, -Infinity]) {
      expectAresError(() => quantile([1, 2, 3], q), 'INVALID_ARGUMENT', 'q');
    }
  });
});

describe('median', () => {
  describe('matches np.median bit for bit', () => {
    for (const testCase of fixture.cases) {
      it(testCase.name, () => {
        expect(median(testCase.values)).toBe(testCase.median);
      });
    }
  });

  it('returns the middle value for odd n and the mean of the two middle values for even n', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('can differ from quantile(·, 0.5) in the last bit, as np.median does', () => {
    expect(median([6.852, 1.563])).toBe((1.563 + 6.852) / 2);
    expect(median([6.852, 1.563])).toBe(4.2075000000000005);
    expect(quantile([6.852, 1.563], 0.5)).toBe(4.2075);
  });

  it('returns NaN when any value is NaN, and for −∞ and +∞ in the middle', () => {
    expect(median([1, 2, Number.NaN])).toBeNaN();
    expect(median([-Infinity, Infinity])).toBeNaN();
    expect(median([-Infinity, 0, Infinity])).toBe(0);
  });

  it('leaves its input unchanged', () => {
    const values = new Float64Array([3, 1, 2, 0]);
    const snapshot = values.slice();
    expect(median(values)).toBe(1.5);
    expect(values).toEqual(snapshot);
  });

  it('throws EMPTY_INPUT for an empty sample', () => {
    expectAresError(() => median([]), 'EMPTY_INPUT', 'values');
  });
});
