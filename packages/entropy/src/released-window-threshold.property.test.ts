import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entropySequence, expectAllClose, FLOAT32, FLOAT64 } from '@ares/testing';
import { quantile } from './quantile';
import { releasedWindowList, releasedWindowThreshold } from './released-window-threshold';
import { windowEntropy } from './window-entropy';

const window = fc.integer({ min: 1, max: 8 });
const probability = fc.double({ min: 0, max: 1, noNaN: true });

/**
 * SPEC §2.2 steps 1–3 read literally for short inputs, where NumPy's pairwise sum is a plain left-to-right loop
 * (fewer than 8 terms): float32 window sums rounded after every addition, float64 running means for the padding.
 */
function shortReference(entropies: readonly number[], width: number, q: number): number {
  const e = entropies.map(Math.fround);
  const list: number[] = [];
  for (let i = 0; i < e.length; i++) {
    if (e.length - i - 1 >= width) {
      let sum = 0;
      for (const value of e.slice(i + 1, i + 1 + width)) sum = Math.fround(sum + value);
      list.push(Math.fround(sum / width));
    } else if (list.length > 0) {
      let sum = 0;
      for (const value of list) sum += value;
      list.push(sum / list.length);
    } else {
      list.push(e[i]!);
    }
  }
  return e.length === 0 ? 0 : quantile(list, q);
}

describe('releasedWindowThreshold properties', () => {
  it('equals the literal SPEC reading with sequential sums for sequences shorter than 9 and w < 8', () => {
    fc.assert(
      fc.property(entropySequence({ maxLength: 8 }), fc.integer({ min: 1, max: 7 }), probability, (entropies, width, q) => {
        expect(releasedWindowThreshold(entropies, { window: width, quantile: q })).toBe(shortReference(entropies, width, q));
      }),
    );
  });

  it('returns float32(H_0) whenever L ≤ w, for every q', () => {
    fc.assert(
      fc.property(window.chain((width) => fc.tuple(fc.constant(width), entropySequence({ maxLength: width }))), probability, ([width, entropies], q) => {
        fc.pre(entropies.length > 0);
        expect(releasedWindowThreshold(entropies, { window: width, quantile: q })).toBe(Math.fround(entropies[0]!));
      }),
    );
  });

  it('has one list value per position: float32-rounded next-window means, then padding within their range', () => {
    fc.assert(
      fc.property(entropySequence({ maxLength: 60 }), window, (entropies, width) => {
        const list = releasedWindowList(entropies, width);
        expect(list.length).toBe(entropies.length);
        const means = windowEntropy(Float32Array.from(entropies), { window: width, anchor: 'next' });
        expectAllClose(list.subarray(0, means.length), means, FLOAT32);
        if (means.length > 0) {
          const low = Math.min(...list.subarray(0, means.length));
          const high = Math.max(...list.subarray(0, means.length));
          for (const padding of list.subarray(means.length)) {
            expect(padding).toBeGreaterThanOrEqual(low - FLOAT64.rtol * low);
            expect(padding).toBeLessThanOrEqual(high + FLOAT64.rtol * high);
          }
        }
      }),
    );
  });

  it('is non-decreasing in q and lies within the range of the float32 entropies', () => {
    fc.assert(
      fc.property(entropySequence({ maxLength: 60 }), window, probability, probability, (entropies, width, first, second) => {
        fc.pre(entropies.length > 0);
        const [low, high] = first <= second ? [first, second] : [second, first];
        const lower = releasedWindowThreshold(entropies, { window: width, quantile: low });
        const upper = releasedWindowThreshold(entropies, { window: width, quantile: high });
        expect(lower).toBeLessThanOrEqual(upper);
        const rounded = entropies.map(Math.fround);
        const min = Math.min(...rounded);
        const max = Math.max(...rounded);
        expect(lower).toBeGreaterThanOrEqual(min - FLOAT32.rtol * min);
        expect(upper).toBeLessThanOrEqual(max + FLOAT32.rtol * max);
      }),
    );
  });
});
