import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, loadFixture, FLOAT64 } from '@ares/testing';
import type { DifficultyBucket } from '@ares/core';
import { entropyShaping, huberPenalty } from './entropy-shaping';

/** [bucket, correct (0/1), N, T, alpha, e, overall, usesExp] from scripts/fixtures/aepo_shaping.py. */
type ShapingCase = [DifficultyBucket, 0 | 1, number, number, number, number, number, 0 | 1];
const fixture = loadFixture<ShapingCase>(new URL('./__fixtures__/aepo_shaping.json', import.meta.url));

const bits = new Float64Array(2);
const words = new BigInt64Array(bits.buffer);
/** Distance in units in the last place between two finite doubles (±0 count as equal). */
function ulpDistance(a: number, b: number): number {
  bits[0] = a;
  bits[1] = b;
  const ordered = (word: bigint): bigint => (word < 0n ? -(word & 0x7fffffffffffffffn) : word);
  const difference = ordered(words[0]!) - ordered(words[1]!);
  return Number(difference < 0n ? -difference : difference);
}

/** The SPEC prints its vectors rounded to ten decimals; rounding ours must reproduce them exactly. */
function toTenDecimals(value: number): number {
  return Number(value.toFixed(10));
}

function shape(bucket: DifficultyBucket, correct: boolean, hweCount: number, target: number, alpha = 0.5): number {
  return entropyShaping({ bucket, correct, hweCount, target, alpha });
}

