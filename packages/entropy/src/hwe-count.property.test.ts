import { expectAllClose, FLOAT64 } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countTriggers } from './count-triggers';
import { hweCount } from './hwe-count';
import { hweMask } from './hwe-mask';
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

const VOCABULARY = ['wait', 'but', 'hmm'];
const anchors = fc.constantFrom<WindowAnchor>('inclusive', 'next');
const windows = fc.integer({ min: 1, max: 6 });
const thresholds = entropyValue;
const tokenPool = fc.constantFrom('wait', 'ĠBut', '▁hmm', ' so', 'the', 'x', 'WAIT', 'ĠHowever');

/** A sequence with tokens, and a non-negative increment per position. */
const sequenceWithTokens = entropyArray(30).chain((entropies) =>
  fc.record({
    entropies: fc.constant(entropies),
    tokens: fc.array(tokenPool, { minLength: entropies.length, maxLength: entropies.length }),
    increments: fc.array(fc.double({ min: 0, max: 2, noNaN: true }), {
      minLength: entropies.length,
      maxLength: entropies.length,
    }),
  }),
);

// Properties of N_HE, of the trigger filter (countTriggers) and of the HWE mask.
describe('hweCount properties (SPEC §6.1 item 5)', () => {
  it('is non-decreasing in the entropies at fixed τ, with and without the trigger filter', () => {
    fc.assert(
      fc.property(
        sequenceWithTokens,
        windows,
        anchors,
        thresholds,
        ({ entropies, tokens, increments }, window, anchor, threshold) => {
          const raised = entropies.map((value, index) => value + increments[index]!);
          expect(hweCount(raised, threshold, { window, anchor })).toBeGreaterThanOrEqual(
            hweCount(entropies, threshold, { window, anchor }),
          );
          const filter = { window, tokens, vocabulary: VOCABULARY };
          expect(hweCount(raised, threshold, filter)).toBeGreaterThanOrEqual(hweCount(entropies, threshold, filter));
        },
      ),
    );
  });

  it('is non-increasing in τ, with and without the trigger filter', () => {
    fc.assert(
      fc.property(
        sequenceWithTokens,
        windows,
        anchors,
        thresholds,
        thresholds,
        ({ entropies, tokens }, window, anchor, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(hweCount(entropies, high, { window, anchor })).toBeLessThanOrEqual(
            hweCount(entropies, low, { window, anchor }),
          );
          const filter = { window, tokens, vocabulary: VOCABULARY };
          expect(hweCount(entropies, high, filter)).toBeLessThanOrEqual(hweCount(entropies, low, filter));
        },
      ),
    );
  });

  it('equals the number of ones in the start mask and is at most L − w + 1', () => {
    fc.assert(
      fc.property(entropyArray(30), windows, anchors, thresholds, (entropies, window, anchor, threshold) => {
        const count = hweCount(entropies, threshold, { window, anchor });
        const mask = hweMask(entropies, threshold, { window, anchor, coverage: 'start' });
        expect(count).toBe(mask.reduce((sum, bit) => sum + bit, 0));
        expect(count).toBeLessThanOrEqual(Math.max(0, entropies.length - window + 1));
      }),
    );
  });
});

describe('countTriggers properties', () => {
  it('agrees with next-anchored window entropies at every trigger position', () => {
    fc.assert(
      fc.property(sequenceWithTokens, windows, thresholds, ({ entropies, tokens }, window, threshold) => {
        const counts = countTriggers(tokens, entropies, { vocabulary: VOCABULARY, window, threshold });
        // Reference: W_i of windowEntropy(next) is the mean of H_{i+1..i+w}; triggers are the pool entries whose
        // normalised form is in the vocabulary ('wait', 'ĠBut', '▁hmm', 'WAIT').
        const next = windowEntropy(entropies, { window, anchor: 'next' });
        const triggerWords = new Set(['wait', 'ĠBut', '▁hmm', 'WAIT']);
        let valid = 0;
        let invalid = 0;
        const excesses: number[] = [];
        for (let position = 0; position < next.length; position++) {
          if (!triggerWords.has(tokens[position]!)) continue;
          if (next[position]! >= threshold) valid++;
          else invalid++;
          excesses.push(Math.max(0, next[position]! - threshold));
        }
        expect([counts.valid, counts.invalid]).toEqual([valid, invalid]);
        expectAllClose(
          counts.softCost,
          excesses.reduce((sum, value) => sum + value, 0),
          FLOAT64,
        );
        expect(counts.valid + counts.invalid).toBeLessThanOrEqual(
          tokens.filter((token) => triggerWords.has(token)).length,
        );
      }),
    );
  });
});

describe('hweMask properties', () => {
  it("'covered' marks exactly the union of the windows whose mean reaches τ", () => {
    fc.assert(
      fc.property(entropyArray(30), windows, anchors, thresholds, (entropies, window, anchor, threshold) => {
        const covered = hweMask(entropies, threshold, { window, anchor, coverage: 'covered' });
        // Independent reference: average each window directly and mark its tokens.
        const offset = anchor === 'next' ? 1 : 0;
        const expected = new Uint8Array(entropies.length);
        for (let start = offset; start + window <= entropies.length; start++) {
          const slice = entropies.slice(start, start + window);
          if (slice.reduce((sum, value) => sum + value, 0) / window >= threshold)
            expected.fill(1, start, start + window);
        }
        expect(covered).toEqual(expected);
      }),
    );
  });

  it("'start' marks a subset of 'covered' for the inclusive anchor", () => {
    fc.assert(
      fc.property(entropyArray(30), windows, thresholds, (entropies, window, threshold) => {
        const start = hweMask(entropies, threshold, { window, coverage: 'start' });
        const covered = hweMask(entropies, threshold, { window, coverage: 'covered' });
        for (let index = 0; index < start.length; index++) expect(start[index]! <= covered[index]!).toBe(true);
      }),
    );
  });
});
