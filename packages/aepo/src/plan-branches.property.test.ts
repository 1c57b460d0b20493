import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { planBranches, type BranchPlan, type BranchSelection } from './plan-branches';

const pairs = (plan: BranchPlan[]): [number, number][] => plan.map((entry) => [entry.rolloutIndex, entry.branchPoint]);

/** An independent restatement: repeatedly take the best allowed candidate (W desc, rollout asc, position asc). */
function referenceTop(
  windows: readonly Float64Array[],
  threshold: number,
  budget: number,
  spacing: number
): [number, number][] {
  const remaining: { rollout: number; position: number; value: number }[] = [];
  windows.forEach((values, rollout) =>
    values.forEach((value, position) => {
      if (value >= threshold) remaining.push({ rollout, position, value });
    })
  );
  const chosen: [number, number][] = [];
  while (chosen.length < budget) {
    const allowed = remaining.filter((candidate) =>
      chosen.every(
        ([rollout, position]) => rollout !== candidate.rollout || Math.abs(position - candidate.position) >= spacing
      )
    );
    if (allowed.length === 0) break;
    let best = allowed[0]!;
    for (const candidate of allowed) {
      const better =
        candidate.value > best.value ||
        (candidate.value === best.value &&
          (candidate.rollout < best.rollout ||
            (candidate.rollout === best.rollout && candidate.position < best.position)));
      if (better) best = candidate;
    }
    chosen.push([best.rollout, best.position]);
  }
  return chosen;
}

describe('planBranches properties', () => {
  const windowsArbitrary = fc.array(
    fc.array(fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.constant(Number.NaN), fc.constantFrom(1, 2)), {
      maxLength: 14,
    }),
    { minLength: 1, maxLength: 5 }
  );

  it('matches the independent greedy reference for top selection', () => {
    fc.assert(
      fc.property(
        windowsArbitrary,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (raw, budget, spacing, threshold) => {
          const windows = raw.map((values) => Float64Array.from(values));
          const plan = planBranches(
            { bucket: 'hard', windowEntropies: windows, threshold },
            { groupSize: windows.length + budget, budget: { easy: 0, medium: 0, hard: budget }, spacing, fill: 'none' }
          );
          expect(pairs(plan)).toEqual(referenceTop(windows, threshold, budget, spacing));
        }
      )
    );
  });

  it('respects budget and spacing, chooses only candidates, and is maximal in every mode', () => {
    fc.assert(
      fc.property(
        windowsArbitrary,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<BranchSelection>('top', 'round-robin', 'random'),
        fc.constantFrom<'inclusive' | 'next'>('inclusive', 'next'),
        fc.integer({ min: 0, max: 1000 }),
        (raw, budget, spacing, selection, anchor, seed) => {
          const windows = raw.map((values) => Float64Array.from(values));
          const threshold = 1;
          const plan = planBranches(
            { bucket: 'medium', windowEntropies: windows, threshold, anchor },
            {
              groupSize: windows.length + budget,
              budget: { easy: 0, medium: budget, hard: 0 },
              spacing,
              selection,
              random: createRng(seed),
            }
          );
          expect(plan).toHaveLength(budget); // fill 'iid' keeps the group at G
          const offset = anchor === 'next' ? 1 : 0;
          const branches = plan.filter((entry) => entry.kind === 'branch');
          for (const entry of branches) {
            expect(entry.prefixLength).toBe(entry.branchPoint);
            expect(windows[entry.rolloutIndex]![entry.branchPoint - offset]!).toBeGreaterThanOrEqual(threshold);
          }
          for (const a of branches) {
            for (const b of branches) {
              if (a !== b && a.rolloutIndex === b.rolloutIndex)
                expect(Math.abs(a.branchPoint - b.branchPoint)).toBeGreaterThanOrEqual(spacing);
            }
          }
          if (branches.length < budget) {
            // Every candidate left out is blocked by the spacing rule.
            windows.forEach((values, rollout) =>
              values.forEach((value, position) => {
                if (!(value >= threshold)) return;
                const point = position + offset;
                const blocked = branches.some(
                  (entry) => entry.rolloutIndex === rollout && Math.abs(entry.branchPoint - point) < spacing
                );
                expect(blocked).toBe(true);
              })
            );
          }
        }
      )
    );
  });
});
