import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64, REFERENCE } from '@ares/testing';
import { DEFAULT_TOP_K_ENTROPY_OPTIONS, topKEntropy } from './top-k-entropy';

describe('topKEntropy', () => {
  it('reproduces the SPEC §6.1 worked example (0.5, 0.3) with V = 10', () => {
    const result = topKEntropy([Math.log(0.5), Math.log(0.3)], { vocabSize: 10 });
    expectAllClose(result.plain, 0.7077654316, REFERENCE);
    expectAllClose(result.tailMass, 0.2, REFERENCE);
    expectAllClose(result.lower, 1.0296530141, REFERENCE);
    expectAllClose(result.upper, 1.4455413224, REFERENCE);
    // lower is the exact entropy of (0.5, 0.3, 0.2)
    expectAllClose(result.lower, -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2)), FLOAT64);
  });

  it('has an upper − lower gap of r·ln(V − k) (SPEC: r = 0.05, V = 151,665 gives about 0.60 nats)', () => {
    const result = topKEntropy([Math.log(0.95)], { vocabSize: 151_665 });
    expectAllClose(result.tailMass, 0.05, REFERENCE);
    expectAllClose(result.upper - result.lower, 0.05 * Math.log(151_664), REFERENCE);
    expect(result.upper - result.lower).toBeGreaterThan(0.59);
    expect(result.upper - result.lower).toBeLessThan(0.61);
  });

  it('returns upper = +Infinity without vocabSize when tail mass remains', () => {
    const result = topKEntropy([Math.log(0.5), Math.log(0.3)]);
    expect(result.upper).toBe(Infinity);
    expectAllClose(result.lower, 1.0296530141, REFERENCE);
  });

  it('gives plain = lower = upper when the returned tokens carry all the mass, with or without vocabSize', () => {
    const logProbs = [Math.log(0.25), Math.log(0.25), Math.log(0.5)];
    for (const options of [{}, { vocabSize: 3 }, { vocabSize: 1000 }]) {
      const result = topKEntropy(logProbs, options);
      expect(result.tailMass).toBe(0);
      expect(result.lower).toBe(result.plain);
      expect(result.upper).toBe(result.lower);
      expectAllClose(result.plain, 1.5 * Math.LN2, FLOAT64);
    }
  });

  it('gives upper = lower when vocabSize = k (no unseen tokens to spread the tail over)', () => {
    const result = topKEntropy([Math.log(0.5), Math.log(0.3)], { vocabSize: 2 });
    expect(result.tailMass).toBeGreaterThan(0);
    expect(result.upper).toBe(result.lower);
  });

  it('returns 0 everywhere for a one-hot position', () => {
    expect(topKEntropy([0])).toEqual({ plain: 0, lower: 0, upper: 0, tailMass: 0 });
    expect(topKEntropy([0, -Infinity, -Infinity], { vocabSize: 5 })).toEqual({ plain: 0, lower: 0, upper: 0, tailMass: 0 });
  });

  it('treats −Infinity log-probs (and vLLM-style underflow) as zero-probability tokens', () => {
    const withSentinels = topKEntropy([Math.log(0.5), -Infinity, Math.log(0.3), -9999], { vocabSize: 10 });
    const plain = topKEntropy([Math.log(0.5), Math.log(0.3)], { vocabSize: 10 });
    expectAllClose([withSentinels.plain, withSentinels.lower, withSentinels.tailMass], [plain.plain, plain.lower, plain.tailMass], FLOAT64);
    // k counts every entry: the gap uses ln(V − 4), not ln(V − 2)
    expectAllClose(withSentinels.upper - withSentinels.lower, withSentinels.tailMass * Math.log(6), FLOAT64);
  });

  it('clamps log-probs in (0, 1e-6] to 0', () => {
    expect(topKEntropy([1e-6])).toEqual({ plain: 0, lower: 0, upper: 0, tailMass: 0 });
    const clamped = topKEntropy([5e-7, Math.log(0.1)], { vocabSize: 4 });
    // mass 1 + 0.1 > 1: no tail
    expect(clamped.tailMass).toBe(0);
    expectAllClose(clamped.plain, -0.1 * Math.log(0.1), FLOAT64);
  });

  it('throws INVALID_ARGUMENT for a log-prob above 1e-6 or +Infinity', () => {
    for (const value of [2e-6, 0.5, Infinity]) {
      const error = expectAresError(() => topKEntropy([Math.log(0.5), value]), 'INVALID_ARGUMENT', 'topLogProbs');
      expect(error.value).toBe(value);
    }
  });

  it('propagates NaN to all four estimates', () => {
    const result = topKEntropy([Math.log(0.5), Number.NaN], { vocabSize: 10 });
    expect([result.plain, result.lower, result.upper, result.tailMass].every(Number.isNaN)).toBe(true);
  });

  it('throws EMPTY_INPUT for an empty input', () => {
    expectAresError(() => topKEntropy([]), 'EMPTY_INPUT', 'topLogProbs');
    expectAresError(() => topKEntropy(new Float32Array(0), { vocabSize: 10 }), 'EMPTY_INPUT', 'topLogProbs');
  });

  it('throws INVALID_ARGUMENT when vocabSize is not an integer ≥ k', () => {
    const logProbs = [Math.log(0.5), Math.log(0.3), Math.log(0.1)];
    for (const vocabSize of [0, 2, 2.5, -4, Number.NaN, Infinity]) {
      expectAresError(() => topKEntropy(logProbs, { vocabSize }), 'INVALID_ARGUMENT', 'options.vocabSize');
    }
    expect(topKEntropy(logProbs, { vocabSize: 3 }).upper).toBe(topKEntropy(logProbs, { vocabSize: 3 }).lower);
  });

  it('accepts float32 log-probs as returned by vLLM', () => {
    const logProbs = new Float32Array([Math.log(0.6), Math.log(0.25)]);
    const result = topKEntropy(logProbs, { vocabSize: 8 });
    const q = Array.from(logProbs, Math.exp);
    const r = 1 - q[0]! - q[1]!;
    expectAllClose(
      [result.plain, result.tailMass, result.lower, result.upper],
      [
        -(q[0]! * logProbs[0]! + q[1]! * logProbs[1]!),
        r,
        -(q[0]! * logProbs[0]! + q[1]! * logProbs[1]!) - r * Math.log(r),
        -(q[0]! * logProbs[0]! + q[1]! * logProbs[1]!) - r * Math.log(r) + r * Math.log(6),
      ],
      FLOAT64,
    );
  });

  it('returns plain numbers and leaves its input unchanged', () => {
    const logProbs = new Float64Array([Math.log(0.7), 4e-7, -Infinity]);
    const snapshot = logProbs.slice();
    const result = topKEntropy(logProbs, { vocabSize: 50 });
    expect(logProbs).toEqual(snapshot);
    expect(Object.keys(result).sort()).toEqual(['lower', 'plain', 'tailMass', 'upper']);
    for (const value of Object.values(result)) expect(typeof value).toBe('number');
  });

  it('exposes frozen defaults (vocabulary size unknown)', () => {
    expect(DEFAULT_TOP_K_ENTROPY_OPTIONS).toEqual({ vocabSize: undefined });
    expect(Object.isFrozen(DEFAULT_TOP_K_ENTROPY_OPTIONS)).toBe(true);
  });
});
