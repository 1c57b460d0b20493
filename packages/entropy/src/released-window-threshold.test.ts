import { describe, expect, it } from 'vitest';
import { expectAresError, loadFixture } from '@ares/testing';
import {
  DEFAULT_RELEASED_WINDOW_THRESHOLD_OPTIONS,
  pairwiseSumFloat32,
  pairwiseSumFloat64,
  releasedWindowList,
  releasedWindowThreshold,
} from './released-window-threshold';

interface ThresholdCase {
  readonly window: number;
  readonly quantile: number;
  readonly entropies: number[];
  readonly threshold: number;
  readonly list?: number[];
}

interface SumCase {
  readonly values: number[];
  readonly float32Sum: number;
  readonly float64Sum: number;
}

const thresholds = loadFixture<ThresholdCase>(new URL('./__fixtures__/released-window-threshold.json', import.meta.url));
const sums = loadFixture<SumCase>(new URL('./__fixtures__/pairwise-sum.json', import.meta.url));

describe('releasedWindowThreshold', () => {
  it('matches the NumPy port of SPEC §2.2 bit for bit on every fixture sequence', () => {
    for (const testCase of thresholds.cases) {
      const { window, quantile, entropies } = testCase;
      expect(releasedWindowThreshold(entropies, { window, quantile }), `L = ${entropies.length}, w = ${window}, q = ${quantile}`).toBe(
        testCase.threshold,
      );
      if (testCase.list !== undefined) expect(Array.from(releasedWindowList(entropies, window))).toEqual(testCase.list);
    }
  });

  it('reproduces the SPEC §6.1 item 4 examples', () => {
    expect(Array.from(releasedWindowList([1, 2, 3, 4, 5, 6], 2))).toEqual([2.5, 3.5, 4.5, 5.5, 4.0, 4.0]);
    expect(releasedWindowThreshold([1, 2, 3, 4, 5, 6], { window: 2 })).toBe(5.25);
    expect(releasedWindowThreshold(new Array<number>(10).fill(0.1))).toBe(0.10000000149011612);
    expect(releasedWindowThreshold([0.3, 0.9, 0.2], { window: 4 })).toBe(Math.fround(0.3));
  });

  it('returns float32(H_0) for every q when L ≤ w', () => {
    for (const q of [0, 0.5, 0.95, 1]) {
      expect(releasedWindowThreshold([0.7, 2.9, 0.01, 5], { window: 4, quantile: q })).toBe(Math.fround(0.7));
      expect(releasedWindowThreshold([1 / 3, 4, 4, 4, 4, 4, 4, 4], { window: 8, quantile: q })).toBe(Math.fround(1 / 3));
    }
  });

  it('returns 0 for an empty sequence and float32(H_0) for length 1', () => {
    expect(releasedWindowThreshold([])).toBe(0);
    expect(releasedWindowThreshold(new Float64Array(0), { window: 1, quantile: 0 })).toBe(0);
    expect(releasedWindowThreshold([0.1])).toBe(Math.fround(0.1));
    expect(releasedWindowThreshold([0.1], { window: 1 })).toBe(Math.fround(0.1));
  });

  it('rounds the entropies to float32 first', () => {
    const entropies = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    expect(releasedWindowThreshold(entropies, { window: 1 })).toBe(releasedWindowThreshold(Float32Array.from(entropies), { window: 1 }));
    expect(releasedWindowList(entropies, 1)[0]).toBe(Math.fround(0.2));
  });

  it('pads only the last min(L, w) positions, with running float64 means of the list', () => {
    const list = releasedWindowList([0, 1, 2, 4, 8, 16, 32], 3);
    expect(Array.from(list.subarray(0, 4))).toEqual([7 / 3, 14 / 3, 28 / 3, 56 / 3].map(Math.fround));
    const first = list.subarray(0, 4).reduce((sum, value) => sum + value, 0) / 4;
    expect(list[4]).toBe(first);
    expect(list[5]).toBe((list[0]! + list[1]! + list[2]! + list[3]! + list[4]!) / 5);
    expect(list.length).toBe(7);
  });

  it('propagates NaN, and turns entropies beyond the float32 range into +Infinity as NumPy does', () => {
    expect(releasedWindowThreshold([0.5, Number.NaN, 0.5, 0.5, 0.5, 0.5])).toBeNaN();
    const overflowing = [0.5, 0.5, 0.5, 0.5, 0.5, 1e39];
    expect(Array.from(releasedWindowList(overflowing, 2))).toEqual([0.5, 0.5, 0.5, Infinity, Infinity, Infinity]);
    // np.quantile interpolates across ∞ to NaN, but keeps finite neighbours finite
    expect(releasedWindowThreshold(overflowing, { window: 2, quantile: 0 })).toBe(0.5);
    expect(releasedWindowThreshold(overflowing, { window: 2, quantile: 0.95 })).toBeNaN();
  });

  it('uses w = 4 and q = 0.95 by default', () => {
    expect(DEFAULT_RELEASED_WINDOW_THRESHOLD_OPTIONS).toEqual({ window: 4, quantile: 0.95 });
    expect(Object.isFrozen(DEFAULT_RELEASED_WINDOW_THRESHOLD_OPTIONS)).toBe(true);
    const entropies = [0.2, 1.3, 0.4, 2.2, 0.1, 0.05, 1.9, 0.6, 0.3];
    expect(releasedWindowThreshold(entropies)).toBe(releasedWindowThreshold(entropies, { window: 4, quantile: 0.95 }));
  });

  it('returns a number and leaves its input unchanged', () => {
    const entropies = new Float64Array([0.11, 0.52, 1.7, 0.03, 0.9, 0.4]);
    const snapshot = entropies.slice();
    expect(typeof releasedWindowThreshold(entropies, { window: 2 })).toBe('number');
    expect(entropies).toEqual(snapshot);
  });

  it('throws INVALID_ARGUMENT when the window is not an integer ≥ 1, even for an empty sequence', () => {
    for (const window of [0, -1, 1.5, Number.NaN, Infinity]) {
      expectAresError(() => releasedWindowThreshold([1, 2, 3], { window }), 'INVALID_ARGUMENT', 'options.window');
      expectAresError(() => releasedWindowThreshold([], { window }), 'INVALID_ARGUMENT', 'options.window');
    }
  });

  it('throws INVALID_ARGUMENT when the quantile is outside [0, 1]', () => {
    for (const quantile of [-0.1, 1.5, 95, Number.NaN]) {
      expectAresError(() => releasedWindowThreshold([1, 2, 3], { quantile }), 'INVALID_ARGUMENT', 'options.quantile');
      expectAresError(() => releasedWindowThreshold([], { quantile }), 'INVALID_ARGUMENT', 'options.quantile');
    }
  });
});

describe('numpy pairwise summation', () => {
  it('matches np.add.reduce in float32 and float64 bit for bit around the block sizes 8, 128 and 256', () => {
    for (const testCase of sums.cases) {
      const values = Float32Array.from(testCase.values);
      expect(0 + pairwiseSumFloat32(values, 0, values.length), `float32, n = ${values.length}`).toBe(testCase.float32Sum);
      expect(0 + pairwiseSumFloat64(testCase.values, 0, values.length), `float64, n = ${values.length}`).toBe(testCase.float64Sum);
    }
  });

  it('sums a sub-range [start, start + count)', () => {
    const values = Float64Array.from({ length: 300 }, (_, index) => 0.1 * index);
    expect(pairwiseSumFloat64(values, 17, 200)).toBe(pairwiseSumFloat64(values.slice(17, 217), 0, 200));
    const single = Float32Array.from(values);
    expect(pairwiseSumFloat32(single, 5, 140)).toBe(pairwiseSumFloat32(single.slice(5, 145), 0, 140));
  });
});
