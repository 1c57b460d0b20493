import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DifficultyBucket } from '@ares/core';
import {
  createBucketTargetState,
  DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS,
  roundHalfEven,
  updateBucketTargets,
} from './update-bucket-targets';

const initial = createBucketTargetState();

describe('roundHalfEven properties', () => {
  it('rounds halves to even and their neighbours to the nearest integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(-1, 0, 1), (whole, nudge) => {
        const tie = whole + 0.5;
        const value = nudge === 0 ? tie : nudge < 0 ? tie - 2 ** -20 : tie + 2 ** -20;
        const expected = nudge < 0 ? whole : nudge > 0 ? whole + 1 : whole % 2 === 0 ? whole : whole + 1;
        expect(roundHalfEven(value)).toBe(expected);
      })
    );
  });
});

describe('updateBucketTargets properties', () => {
  it('keeps every α in [alphaMin, alphaMax] and moves it at most 0.5·rate per step', () => {
    const prompt = fc.record({
      bucket: fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'),
      meanHweCount: fc.double({ min: 0, max: 500, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(prompt, { maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 0.55, noNaN: true }),
        (batches, alphaMax) => {
          const options = { alphaMax };
          let state = createBucketTargetState({ alpha: Math.min(0.5, alphaMax) });
          for (const batch of batches) {
            const next = updateBucketTargets(state, batch, options);
            for (const bucket of ['easy', 'medium', 'hard'] as const) {
              expect(next[bucket].alpha).toBeGreaterThanOrEqual(0);
              expect(next[bucket].alpha).toBeLessThanOrEqual(alphaMax);
              const step = Math.abs(next[bucket].alpha - state[bucket].alpha);
              expect(step).toBeLessThanOrEqual(0.5 * DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS.alphaLearningRate + 1e-15);
              if (!batch.some((entry) => entry.bucket === bucket)) expect(next[bucket]).toEqual(state[bucket]);
              else expect(Number.isInteger(next[bucket].target)).toBe(true);
            }
            state = next;
          }
        }
      )
    );
  });

  it('matches a direct restatement of the released update', () => {
    const prompt = fc.record({
      bucket: fc.constantFrom<DifficultyBucket>('easy', 'medium', 'hard'),
      meanHweCount: fc.integer({ min: 0, max: 400 }).map((value) => value / 4),
    });
    fc.assert(
      fc.property(fc.array(prompt, { maxLength: 20 }), (prompts) => {
        const next = updateBucketTargets(initial, prompts);
        for (const bucket of ['easy', 'medium', 'hard'] as const) {
          const values = prompts.filter((entry) => entry.bucket === bucket).map((entry) => entry.meanHweCount);
          if (values.length === 0) continue;
          // Quarter-integers sum exactly, so the mean is exact; ties to even by checking the fractional part.
          const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
          const floor = Math.floor(mean);
          const fraction = mean - floor;
          const target = fraction < 0.5 ? floor : fraction > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
          const delta = bucket === 'hard' ? target - mean : mean - target;
          expect(next[bucket].target).toBe(target);
          expect(next[bucket].alpha).toBe(Math.min(Math.max(0.5 + 0.05 * delta, 0), 0.55));
        }
      })
    );
  });
});