describe('entropyShaping', () => {
  it('is bit-identical to the released Python shaping, up to 1 ulp where exp is evaluated', () => {
    expect(fixture.cases.length).toBeGreaterThan(900);
    let expCases = 0;
    for (const [bucket, correct, hweCount, target, alpha, expected, , usesExp] of fixture.cases) {
      const actual = entropyShaping({ bucket, correct: correct === 1, hweCount, target, alpha });
      const label = JSON.stringify({ bucket, correct, hweCount, target, alpha, expected, actual });
      if (usesExp === 1) {
        expCases += 1;
        expect(ulpDistance(actual, expected), label).toBeLessThanOrEqual(1);
      } else {
        expect(Object.is(actual, expected), label).toBe(true);
      }
    }
    expect(expCases).toBeGreaterThan(300);
  });

  it('reproduces the paper App. M case study (SPEC §6.3 item 11)', () => {
    expect(shape('easy', true, 20, 28) === 0).toBe(true);
    expect(shape('easy', true, 51, 28)).toBe(-0.5);
    expect(toTenDecimals(shape('medium', false, 84, 55, 0.475))).toBe(0.3791496176);
    // Δ = −31 < m, so sig(0) = 1/2: e = 0.5·0.475·0.8.
    expectAllClose(shape('medium', false, 24, 55, 0.475), 0.19, FLOAT64);
  });

  it('matches the further SPEC vectors, printed to ten decimals (SPEC §6.3 item 12)', () => {
    expect(
      [
        shape('easy', true, 34, 28),
        shape('easy', true, 36, 28),
        shape('medium', true, 80, 55),
        shape('medium', true, 30, 55),
        shape('hard', true, 10, 30),
        shape('hard', true, 30, 30),
        shape('hard', true, 60, 30),
        shape('hard', false, 30, 30),
        shape('hard', false, 60, 30),
        shape('easy', false, 40, 0),
        shape('easy', true, 5, 0),
      ].map(toTenDecimals)
    ).toEqual([
      -0.0653225806, -0.2258064516, -0.2910447761, -0.2910447761, -0.1551724138, 0.5824126615, 0.5999991774, 0.3,
      0.5990992906, 0.299999999, -0.5,
    ]);
    expect(shape('medium', true, 55, 55) === 0).toBe(true);
    expect(shape('easy', true, 0, 0) === 0).toBe(true);
  });

  it('derives the easy vectors by hand: m = 4.2, k = 2, c = 0.5', () => {
    // N = 34: x = 1.8 ≤ k, hub = 0.5·1.8²/2 = 0.81, e = −0.81/6.2·0.5.
    expectAllClose(shape('easy', true, 34, 28), -(0.81 / 6.2) * 0.5, FLOAT64);
    // N = 36: x = 3.8 > k, hub = 3.8 − 1 = 2.8, e = −2.8/6.2·0.5.
    expectAllClose(shape('easy', true, 36, 28), -(2.8 / 6.2) * 0.5, FLOAT64);
  });

  it('rewards a long correct hard answer and penalises a long correct easy one (SPEC §6.3 item 14)', () => {
    expect(toTenDecimals(shape('hard', true, 51, 28))).toBe(0.5999892883);
    expect(shape('easy', true, 51, 28)).toBe(-0.5);
  });

  it('returns −0 for a zero penalty, as released', () => {
    expect(Object.is(shape('easy', true, 20, 28), -0)).toBe(true);
    expect(Object.is(shape('medium', true, 55, 55), -0)).toBe(true);
    expect(Object.is(shape('hard', true, 10, 30, 0), -0)).toBe(true);
  });

  it('caps the hard bonus at 1.2·α and the penalties at α', () => {
    expectAllClose(shape('hard', true, 10_000, 30), 0.6, FLOAT64);
    expect(shape('hard', true, 10_000, 30)).toBeLessThanOrEqual(0.6);
    expect(shape('easy', true, 10_000, 30)).toBe(-0.5);
    expect(shape('medium', true, 10_000, 30)).toBe(-0.5);
  });

  it('gives 0 for α = 0', () => {
    for (const bucket of ['easy', 'medium', 'hard'] as const) {
      for (const correct of [true, false]) expect(shape(bucket, correct, 77, 12, 0) === 0).toBe(true);
    }
  });

  it('does not modify its input', () => {
    const input = Object.freeze({ bucket: 'hard', correct: true, hweCount: 40, target: 30, alpha: 0.5 } as const);
    expect(() => entropyShaping(input)).not.toThrow();
    expect(input).toEqual({ bucket: 'hard', correct: true, hweCount: 40, target: 30, alpha: 0.5 });
  });

  it('throws INVALID_ARGUMENT for an unknown bucket or a non-boolean correct', () => {
    const base = { bucket: 'easy', correct: true, hweCount: 1, target: 1, alpha: 0.5 } as const;
    expectAresError(
      () => entropyShaping({ ...base, bucket: 'trivial' as DifficultyBucket }),
      'INVALID_ARGUMENT',
      'input.bucket'
    );
    expectAresError(
      () => entropyShaping({ ...base, correct: 1 as unknown as boolean }),
      'INVALID_ARGUMENT',
      'input.correct'
    );
  });

  it('throws INVALID_ARGUMENT for negative or non-finite N, T or α', () => {
    const base = { bucket: 'medium', correct: false, hweCount: 1, target: 1, alpha: 0.5 } as const;
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, -Number.MIN_VALUE]) {
      expectAresError(() => entropyShaping({ ...base, hweCount: bad }), 'INVALID_ARGUMENT', 'input.hweCount');
      expectAresError(() => entropyShaping({ ...base, target: bad }), 'INVALID_ARGUMENT', 'input.target');
      expectAresError(() => entropyShaping({ ...base, alpha: bad }), 'INVALID_ARGUMENT', 'input.alpha');
    }
  });
});

describe('huberPenalty', () => {
  it('is continuous with slope 1 at the knee (SPEC §6.3 item 15)', () => {
    for (const knee of [2, 3, 4]) {
      // Both branches equal k/2 at x = k.
      expect(huberPenalty(knee, knee)).toBe(knee / 2);
      expect(knee - 0.5 * knee).toBe(knee / 2);
      // The quadratic slope x/k reaches 1 at the knee, the linear slope is 1: one-sided differences agree.
      const step = 1e-6;
      const left = (huberPenalty(knee, knee) - huberPenalty(knee - step, knee)) / step;
      const right = (huberPenalty(knee + step, knee) - huberPenalty(knee, knee)) / step;
      expectAllClose([left, right], [1 - step / (2 * knee), 1], { rtol: 1e-6, atol: 0 });
    }
  });

  it('is 0 for x ≤ 0 and quadratic below the knee', () => {
    expect(huberPenalty(-3, 2)).toBe(0);
    expect(huberPenalty(0, 2)).toBe(0);
    expectAllClose(huberPenalty(1, 4), 0.125, FLOAT64);
    expectAllClose(huberPenalty(10, 4), 8, FLOAT64);
  });
});
