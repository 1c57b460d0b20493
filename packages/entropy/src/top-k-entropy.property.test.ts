import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, logitsMatrix, REFERENCE } from '@ares/testing';
import { logProbabilities } from './log-probabilities';
import { tokenEntropy } from './token-entropy';
import { topKEntropy } from './top-k-entropy';

/** Rounding slack of the bound checks (entropies are sums of ≤ 40 terms of size ≤ ln 40). */
const SLACK = 1e-12;

/** A full next-token distribution as log-probabilities, with its exact entropy, and a number k of kept tokens. */
const distributionWithK = logitsMatrix({ maxRows: 1, maxVocab: 40, scale: 12 }).chain(({ logits, vocabSize }) =>
  fc.record({
    logits: fc.constant(logits),
    vocabSize: fc.constant(vocabSize),
    k: fc.integer({ min: 1, max: vocabSize }),
    temperature: fc.double({ min: 0.2, max: 5, noNaN: true }),
  }),
);

function fullLogProbabilities(logits: Float32Array, vocabSize: number, temperature: number): Float64Array {
  const repeated = new Float32Array(vocabSize * vocabSize);
  for (let row = 0; row < vocabSize; row++) repeated.set(logits, row * vocabSize);
  const labels = Array.from({ length: vocabSize }, (_, label) => label);
  return logProbabilities(repeated, vocabSize, labels, { temperature });
}

describe('topKEntropy properties', () => {
  it('brackets the exact entropy of a full distribution from its top-k: plain ≤ lower ≤ H ≤ upper', () => {
    fc.assert(
      fc.property(distributionWithK, ({ logits, vocabSize, k, temperature }) => {
        const exact = tokenEntropy(logits, vocabSize, { temperature, kernel: 'js' })[0]!;
        const top = fullLogProbabilities(logits, vocabSize, temperature)
          .sort()
          .reverse()
          .subarray(0, k);
        const { plain, lower, upper, tailMass } = topKEntropy(top, { vocabSize });
        expect(plain).toBeLessThanOrEqual(lower);
        expect(lower).toBeLessThanOrEqual(exact + SLACK);
        expect(exact).toBeLessThanOrEqual(upper + SLACK);
        expect(tailMass).toBeGreaterThanOrEqual(0);
        expect(tailMass).toBeLessThanOrEqual(1);
        expect(upper).toBeLessThanOrEqual(Math.log(vocabSize) + SLACK);
      }),
    );
  });

  it('brackets the exact entropy for any subset of tokens, not only the top-k', () => {
    fc.assert(
      fc.property(
        distributionWithK.chain((input) =>
          fc.tuple(
            fc.constant(input),
            fc.shuffledSubarray(
              Array.from({ length: input.vocabSize }, (_, index) => index),
              { minLength: input.k, maxLength: input.k },
            ),
          ),
        ),
        ([{ logits, vocabSize, temperature }, subset]) => {
          const exact = tokenEntropy(logits, vocabSize, { temperature, kernel: 'js' })[0]!;
          const all = fullLogProbabilities(logits, vocabSize, temperature);
          const { lower, upper } = topKEntropy(
            subset.map((index) => all[index]!),
            { vocabSize },
          );
          expect(lower).toBeLessThanOrEqual(exact + SLACK);
          expect(exact).toBeLessThanOrEqual(upper + SLACK);
        },
      ),
    );
  });

  it('recovers the exact entropy when all V log-probs are returned', () => {
    fc.assert(
      fc.property(distributionWithK, ({ logits, vocabSize, temperature }) => {
        const exact = tokenEntropy(logits, vocabSize, { temperature, kernel: 'js' })[0]!;
        const { plain, lower, upper, tailMass } = topKEntropy(fullLogProbabilities(logits, vocabSize, temperature), { vocabSize });
        expect(tailMass).toBeLessThan(1e-14);
        expectAllClose([plain, lower, upper], [exact, exact, exact], REFERENCE);
      }),
    );
  });

  it('gives plain = lower exactly when no tail remains and plain < lower when it does', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-3, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), fc.double({ min: 0, max: 0.9, noNaN: true }), (weights, tail) => {
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        const logProbs = weights.map((weight) => Math.log(((1 - tail) * weight) / total));
        const { plain, lower, tailMass } = topKEntropy(logProbs);
        if (tailMass === 0) expect(lower).toBe(plain);
        if (tail > 1e-6) {
          expectAllClose(tailMass, tail, REFERENCE);
          expect(lower).toBeGreaterThan(plain);
        }
      }),
    );
  });
});
