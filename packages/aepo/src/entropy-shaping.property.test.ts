import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DifficultyBucket } from '@ares/core';
import { expectAllClose, FLOAT64 } from '@ares/testing';
import { entropyShaping } from './entropy-shaping';
import { shapedReward } from './shaped-reward';

const BUCKETS = ['easy', 'medium', 'hard'] as const;
/** c_d and f_d from the SPEC §2.8 table, restated independently of the implementation. */
const CAP_SCALE: Record<DifficultyBucket, number> = { easy: 1, medium: 1, hard: 1.2 };
const MARGIN_FRACTION: Record<DifficultyBucket, number> = { easy: 0.15, medium: 0.25, hard: 0.35 };

const bucket = fc.constantFrom(...BUCKETS);
const count = fc.integer({ min: 0, max: 600 });
const realCount = fc.double({ min: 0, max: 600, noNaN: true });
const alpha = fc.double({ min: 0, max: 2, noNaN: true });

function shape(d: DifficultyBucket, correct: boolean, hweCount: number, target: number, a = 0.5): number {
  return entropyShaping({ bucket: d, correct, hweCount, target, alpha: a });
}
function overall(d: DifficultyBucket, correct: boolean, hweCount: number, target: number, a: number): number {
  return shapedReward({ bucket: d, correct, hweCount, target, alpha: a });
}
function margin(d: DifficultyBucket, target: number): number {
  return Math.max(1, MARGIN_FRACTION[d] * Math.max(target, 1));
}

const TARGETS = [0, 1, 5, 28, 55, 200, 400, 1000];
/** Every N up to 300, then every fifth up to 1200. */
const COUNTS = [
  ...Array.from({ length: 301 }, (_, index) => index),
  ...Array.from({ length: 180 }, (_, index) => 305 + 5 * index),
];

/** Same-bucket, same-T, same-N pairs on the grid where a correct answer does not beat a wrong one. */
function sameNViolations(d: DifficultyBucket, a: number): number {
  let violations = 0;
  for (const target of TARGETS) {
    for (const hweCount of COUNTS) {
      if (!(overall(d, true, hweCount, target, a) > overall(d, false, hweCount, target, a))) violations += 1;
    }
  }
  return violations;
}

describe('entropyShaping invariants (SPEC §6.3 item 13)', () => {
  it('keeps |e| ≤ α·c_d', () => {
    fc.assert(
      fc.property(bucket, fc.boolean(), realCount, realCount, alpha, (d, correct, n, t, a) => {
        expect(Math.abs(shape(d, correct, n, t, a))).toBeLessThanOrEqual(a * CAP_SCALE[d]);
      })
    );
  });

  it('never rewards a correct easy or medium answer (e ≤ 0)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('easy', 'medium') as fc.Arbitrary<DifficultyBucket>,
        realCount,
        realCount,
        alpha,
        (d, n, t, a) => {
          expect(shape(d, true, n, t, a)).toBeLessThanOrEqual(0);
        }
      )
    );
  });

  it('always gives a wrong answer e > 0 when α > 0', () => {
    fc.assert(
      fc.property(bucket, realCount, realCount, fc.double({ min: 1e-6, max: 2, noNaN: true }), (d, n, t, a) => {
        expect(shape(d, false, n, t, a)).toBeGreaterThan(0);
      })
    );
  });

  it('gives a correct answer exactly 0 inside the tolerance band (Δ ≤ m easy, |Δ| ≤ m medium)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('easy', 'medium') as fc.Arbitrary<DifficultyBucket>,
        count,
        count,
        alpha,
        (d, n, t, a) => {
          const delta = n - t;
          const inside = d === 'easy' ? delta <= margin(d, t) : Math.abs(delta) <= margin(d, t);
          fc.pre(inside);
          const e = shape(d, true, n, t, a);
          expect(e === 0).toBe(true);
          expect(Object.is(e, -0)).toBe(true);
        }
      )
    );
  });

  it('is non-increasing in N for correct easy answers', () => {
    fc.assert(
      fc.property(realCount, realCount, realCount, alpha, (n1, n2, t, a) => {
        const [low, high] = n1 <= n2 ? [n1, n2] : [n2, n1];
        expect(shape('easy', true, low, t, a)).toBeGreaterThanOrEqual(shape('easy', true, high, t, a));
      })
    );
  });

  it('is non-decreasing in N for hard answers, correct or wrong', () => {
    fc.assert(
      fc.property(fc.boolean(), realCount, realCount, realCount, alpha, (correct, n1, n2, t, a) => {
        const [low, high] = n1 <= n2 ? [n1, n2] : [n2, n1];
        expect(shape('hard', correct, low, t, a)).toBeLessThanOrEqual(shape('hard', correct, high, t, a));
      })
    );
  });

  it('is symmetric in Δ for correct medium answers', () => {
    fc.assert(
      fc.property(count, count, alpha, (t, d, a) => {
        fc.pre(d <= t);
        expect(shape('medium', true, t + d, t, a)).toBe(shape('medium', true, t - d, t, a));
      })
    );
  });

  it('gives correct hard answers a bonus and correct easy answers a penalty beyond the easy band (item 14)', () => {
    fc.assert(
      fc.property(
        count,
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        (t, extra, a) => {
          const n = t + margin('easy', t) + extra;
          const hard = shape('hard', true, n, t, a);
          const easy = shape('easy', true, n, t, a);
          expect(hard).toBeGreaterThan(0);
          expect(easy).toBeLessThan(0);
        }
      )
    );
  });
});

