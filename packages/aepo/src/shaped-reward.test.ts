import { describe, expect, it } from 'vitest';
import { expectAresError, loadFixture } from '@ares/testing';
import type { DifficultyBucket } from '@ares/core';
import { shapedReward } from './shaped-reward';

/** [bucket, correct (0/1), N, T, alpha, e, overall, usesExp] from scripts/fixtures/aepo_shaping.py. */
type ShapingCase = [DifficultyBucket, 0 | 1, number, number, number, number, number, 0 | 1];
const fixture = loadFixture<ShapingCase>(new URL('./__fixtures__/aepo_shaping.json', import.meta.url));

describe('shapedReward', () => {
  it('equals the released overall score (accuracy + e) on the fixture', () => {
    for (const [bucket, correct, hweCount, target, alpha, , expected, usesExp] of fixture.cases) {
      const actual = shapedReward({ bucket, correct: correct === 1, hweCount, target, alpha });
      const label = JSON.stringify({ bucket, correct, hweCount, target, alpha, expected, actual });
      if (usesExp === 1)
        expect(Math.abs(actual - expected), label).toBeLessThanOrEqual(
          Number.EPSILON * Math.max(1, Math.abs(expected))
        );
      else expect(Object.is(actual, expected), label).toBe(true);
    }
  });

  it('reproduces the overall column of the case study (SPEC §6.3 item 11)', () => {
    expect(shapedReward({ bucket: 'easy', correct: true, hweCount: 20, target: 28, alpha: 0.5 })).toBe(1);
    expect(shapedReward({ bucket: 'easy', correct: true, hweCount: 51, target: 28, alpha: 0.5 })).toBe(0.5);
    const medium = shapedReward({ bucket: 'medium', correct: false, hweCount: 84, target: 55, alpha: 0.475 });
    expect(medium.toFixed(4)).toBe('0.3791');
    const low = shapedReward({ bucket: 'medium', correct: false, hweCount: 24, target: 55, alpha: 0.475 });
    expect(low.toFixed(4)).toBe('0.1900');
  });

  it('is 1 + e for correct and e for wrong answers', () => {
    expect(shapedReward({ bucket: 'hard', correct: true, hweCount: 30, target: 30, alpha: 0.5 })).toBe(
      1 + 0.5824126615491861
    );
    expect(shapedReward({ bucket: 'hard', correct: false, hweCount: 30, target: 30, alpha: 0.5 })).toBe(0.3);
  });

  it('validates like entropyShaping', () => {
    expectAresError(
      () => shapedReward({ bucket: 'expert' as DifficultyBucket, correct: true, hweCount: 1, target: 1, alpha: 0.5 }),
      'INVALID_ARGUMENT',
      'input.bucket'
    );
    expectAresError(
      () => shapedReward({ bucket: 'easy', correct: true, hweCount: 1, target: 1, alpha: Number.NaN }),
      'INVALID_ARGUMENT',
      'input.alpha'
    );
  });
});
