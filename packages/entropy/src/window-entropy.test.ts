import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { DEFAULT_WINDOW_ENTROPY_OPTIONS, windowEntropy } from './window-entropy';

const RAMP = [1, 2, 3, 4, 5, 6];

describe('windowEntropy', () => {
  it('reproduces the SPEC §6.1 example H = [1..6], w = 2 for both anchors', () => {
    expect(Array.from(windowEntropy(RAMP, { window: 2 }))).toEqual([1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(Array.from(windowEntropy(RAMP, { window: 2, anchor: 'next' }))).toEqual([2.5, 3.5, 4.5, 5.5]);
  });

  it('returns H itself for w = 1 inclusive, and H shifted by one for w = 1 next', () => {
    const entropies = [0.3, 1.7, 0.05, 2.2];
    expect(Array.from(windowEntropy(entropies, { window: 1 }))).toEqual(entropies);
    expect(Array.from(windowEntropy(entropies, { window: 1, anchor: 'next' }))).toEqual(entropies.slice(1));
  });

  it('gives c in every window of a constant sequence', () => {
    const constant = new Float64Array(11).fill(0.7);
    for (const window of [1, 3, 4, 11]) {
      const means = windowEntropy(constant, { window });
      expect(means.length).toBe(12 - window);
      expectAllClose(means, new Float64Array(12 - window).fill(0.7), FLOAT64);
    }
  });

  it('uses w = 4 and the inclusive anchor by default', () => {
    expect(DEFAULT_WINDOW_ENTROPY_OPTIONS).toEqual({ window: 4, anchor: 'inclusive' });
    expect(Object.isFrozen(DEFAULT_WINDOW_ENTROPY_OPTIONS)).toBe(true);
    expect(Array.from(windowEntropy(RAMP))).toEqual([2.5, 3.5, 4.5]);
  });

  it('sums each window in index order in float64 before dividing by w', () => {
    // (0.1 + 0.2 + 0.3) / 3 summed left to right, which differs from other orders in the last bit
    const expected = (0.1 + 0.2 + 0.3) / 3;
    expect(windowEntropy([0.1, 0.2, 0.3], { window: 3 })[0]).toBe(expected);
    expect(windowEntropy([9, 0.1, 0.2, 0.3], { window: 3, anchor: 'next' })[0]).toBe(expected);
  });

  it('yields an empty array when the sequence is shorter than the window (and for an empty sequence)', () => {
    expect(windowEntropy([1, 2, 3], { window: 4 }).length).toBe(0);
    expect(windowEntropy([1, 2, 3, 4], { window: 4, anchor: 'next' }).length).toBe(0);
    expect(windowEntropy([], { window: 1 }).length).toBe(0);
    expect(windowEntropy([], { window: 1, anchor: 'next' }).length).toBe(0);
  });

  it('handles length 1 and L = w', () => {
    expect(Array.from(windowEntropy([0.4], { window: 1 }))).toEqual([0.4]);
    expect(windowEntropy([0.4], { window: 1, anchor: 'next' }).length).toBe(0);
    expect(Array.from(windowEntropy([1, 2, 3, 6]))).toEqual([3]);
  });

  it('propagates NaN only to the windows that cover it', () => {
    const means = windowEntropy([1, 1, Number.NaN, 1, 1, 1, 1], { window: 2 });
    expect(Array.from(means, Number.isNaN)).toEqual([false, true, true, false, false, false]);
  });

  it('propagates ±Infinity, and gives NaN where both meet', () => {
    const means = windowEntropy([Infinity, 1, 1, -Infinity, Infinity], { window: 2 });
    expect(Array.from(means)).toEqual([Infinity, 1, -Infinity, Number.NaN]);
  });

  it('accepts typed arrays and returns a new Float64Array, leaving the input unchanged', () => {
    const entropies = new Float32Array([0.25, 0.5, 0.75, 1]);
    const snapshot = entropies.slice();
    const means = windowEntropy(entropies, { window: 2 });
    expect(means).toBeInstanceOf(Float64Array);
    expect(Array.from(means)).toEqual([0.375, 0.625, 0.875]);
    expect(entropies).toEqual(snapshot);
  });

  it('throws INVALID_ARGUMENT when the window is not an integer ≥ 1', () => {
    for (const window of [0, -1, 2.5, Number.NaN, Infinity]) {
      expectAresError(() => windowEntropy(RAMP, { window }), 'INVALID_ARGUMENT', 'options.window');
    }
  });

  it('throws UNSUPPORTED for an unknown anchor', () => {
    expectAresError(() => windowEntropy(RAMP, { anchor: 'previous' as 'next' }), 'UNSUPPORTED', 'options.anchor');
  });
});
