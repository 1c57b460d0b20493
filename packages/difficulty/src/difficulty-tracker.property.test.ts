import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceBucket } from './bucket-test-utils';
import { DifficultyTracker, type DifficultyTrackerMode, type DifficultyTrackerState } from './difficulty-tracker';

/** One visit: a prompt id (a few numbers and strings, so 1 and "1" collide) and its rollouts' outcomes. */
const visit = fc.record({
  id: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0', '1', 'q')),
  outcomes: fc.array(fc.oneof(fc.boolean(), fc.constantFrom(0, 1)), { minLength: 1, maxLength: 9 }),
});
const run = fc.array(visit, { minLength: 0, maxLength: 30 });
const mode = fc.constantFrom<DifficultyTrackerMode>('latest', 'cumulative', 'ema');

describe('DifficultyTracker properties', () => {
  it('a JSON round trip mid-run gives identical subsequent buckets, pass rates and state', () => {
    fc.assert(
      fc.property(mode, fc.double({ min: 0, max: 0.99, noNaN: true }), run, run, (trackerMode, emaDecay, before, after) => {
        const options = { mode: trackerMode, emaDecay, thresholds: { easyAtLeast: 0.6, hardBelow: 0.3 } };
        const original = new DifficultyTracker(options);
        for (const { id, outcomes } of before) original.update(id, outcomes);
        const restored = DifficultyTracker.fromJSON(
          JSON.parse(JSON.stringify(original.toJSON())) as DifficultyTrackerState,
        );
        for (const { id, outcomes } of after) {
          expect(restored.update(id, outcomes)).toBe(original.update(id, outcomes));
          expect(restored.passRate(id)).toBe(original.passRate(id));
        }
        expect(restored.toJSON()).toEqual(original.toJSON());
        expect(restored.summary()).toEqual(original.summary());
      }),
    );
  });

  it('cumulative mode equals pooled counts per String(id), classified by 3c ≥ 2n / 3c < n', () => {
    fc.assert(
      fc.property(run, (visits) => {
        const tracker = new DifficultyTracker({ mode: 'cumulative' });
        const pooled = new Map<string, { correct: number; total: number }>();
        for (const { id, outcomes } of visits) {
          const key = `${id}`;
          const counts = pooled.get(key) ?? { correct: 0, total: 0 };
          for (const outcome of outcomes) {
            if (outcome === true || outcome === 1) counts.correct += 1;
            counts.total += 1;
          }
          pooled.set(key, counts);
          expect(tracker.update(id, outcomes)).toBe(referenceBucket(counts.correct, counts.total));
        }
        expect(tracker.size).toBe(pooled.size);
        for (const [key, { correct, total }] of pooled) {
          expect(tracker.bucket(key)).toBe(referenceBucket(correct, total));
          expect(tracker.entry(key)).toMatchObject({ correct, total, passRate: correct / total });
        }
      }),
    );
  });

  it('latest mode keeps only the last visit of each prompt', () => {
    fc.assert(
      fc.property(run, (visits) => {
        const tracker = new DifficultyTracker();
        const last = new Map<string, readonly (number | boolean)[]>();
        for (const { id, outcomes } of visits) {
          tracker.update(id, outcomes);
          last.set(`${id}`, outcomes);
        }
        for (const [key, outcomes] of last) {
          const correct = outcomes.filter((outcome) => outcome === true || outcome === 1).length;
          expect(tracker.bucket(key)).toBe(referenceBucket(correct, outcomes.length));
        }
      }),
    );
  });

  it('updateMany over a flattened batch equals one update per prompt with its grouped rollouts', () => {
    fc.assert(
      fc.property(mode, run, (trackerMode, visits) => {
        const ids: (string | number)[] = [];
        const outcomes: (number | boolean)[] = [];
        for (const { id, outcomes: group } of visits) {
          for (const outcome of group) {
            ids.push(id);
            outcomes.push(outcome);
          }
        }
        const batched = new DifficultyTracker({ mode: trackerMode });
        const buckets = batched.updateMany(ids, outcomes);
        const grouped = new Map<string, (number | boolean)[]>();
        ids.forEach((id, index) => grouped.set(`${id}`, [...(grouped.get(`${id}`) ?? []), outcomes[index]!]));
        const single = new DifficultyTracker({ mode: trackerMode });
        for (const [key, group] of grouped) expect(buckets.get(key)).toBe(single.update(key, group));
        expect(batched.toJSON()).toEqual(single.toJSON());
      }),
    );
  });

  it('per-bucket counts add up to the number of prompts and means lie inside the bucket', () => {
    fc.assert(
      fc.property(mode, run, (trackerMode, visits) => {
        const tracker = new DifficultyTracker({ mode: trackerMode });
        for (const { id, outcomes } of visits) tracker.update(id, outcomes);
        const summary = tracker.summary();
        expect(summary.easy.count + summary.medium.count + summary.hard.count).toBe(tracker.size);
        if (summary.easy.count > 0) expect(summary.easy.meanPassRate).toBeGreaterThanOrEqual(2 / 3);
        if (summary.hard.count > 0) expect(summary.hard.meanPassRate).toBeLessThan(1 / 3);
        if (summary.medium.count > 0) {
          expect(summary.medium.meanPassRate).toBeGreaterThanOrEqual(1 / 3);
          expect(summary.medium.meanPassRate).toBeLessThan(2 / 3);
        }
      }),
    );
  });
});
