import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HWE_MASK_OPTIONS, hweMask } from './hwe-mask';

const RAMP = [1, 2, 3, 4, 5, 6];

describe('hweMask', () => {
  it('marks anchor positions with W ≥ τ for the inclusive anchor (W = [1.5, 2.5, 3.5, 4.5, 5.5])', () => {
    expect(hweMask(RAMP, 3.5, { window: 2 })).toEqual(new Uint8Array([0, 0, 1, 1, 1, 0]));
  });

  it('marks anchor positions with W ≥ τ for the next anchor (W = [2.5, 3.5, 4.5, 5.5])', () => {
    expect(hweMask(RAMP, 3.5, { window: 2, anchor: 'next' })).toEqual(new Uint8Array([0, 1, 1, 1, 0, 0]));
  });

  it("marks every covered token with coverage 'covered'", () => {
    expect(hweMask(RAMP, 3.5, { window: 2, coverage: 'covered' })).toEqual(new Uint8Array([0, 0, 1, 1, 1, 1]));
    // next: windows at anchors 1, 2, 3 cover tokens 2..3, 3..4, 4..5.
    expect(hweMask(RAMP, 3.5, { window: 2, anchor: 'next', coverage: 'covered' })).toEqual(
      new Uint8Array([0, 0, 1, 1, 1, 1]),
    );
    const spikes = [0, 9, 0, 0, 0, 0, 9, 0]; // inclusive W = [4.5, 4.5, 0, 0, 0, 4.5, 4.5]
    expect(hweMask(spikes, 4.6, { window: 2, coverage: 'covered' })).toEqual(new Uint8Array(8));
    expect(hweMask(spikes, 4.5, { window: 2, coverage: 'covered' })).toEqual(new Uint8Array([1, 1, 1, 0, 0, 1, 1, 1]));
    expect(hweMask(spikes, 4.5, { window: 2, coverage: 'covered', anchor: 'next' })).toEqual(
      new Uint8Array([0, 1, 1, 0, 0, 1, 1, 1]),
    );
  });

  it('uses window 4, the inclusive anchor and start coverage by default', () => {
    expect(DEFAULT_HWE_MASK_OPTIONS).toEqual({ window: 4, anchor: 'inclusive', coverage: 'start' });
    expect(Object.isFrozen(DEFAULT_HWE_MASK_OPTIONS)).toBe(true);
    // W = [2.5, 3.5, 4.5] at anchors 0..2.
    expect(hweMask(RAMP, 3.5)).toEqual(new Uint8Array([0, 1, 1, 0, 0, 0]));
  });

  it('counts a sustained region of length ℓ as ℓ − w + 1 start positions', () => {
    const entropies = [0, 0, 2, 2, 2, 2, 2, 0, 0];
    const mask = hweMask(entropies, 2, { window: 3 });
    expect(mask).toEqual(new Uint8Array([0, 0, 1, 1, 1, 0, 0, 0, 0]));
  });

  it('returns an all-zero mask of length L when no window is full', () => {
    expect(hweMask([9, 9, 9], 0, { window: 4 })).toEqual(new Uint8Array(3));
    expect(hweMask([9, 9, 9, 9], 0, { window: 4, anchor: 'next' })).toEqual(new Uint8Array(4));
    expect(hweMask([], 0)).toEqual(new Uint8Array(0));
  });

  it('never marks NaN windows and propagates nothing else from them', () => {
    const mask = hweMask([5, Number.NaN, 5, 5, 5], 1, { window: 2 });
    expect(mask).toEqual(new Uint8Array([0, 0, 1, 1, 0]));
  });

  it('treats +∞ as marking nothing and −∞ as marking every full window', () => {
    expect(hweMask(RAMP, Number.POSITIVE_INFINITY, { window: 2 })).toEqual(new Uint8Array(6));
    expect(hweMask(RAMP, Number.NEGATIVE_INFINITY, { window: 2 })).toEqual(new Uint8Array([1, 1, 1, 1, 1, 0]));
  });

  it('returns a Uint8Array and leaves its input unchanged', () => {
    const entropies = Float32Array.from([0.5, 2, 2, 0.1, 3]);
    const snapshot = entropies.slice();
    const mask = hweMask(entropies, 1, { window: 2, coverage: 'covered' });
    expect(mask).toBeInstanceOf(Uint8Array);
    expect(mask).toHaveLength(5);
    expect(entropies).toEqual(snapshot);
  });

  it('throws INVALID_ARGUMENT for a NaN or missing threshold and a bad window', () => {
    expectAresError(() => hweMask(RAMP, Number.NaN), 'INVALID_ARGUMENT', 'threshold');
    expectAresError(() => hweMask(RAMP, undefined as unknown as number), 'INVALID_ARGUMENT', 'threshold');
    expectAresError(() => hweMask(RAMP, 1, { window: 0 }), 'INVALID_ARGUMENT', 'options.window');
  });

  it('throws UNSUPPORTED for an unknown anchor or coverage', () => {
    expectAresError(() => hweMask(RAMP, 1, { anchor: 'previous' as 'next' }), 'UNSUPPORTED', 'options.anchor');
    expectAresError(() => hweMask(RAMP, 1, { coverage: 'all' as 'start' }), 'UNSUPPORTED', 'options.coverage');
  });
});
