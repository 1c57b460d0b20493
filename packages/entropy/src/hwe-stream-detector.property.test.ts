import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hweCount } from './hwe-count';
import { hweMask } from './hwe-mask';
import { HweStreamDetector, type CompletedWindow } from './hwe-stream-detector';
import { windowEntropy, type WindowAnchor } from './window-entropy';

/**
 * Entropies spread over [0, 5] with full mantissas (fast-check's plain doubles are mostly tiny, which hides rounding
 * and makes most windows exceed any threshold), mixed with plain doubles and exact small values.
 */
const entropyValue = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 1_000_000_007 }).map((value) => value * 4.99e-9) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 5, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.5, 1, 2.5) },
);
const entropyArray = (maxLength: number) => fc.array(entropyValue, { maxLength });

describe('HweStreamDetector properties', () => {
  it('streams exactly the values of windowEntropy and the events of hweMask, for both anchors', () => {
    fc.assert(
      fc.property(
        entropyArray(40),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<WindowAnchor>('inclusive', 'next'),
        entropyValue,
        (entropies, window, anchor, threshold) => {
          const detector = new HweStreamDetector({ threshold, window, anchor });
          const completed = entropies
            .map((entropy) => detector.push(entropy))
            .filter((value): value is CompletedWindow => value !== undefined);
          const reference = windowEntropy(entropies, { window, anchor });
          expect(completed.map((value) => value.position)).toEqual(Array.from(reference, (_, index) => index));
          // Bit-for-bit equality, not closeness.
          expect(Float64Array.from(completed, (value) => value.windowEntropy)).toEqual(reference);
          const events = new Uint8Array(entropies.length);
          for (const value of completed) if (value.highEntropy) events[value.position] = 1;
          expect(events).toEqual(hweMask(entropies, threshold, { window, anchor, coverage: 'start' }));
          expect(detector.hweCount).toBe(hweCount(entropies, threshold, { window, anchor }));
          for (const value of completed) expect(value.windowStart).toBe(value.position + (anchor === 'next' ? 1 : 0));
        },
      ),
    );
  });
});
