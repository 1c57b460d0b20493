import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64, REFERENCE } from '@ares/testing';
import { DEFAULT_TOKEN_ENTROPY_OPTIONS, tokenEntropy } from './token-entropy';
import { tokenEntropyFixture as fixture } from './token-entropy-test-utils';

// The float64 JavaScript kernel holds the exact semantics tested here; the 'auto' (WebAssembly) path is tested
// against the same references at its documented tolerance in token-entropy-kernels.test.ts.
const tokenEntropyJs: typeof tokenEntropy = (logits, vocabSize, options = {}) => tokenEntropy(logits, vocabSize, { ...options, kernel: 'js' });

describe('tokenEntropy', () => {
  describe('agrees with the NumPy float64 reference', () => {
    for (const testCase of fixture.cases) {
      it(`${testCase.name} (${testCase.logits.length / testCase.vocabSize} × ${testCase.vocabSize})`, () => {
        const logits = Float32Array.from(testCase.logits);
        testCase.temperatures.forEach((temperature, index) => {
          expectAllClose(tokenEntropyJs(logits, testCase.vocabSize, { temperature }), testCase.entropies[index]!, REFERENCE);
        });
      });
    }
  });

  it('returns ln V for uniform logits (SPEC §6.1: V = 37 and V = 151,665)', () => {
    expectAllClose(tokenEntropyJs(new Float32Array(37).fill(1.25), 37), [3.6109179126], { rtol: 1e-10, atol: 0 });
    expectAllClose(tokenEntropyJs(new Float32Array(151_665), 151_665), [11.9294294202], { rtol: 1e-10, atol: 0 });
    expectAllClose(tokenEntropyJs(new Float64Array(37).fill(-7), 37, { temperature: 0.3 }), [Math.log(37)], FLOAT64);
  });

  it('returns 0 for a one-hot row and for a single-column vocabulary', () => {
    const oneHot = new Float32Array([-Infinity, -Infinity, 4, -Infinity]);
    expect(Array.from(tokenEntropyJs(oneHot, 4))).toEqual([0]);
    expect(Array.from(tokenEntropyJs(new Float32Array([3, -1000, 1000]), 1))).toEqual([0, 0, 0]);
  });

  it('handles huge logit gaps without overflow (the [-1000, 1000] case)', () => {
    const logits = new Float32Array([-1000, 1000, 1000, -1000, -1000, -1000]);
    expectAllClose(tokenEntropyJs(logits, 2), [0, 0, Math.LN2], FLOAT64);
  });

  it('treats −Infinity logits as zero-probability tokens', () => {
    const logits = new Float64Array([0, -Infinity, 0, -Infinity, Math.log(3), -Infinity]);
    // (1/5, 1/5, 3/5) over the finite entries
    const expected = -(2 * 0.2 * Math.log(0.2) + 0.6 * Math.log(0.6));
    expectAllClose(tokenEntropyJs(logits, 6), [expected], FLOAT64);
  });

  it('propagates NaN for rows with NaN, +Infinity or only −Infinity, and leaves other rows intact', () => {
    const logits = new Float32Array([0, Number.NaN, 1, Infinity, -Infinity, -Infinity, 0, 0]);
    const entropies = tokenEntropyJs(logits, 2);
    expect(Number.isNaN(entropies[0])).toBe(true);
    expect(Number.isNaN(entropies[1])).toBe(true);
    expect(Number.isNaN(entropies[2])).toBe(true);
    expectAllClose(entropies[3]!, Math.LN2, FLOAT64);
    expect(Number.isNaN(tokenEntropyJs(new Float32Array([Number.NaN, 5]), 2)[0])).toBe(true);
  });

  it('keeps the relative accuracy of near one-hot rows', () => {
    // Two outcomes with gap a: p = 1/(1 + e^−a), H = log1p(e^−a) + a·e^−a/(1 + e^−a).
    for (const gap of [20, 30, 40, 700]) {
      const tail = Math.exp(-gap);
      const expected = Math.log1p(tail) + (gap * tail) / (1 + tail);
      expectAllClose(tokenEntropyJs(new Float64Array([1000 + gap, 1000]), 2), [expected], { rtol: 1e-14, atol: 0 });
    }
  });

  it('applies the temperature inside: softmax(z / T)', () => {
    const logits = new Float32Array([2, 0, -1]);
    const scaled = new Float32Array([1, 0, -0.5]);
    expectAllClose(tokenEntropyJs(logits, 3, { temperature: 2 }), tokenEntropyJs(scaled, 3), FLOAT64);
  });

  it('does not overflow for a tiny temperature', () => {
    const logits = new Float32Array([3e38, 0, -3e38, 1, 1, 0]);
    expectAllClose(tokenEntropyJs(logits, 3, { temperature: 1e-300 }), [0, Math.LN2], FLOAT64);
  });

  it('returns an empty Float64Array for empty logits', () => {
    const entropies = tokenEntropyJs(new Float32Array(0), 5);
    expect(entropies).toBeInstanceOf(Float64Array);
    expect(entropies.length).toBe(0);
  });

  it('returns a new Float64Array with one entropy per row, for float32 and float64 logits', () => {
    const values = [0.5, -1, 2, 3, 3, 3];
    const from32 = tokenEntropyJs(Float32Array.from(values), 3);
    const from64 = tokenEntropyJs(Float64Array.from(values), 3);
    expect(from32).toBeInstanceOf(Float64Array);
    expect(from32.length).toBe(2);
    expectAllClose(from32, from64, FLOAT64);
  });

  it('leaves its input unchanged', () => {
    const logits = new Float32Array([0.5, -1, 2, Number.NaN, 3, -Infinity]);
    const snapshot = logits.slice();
    tokenEntropyJs(logits, 3, { temperature: 0.7 });
    expect(logits).toEqual(snapshot);
  });

  it('throws SHAPE_MISMATCH when logits.length is not a multiple of vocabSize', () => {
    expectAresError(() => tokenEntropy(new Float32Array(7), 3), 'SHAPE_MISMATCH', 'logits');
  });

  it('throws INVALID_ARGUMENT when vocabSize is not a positive integer', () => {
    for (const vocabSize of [0, -2, 2.5, Number.NaN, Infinity]) {
      expectAresError(() => tokenEntropy(new Float32Array(4), vocabSize), 'INVALID_ARGUMENT', 'vocabSize');
    }
  });

  it('throws INVALID_ARGUMENT when the temperature is not a finite number > 0', () => {
    for (const temperature of [0, -0, -1, Number.NaN, Infinity]) {
      expectAresError(() => tokenEntropy(new Float32Array(4), 2, { temperature }), 'INVALID_ARGUMENT', 'options.temperature');
    }
  });

  it('exposes frozen defaults (temperature 1, kernel auto)', () => {
    expect(DEFAULT_TOKEN_ENTROPY_OPTIONS).toEqual({ temperature: 1, kernel: 'auto' });
    expect(Object.isFrozen(DEFAULT_TOKEN_ENTROPY_OPTIONS)).toBe(true);
    const logits = new Float32Array([0.1, 0.7, -2]);
    expect(tokenEntropyJs(logits, 3)).toEqual(tokenEntropyJs(logits, 3, { temperature: 1 }));
  });
});
