import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, REFERENCE } from '@ares/testing';
import type { DifficultyBucket } from '@ares/core';
import { paperLaggedRewards } from './paper-lagged-rewards';

const rollout = fc.record({
  bucket: fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'),
  correct: fc.boolean(),
  hweCount: fc.integer({ min: 0, max: 200 }),
});

describe('paperLaggedRewards properties', () => {
  it('is degenerate with the same-batch target: λ_d = 0 for every batch (SPEC §6.3 item 16)', () => {
    fc.assert(
      fc.property(fc.array(rollout, { maxLength: 30 }), (batch) => {
        const first = paperLaggedRewards(batch, {});
        const sameBatch = paperLaggedRewards(batch, first.means);
        expect(sameBatch.lambdas).toEqual({ easy: 0, medium: 0, hard: 0 });
        expect(Array.from(sameBatch.rewards)).toEqual(batch.map((entry) => (entry.correct ? 1 : 0)));
      })
    );
  });

  it('gives λ_d > 0 when the bucket mean rises above the previous mean, 0 otherwise (SPEC §6.3 item 16)', () => {
    fc.assert(
      fc.property(
        fc.array(rollout, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 200 }),
        (batch, previous) => {
          const result = paperLaggedRewards(batch, { easy: previous, medium: previous, hard: previous });
          for (const bucket of ['easy', 'medium', 'hard'] as const) {
            const counts = batch.filter((entry) => entry.bucket === bucket).map((entry) => entry.hweCount);
            if (counts.length === 0) {
              expect(result.lambdas[bucket]).toBe(0);
              continue;
            }
            const mean = counts.reduce((sum, value) => sum + value, 0) / counts.length;
            const variance = counts.reduce((sum, value) => sum + (value - mean) ** 2, 0) / counts.length;
            expectAllClose(result.lambdas[bucket], Math.max(0, (mean - previous) / (variance + 1e-6)), REFERENCE);
            if (mean > previous) expect(result.lambdas[bucket]).toBeGreaterThan(0);
            else expect(result.lambdas[bucket]).toBe(0);
          }
          batch.forEach((entry, index) => {
            if (entry.correct) expect(result.rewards[index]).toBe(1);
            else expect(result.rewards[index]).toBeLessThanOrEqual(0);
          });
        }
      )
    );
  });
});