describe('ordering guarantee (SPEC §2.8, §6.3 item 13)', () => {
  it('scores a correct answer above a wrong one at the same bucket, T and N for every α ≤ 0.55', () => {
    for (const a of [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.432, 0.475, 0.5, 0.525, 0.55]) {
      for (const d of BUCKETS) expect(sameNViolations(d, a), `${d} α = ${a}`).toBe(0);
    }
  });

  it('fails at α = 0.6 for medium and hard but not easy (0.6 < 0.625)', () => {
    expect(sameNViolations('easy', 0.6)).toBe(0);
    expect(sameNViolations('medium', 0.6)).toBeGreaterThan(0);
    expect(sameNViolations('hard', 0.6)).toBeGreaterThan(0);
    // medium, N far above T: 1 − c = 0.4 < 0.8·c = 0.48 once the penalty saturates.
    expect(overall('medium', true, 1200, 28, 0.6)).toBeLessThan(overall('medium', false, 1200, 28, 0.6));
  });

  it('fails for every bucket at the released αmax = 2.0', () => {
    for (const d of BUCKETS) expect(sameNViolations(d, 2.0), d).toBeGreaterThan(0);
  });

  it('holds across different N for easy and medium at α ≤ 0.55 (worst correct above best wrong)', () => {
    for (const d of ['easy', 'medium'] as const) {
      for (const a of [0.3, 0.5, 0.55]) {
        for (const target of TARGETS) {
          let worstCorrect = Infinity;
          let bestWrong = -Infinity;
          for (const n of COUNTS) {
            worstCorrect = Math.min(worstCorrect, overall(d, true, n, target, a));
            bestWrong = Math.max(bestWrong, overall(d, false, n, target, a));
          }
          expect(worstCorrect, `${d} α = ${a} T = ${target}`).toBeGreaterThan(bestWrong);
        }
      }
    }
  });

  it('fails across different N for hard prompts: 0.4811 < 0.6 at α = 0.5, T = 200', () => {
    const correct = overall('hard', true, 0, 200, 0.5);
    const wrong = overall('hard', false, 400, 200, 0.5);
    // m = 70, x = 130, hub = 130 − 2 = 128, e = −(0.5·128/74)·0.6.
    expectAllClose(correct, 1 - (64 / 74) * 0.6, FLOAT64);
    expect(correct.toFixed(4)).toBe('0.4811');
    expect(wrong.toFixed(4)).toBe('0.6000');
    expect(correct).toBeLessThan(wrong);
  });
});
