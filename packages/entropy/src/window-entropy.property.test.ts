import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entropySequence, FLOAT64 } from '@ares/testing';
import { windowEntropy, type WindowAnchor } from './window-entropy';

const anchor = fc.constantFrom<WindowAnchor>('inclusive', 'next');
const window = fc.integer({ min: 1, max: 9 });

/** Reference: slice the covered entropies and add them left to right (the order SPEC §2.2 fixes). */
function directMeans(entropies: readonly number[], width: number, where: WindowAnchor): number[] {
  const offset = where === 'next' ? 1 : 0;
  const means: number[] = [];
  for (let start = offset; start + width <= entropies.length; start++) {
    means.push(entropies.slice(start, start + width).reduce((sum, value) => sum + value, 0) / width);
  }
  return means;
}

describe('windowEntropy properties', () => {
  it('equals the direct left-to-right mean of every full window, bit for bit, with the SPEC count', () => {
    fc.assert(
      fc.property(entropySequence({ maxLength: 40 }), window, anchor, (entropies, width, where) => {
        const means = windowEntropy(entropies, { window: width, anchor: where });
        const expectedCount = Math.max(0, entropies.length - width + (where === 'next' ? 0 : 1));
        expect(means.length).toBe(expectedCount);
        expect(Array.from(means)).toEqual(directMeans(entropies, width, where));
      }),
    );
  });

  it('anchors next windows one position later than inclusive windows', () => {
    fc.assert(
      fc.property(entropySequence({ maxLength: 30 }), window, (entropies, width) => {
        const inclusive = windowEntropy(entropies, { window: width });
        expect(windowEntropy(entropies, { window: width, anchor: 'next' })).toEqual(inclusive.slice(1));
      }),
    );
  });

  it('keeps every window mean within the min and max of the entropies it covers (SPEC §6.1 item 5)', () => {
    // Constant runs such as 0.1 × 3 (sum 0.30000000000000004) make the float64 mean exceed the max by an ulp.
    const sequences = fc.oneof(
      entropySequence({ maxLength: 40 }),
      fc.tuple(fc.constantFrom(0.1, 0.7, 1 / 3, 2.3), fc.integer({ min: 1, max: 20 })).map(([value, length]) => new Array<number>(length).fill(value)),
    );
    fc.assert(
      fc.property(sequences, window, anchor, (entropies, width, where) => {
        const offset = where === 'next' ? 1 : 0;
        windowEntropy(entropies, { window: width, anchor: where }).forEach((mean, position) => {
          const covered = entropies.slice(position + offset, position + offset + width);
          const low = Math.min(...covered);
          const high = Math.max(...covered);
          expect(mean).toBeGreaterThanOrEqual(low - FLOAT64.rtol * low);
          expect(mean).toBeLessThanOrEqual(high + FLOAT64.rtol * high);
        });
      }),
    );
  });

  it('never lowers a window mean when an entropy is raised (SPEC §6.1 item 5)', () => {
    fc.assert(
      fc.property(
        entropySequence({ maxLength: 30 }).filter((entropies) => entropies.length > 0),
        window,
        anchor,
        fc.nat(),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (entropies, width, where, position, increase) => {
          const raised = entropies.slice();
          const index = position % entropies.length;
          raised[index] = raised[index]! + increase;
          const before = windowEntropy(entropies, { window: width, anchor: where });
          const after = windowEntropy(raised, { window: width, anchor: where });
          before.forEach((mean, anchorIndex) => expect(after[anchorIndex]!).toBeGreaterThanOrEqual(mean));
        },
      ),
    );
  });
});
