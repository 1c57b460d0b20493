import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import type { DifficultyBucket } from '@ares/core';
import { paperLaggedRewards, type PaperLaggedRollout } from './paper-lagged-rewards';

describe('paperLaggedRewards', () => {
  it('computes λ_d from this batch and the previous mean, and penalises wrong answers by λ·g_d(Δ)', () => {
    const batch: PaperLaggedRollout[] = [
      { bucket: 'easy', correct: false, hweCount: 40 },
      { bucket: 'easy', correct: true, hweCount: 34 },
      { bucket: 'medium', correct: false, hweCount: 10 },
      { bucket: 'medium', correct: false, hweCount: 30 },
      { bucket: 'hard', correct: false, hweCount: 2 },
      { bucket: 'hard', correct: false, hweCount: 6 },
    ];
    const result = paperLaggedRewards(batch, { easy: 30, medium: 16, hard: 8 });
    // easy: mean 37, var 9; λ = 7/(9 + 1e-6); wrong N = 40: g = max(0, 10) = 10.
    // medium: mean 20, var 100; λ = 4/(100 + 1e-6); N = 10: g = |−6| = 6; N = 30: g = 14.
    // hard: mean 4, var 4; mean − target = −4 < 0, so λ = 0.
    const easyLambda = 7 / (9 + 1e-6);
    const mediumLambda = 4 / (100 + 1e-6);
    expectAllClose(
      [result.lambdas.easy, result.lambdas.medium, result.lambdas.hard],
      [easyLambda, mediumLambda, 0],
      FLOAT64
    );
    expectAllClose(result.rewards, [-easyLambda * 10, 1, -mediumLambda * 6, -mediumLambda * 14, 0, 0], FLOAT64);
    expect(result.means).toEqual({ easy: 37, medium: 20, hard: 4 });
    expect(result.variances).toEqual({ easy: 9, medium: 100, hard: 4 });
  });

  it('applies g_hard = max(0, −Δ) to hard prompts whose mean rose', () => {
    const result = paperLaggedRewards(
      [
        { bucket: 'hard', correct: false, hweCount: 10 },
        { bucket: 'hard', correct: false, hweCount: 30 },
      ],
      { hard: 12 }
    );
    const lambda = 8 / (100 + 1e-6); // mean 20, var 100
    expectAllClose(result.lambdas.hard, lambda, FLOAT64);
    // N = 10 is 2 below the target: penalised; N = 30 is above it: g = 0.
    expectAllClose(result.rewards, [-lambda * 2, 0], FLOAT64);
  });

  it('keeps λ = 0 and R = accuracy until a previous mean exists', () => {
    const result = paperLaggedRewards(
      [
        { bucket: 'easy', correct: false, hweCount: 50 },
        { bucket: 'medium', correct: true, hweCount: 5 },
      ],
      {}
    );
    expect(result.lambdas).toEqual({ easy: 0, medium: 0, hard: 0 });
    expect(Array.from(result.rewards)).toEqual([0, 1]);
    expect(result.means).toEqual({ easy: 50, medium: 5 });
  });

  it('uses options.epsilon in the denominator', () => {
    const batch: PaperLaggedRollout[] = [
      { bucket: 'medium', correct: false, hweCount: 9 },
      { bucket: 'medium', correct: false, hweCount: 9 },
    ];
    // Zero variance: λ = (9 − 7)/ε.
    expectAllClose(paperLaggedRewards(batch, { medium: 7 }).lambdas.medium, 2 / 1e-6, FLOAT64);
    expectAllClose(paperLaggedRewards(batch, { medium: 7 }, { epsilon: 0.5 }).lambdas.medium, 4, FLOAT64);
  });

  it('returns empty rewards for an empty batch and does not modify its inputs', () => {
    const previous = Object.freeze({ easy: 3 });
    const empty = paperLaggedRewards([], previous);
    expect(empty.rewards).toBeInstanceOf(Float64Array);
    expect(empty.rewards.length).toBe(0);
    expect(empty.means).toEqual({});
    const batch = [{ bucket: 'easy' as const, correct: false, hweCount: 8 }];
    const snapshot = JSON.stringify(batch);
    paperLaggedRewards(batch, previous);
    expect(JSON.stringify(batch)).toBe(snapshot);
    expect(previous).toEqual({ easy: 3 });
  });

  it('throws INVALID_ARGUMENT for bad rollouts, previous means or epsilon', () => {
    const ok = { bucket: 'easy', correct: true, hweCount: 1 } as const;
    expectAresError(
      () => paperLaggedRewards([ok, { ...ok, bucket: 'x' as DifficultyBucket }], {}),
      'INVALID_ARGUMENT',
      'rollouts[1].bucket'
    );
    expectAresError(
      () => paperLaggedRewards([{ ...ok, correct: 0 as unknown as boolean }], {}),
      'INVALID_ARGUMENT',
      'rollouts[0].correct'
    );
    expectAresError(
      () => paperLaggedRewards([{ ...ok, hweCount: -2 }], {}),
      'INVALID_ARGUMENT',
      'rollouts[0].hweCount'
    );
    expectAresError(() => paperLaggedRewards([ok], { hard: Number.NaN }), 'INVALID_ARGUMENT', 'previousMeans.hard');
    expectAresError(() => paperLaggedRewards([ok], {}, { epsilon: 0 }), 'INVALID_ARGUMENT', 'options.epsilon');
  });
});
