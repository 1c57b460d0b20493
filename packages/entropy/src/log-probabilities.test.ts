import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64, REFERENCE } from '@ares/testing';
import { DEFAULT_LOG_PROBABILITIES_OPTIONS, logProbabilities } from './log-probabilities';
import { tokenEntropyFixture as fixture } from './token-entropy-test-utils';

describe('logProbabilities', () => {
  describe('agrees with the NumPy float64 log-softmax', () => {
    for (const testCase of fixture.cases) {
      it(testCase.name, () => {
        const logits = Float32Array.from(testCase.logits);
        testCase.temperatures.forEach((temperature, index) => {
          const actual = logProbabilities(logits, testCase.vocabSize, testCase.labels, { temperature });
          expectAllClose(actual, testCase.logProbabilities[index]!, REFERENCE);
        });
      });
    }
  });

  it('returns −ln V for uniform logits', () => {
    expectAllClose(logProbabilities(new Float32Array(37).fill(2), 37, [5]), [-Math.log(37)], FLOAT64);
  });

  it('keeps the relative accuracy of log-probabilities near 0 (argmax label, large logits)', () => {
    // ℓ = −log1p(e^−a) for the larger of two logits a apart.
    for (const gap of [20, 30, 36]) {
      const expected = -Math.log1p(Math.exp(-gap));
      expectAllClose(logProbabilities(new Float64Array([1000 + gap, 1000]), 2, [0]), [expected], { rtol: 1e-14, atol: 0 });
    }
  });

  it('handles huge logit gaps (the [-1000, 1000] case)', () => {
    const actual = logProbabilities(new Float32Array([-1000, 1000, -1000, 1000]), 2, [0, 1]);
    expectAllClose(actual, [-2000, 0], FLOAT64);
  });

  it('gives −Infinity for a −Infinity label logit', () => {
    expect(logProbabilities(new Float32Array([-Infinity, 0, 1]), 3, [0])[0]).toBe(-Infinity);
  });

  it('propagates NaN for rows with NaN, +Infinity or only −Infinity', () => {
    const logits = new Float32Array([Number.NaN, 0, Infinity, 0, -Infinity, -Infinity, 0, 0]);
    const actual = logProbabilities(logits, 2, [1, 1, 0, 0]);
    expect(Array.from(actual.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expectAllClose(actual[3]!, -Math.LN2, FLOAT64);
  });

  it('sums to 1 in probability over all labels of a row', () => {
    const logits = new Float32Array([0.3, -2, 5, 1.5, 1.5]);
    const all = logProbabilities(Float32Array.from([...logits, ...logits, ...logits, ...logits, ...logits]), 5, [0, 1, 2, 3, 4], {
      temperature: 1.7,
    });
    expectAllClose(all.reduce((sum, value) => sum + Math.exp(value), 0), 1, FLOAT64);
  });

  it('returns one value per row in a new Float64Array; empty logits give an empty array', () => {
    const actual = logProbabilities(new Float64Array([0, 0, 1, 1]), 2, [0, 1]);
    expect(actual).toBeInstanceOf(Float64Array);
    expect(actual.length).toBe(2);
    expect(logProbabilities(new Float32Array(0), 3, []).length).toBe(0);
    expect(logProbabilities(new Float32Array([4]), 1, [0])[0]).toBe(0);
  });

  it('leaves its inputs unchanged', () => {
    const logits = new Float32Array([0.5, -1, 2, 7, 3, -Infinity]);
    const labels = new Int32Array([2, 0]);
    const logitsSnapshot = logits.slice();
    const labelsSnapshot = labels.slice();
    logProbabilities(logits, 3, labels, { temperature: 0.5 });
    expect(logits).toEqual(logitsSnapshot);
    expect(labels).toEqual(labelsSnapshot);
  });

  it('throws SHAPE_MISMATCH when logits.length is not a multiple of vocabSize or labels.length differs from rows', () => {
    expectAresError(() => logProbabilities(new Float32Array(5), 2, [0, 0]), 'SHAPE_MISMATCH', 'logits');
    expectAresError(() => logProbabilities(new Float32Array(4), 2, [0]), 'SHAPE_MISMATCH', 'labels');
  });

  it('throws INVALID_ARGUMENT for a label that is not an integer in [0, V)', () => {
    for (const label of [-1, 3, 1.5, Number.NaN, Infinity]) {
      expectAresError(() => logProbabilities(new Float32Array(3), 3, [label]), 'INVALID_ARGUMENT', 'labels');
    }
  });

  it('throws INVALID_ARGUMENT for a bad vocabSize or temperature', () => {
    expectAresError(() => logProbabilities(new Float32Array(3), 0, []), 'INVALID_ARGUMENT', 'vocabSize');
    for (const temperature of [0, -1, Number.NaN, Infinity]) {
      expectAresError(() => logProbabilities(new Float32Array(3), 3, [0], { temperature }), 'INVALID_ARGUMENT', 'options.temperature');
    }
  });

  it('exposes frozen defaults (temperature 1)', () => {
    expect(DEFAULT_LOG_PROBABILITIES_OPTIONS).toEqual({ temperature: 1 });
    expect(Object.isFrozen(DEFAULT_LOG_PROBABILITIES_OPTIONS)).toBe(true);
  });
});
