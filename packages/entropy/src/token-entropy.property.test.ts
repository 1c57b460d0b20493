import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, FLOAT64, logitsMatrix, REFERENCE } from '@ares/testing';
import { logProbabilities } from './log-probabilities';
import { tokenEntropy } from './token-entropy';

// The float64 JavaScript kernel holds the exact semantics tested here; the 'auto' (WebAssembly) path is tested
// against the same references at its documented tolerance in token-entropy-kernels.test.ts.
const tokenEntropyJs: typeof tokenEntropy = (logits, vocabSize, options = {}) => tokenEntropy(logits, vocabSize, { ...options, kernel: 'js' });

/** Slack for comparisons against closed-form bounds: a few ulps of ln V. */
const BOUND_SLACK = 1e-12;

describe('tokenEntropy properties', () => {
  it('lies in [0, ln V] for every row', () => {
    fc.assert(
      fc.property(logitsMatrix({ maxRows: 4, maxVocab: 40, scale: 60 }), fc.double({ min: 0.05, max: 20, noNaN: true }), (matrix, temperature) => {
        const entropies = tokenEntropyJs(matrix.logits, matrix.vocabSize, { temperature });
        const bound = Math.log(matrix.vocabSize);
        for (const entropy of entropies) {
          expect(entropy).toBeGreaterThanOrEqual(0);
          expect(entropy).toBeLessThanOrEqual(bound + BOUND_SLACK);
        }
      }),
    );
  });

  it('is invariant under a permutation of the logits', () => {
    fc.assert(
      fc.property(
        logitsMatrix({ maxRows: 1, maxVocab: 40 }).chain((matrix) =>
          fc.tuple(fc.constant(matrix), fc.shuffledSubarray(Array.from(matrix.logits.keys()), { minLength: matrix.vocabSize, maxLength: matrix.vocabSize })),
        ),
        ([matrix, order]) => {
          const permuted = Float32Array.from(order, (index) => matrix.logits[index]!);
          expectAllClose(tokenEntropyJs(permuted, matrix.vocabSize), tokenEntropyJs(matrix.logits, matrix.vocabSize), FLOAT64);
        },
      ),
    );
  });

  it('is invariant under adding a constant to a row', () => {
    fc.assert(
      fc.property(logitsMatrix({ maxRows: 3, maxVocab: 30 }), fc.constantFrom(-1000, -64, 7.5, 1024), (matrix, shift) => {
        // Shifting rounds each logit to ulp(shift) at most (≈ 2e-13), so the entropies agree to that absolute level.
        const shifted = Float64Array.from(matrix.logits, (value) => value + shift);
        expectAllClose(tokenEntropyJs(shifted, matrix.vocabSize), tokenEntropyJs(matrix.logits, matrix.vocabSize), REFERENCE);
      }),
    );
  });

  it('never decreases as the temperature rises, and tends to ln V', () => {
    fc.assert(
      fc.property(
        logitsMatrix({ maxRows: 2, maxVocab: 30, scale: 20 }),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        (matrix, temperature, factor) => {
          const colder = tokenEntropyJs(matrix.logits, matrix.vocabSize, { temperature });
          const warmer = tokenEntropyJs(matrix.logits, matrix.vocabSize, { temperature: temperature * factor });
          colder.forEach((entropy, row) => expect(warmer[row]!).toBeGreaterThanOrEqual(entropy - BOUND_SLACK));
          const hot = tokenEntropyJs(matrix.logits, matrix.vocabSize, { temperature: 1e9 });
          expectAllClose(hot, new Float64Array(matrix.rows).fill(Math.log(matrix.vocabSize)), REFERENCE);
        },
      ),
    );
  });

  it('equals −Σ exp(ℓ)·ℓ over the log-probabilities of every label (the TRL form)', () => {
    fc.assert(
      fc.property(logitsMatrix({ maxRows: 1, maxVocab: 30, scale: 40 }), fc.double({ min: 0.1, max: 5, noNaN: true }), (matrix, temperature) => {
        const { logits, vocabSize } = matrix;
        const repeated = new Float32Array(vocabSize * vocabSize);
        for (let row = 0; row < vocabSize; row++) repeated.set(logits, row * vocabSize);
        const labels = Array.from({ length: vocabSize }, (_, label) => label);
        const logProbs = logProbabilities(repeated, vocabSize, labels, { temperature });
        let expected = 0;
        for (const logProb of logProbs) if (logProb > -Infinity) expected -= Math.exp(logProb) * logProb;
        expectAllClose(tokenEntropyJs(logits, vocabSize, { temperature }), [expected], REFERENCE);
      }),
    );
  });
});
