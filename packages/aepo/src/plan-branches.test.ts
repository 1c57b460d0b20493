import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { createRng, type DifficultyBucket } from '@ares/core';
import { planBranches, type BranchOptions, type BranchPlan, type BranchSelection } from './plan-branches';

const NaN_ = Number.NaN;
/** Six i.i.d. rollouts (a medium prompt with G = 8), τ = 1: candidates (r, t) with W ≥ 1 are marked. */
const SIX = [
  [0.1, 2.0, 0.3, 0.2], //            (0, 1) 2.0
  [1.5, 1.6, 0.1], //                 (1, 0) 1.5, (1, 1) 1.6
  [], //                              too short for a window
  [NaN_, 0.9, 3.0], //                (3, 2) 3.0; NaN is never a candidate
  [0.2],
  [2.0, 0.1, 0.1, 0.1, 0.1, 2.5], //  (5, 0) 2.0, (5, 5) 2.5
].map((values) => Float64Array.from(values));

function branch(rolloutIndex: number, branchPoint: number): BranchPlan {
  return { kind: 'branch', rolloutIndex, branchPoint, prefixLength: branchPoint };
}
const IID: BranchPlan = { kind: 'iid', rolloutIndex: -1, branchPoint: 0, prefixLength: 0 };
const pairs = (plan: BranchPlan[]): [number, number][] => plan.map((entry) => [entry.rolloutIndex, entry.branchPoint]);

describe('planBranches', () => {
  it('gives a medium prompt 2 branches from the highest windows by default (top)', () => {
    expect(planBranches({ bucket: 'medium', windowEntropies: SIX, threshold: 1 })).toEqual([
      branch(3, 2),
      branch(5, 5),
    ]);
  });

  it('breaks ties in W towards the lower rollout index, then the earlier position', () => {
    const plan = planBranches(
      { bucket: 'medium', windowEntropies: SIX, threshold: 1 },
      { groupSize: 10, budget: { medium: 4 } }
    );
    // W: 3.0 (3, 2), 2.5 (5, 5), then the tie 2.0 at (0, 1) before (5, 0).
    expect(plan).toEqual([branch(3, 2), branch(5, 5), branch(0, 1), branch(5, 0)]);
  });

  it('uses the default budgets easy 0, medium 2, hard 4 with G = 8', () => {
    const eight = Array.from({ length: 8 }, () => Float64Array.from([5, 5, 5, 5, 5, 5, 5, 5, 5]));
    expect(planBranches({ bucket: 'easy', windowEntropies: eight, threshold: 1 })).toEqual([]);
    const hard = planBranches({ bucket: 'hard', windowEntropies: eight.slice(0, 4), threshold: 1 });
    // Equal W everywhere: rollout 0 first, positions 0, 4, 8 (spacing w = 4), then rollout 1 at 0.
    expect(hard).toEqual([branch(0, 0), branch(0, 4), branch(0, 8), branch(1, 0)]);
  });

  it('treats an unseen prompt as options.unseenBucket (DEFAULT medium)', () => {
    expect(planBranches({ bucket: undefined, windowEntropies: SIX, threshold: 1 })).toHaveLength(2);
    const four = SIX.slice(0, 4);
    expect(planBranches({ bucket: undefined, windowEntropies: four, threshold: 1 }, { unseenBucket: 'hard' })).toEqual([
      branch(3, 2),
      branch(0, 1),
      branch(1, 1),
      IID, // (1, 0) is 1 token from (1, 1): no fourth candidate
    ]);
  });

  it('keeps branch points of one rollout at least `spacing` apart (DEFAULT w)', () => {
    const one = [Float64Array.from([2, 2, 2, 2, 2, 2, 2, 2, 2, 2])];
    const input = { bucket: 'hard' as const, windowEntropies: one, threshold: 1 };
    const options: BranchOptions = { groupSize: 4, budget: { medium: 0, hard: 3 } };
    expect(pairs(planBranches(input, options))).toEqual([
      [0, 0],
      [0, 4],
      [0, 8],
    ]);
    expect(pairs(planBranches({ ...input, window: 3 }, options))).toEqual([
      [0, 0],
      [0, 3],
      [0, 6],
    ]);
    expect(pairs(planBranches(input, { ...options, spacing: 1 }))).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
    ]);
    expect(planBranches(input, { ...options, spacing: 5 })).toEqual([branch(0, 0), branch(0, 5), IID]);
  });

  it('fills missing candidates with i.i.d. rollouts (fill iid) or drops them (fill none)', () => {
    const quiet = SIX.map((values) => values.map((value) => value / 10));
    expect(planBranches({ bucket: 'medium', windowEntropies: quiet, threshold: 1 })).toEqual([IID, IID]);
    expect(planBranches({ bucket: 'medium', windowEntropies: quiet, threshold: 1 }, { fill: 'none' })).toEqual([]);
    const options: BranchOptions = { groupSize: 14, budget: { medium: 8 } };
    const iid = planBranches({ bucket: 'medium', windowEntropies: SIX, threshold: 1 }, options);
    expect(iid).toHaveLength(8);
    // Six candidates, but (1, 0) lies 1 token from (1, 1): five branches and three i.i.d. rollouts.
    expect(iid.filter((entry) => entry.kind === 'branch')).toHaveLength(5);
    expect(iid.slice(5)).toEqual([IID, IID, IID]);
    expect(
      planBranches({ bucket: 'medium', windowEntropies: SIX, threshold: 1 }, { ...options, fill: 'none' })
    ).toHaveLength(5);
  });

  it('branches at t + 1 for the next anchor', () => {
    const plan = planBranches({ bucket: 'medium', windowEntropies: SIX, threshold: 1, anchor: 'next' });
    expect(plan).toEqual([branch(3, 3), branch(5, 6)]);
  });

  it('takes the best remaining candidate of each rollout in turn (round-robin)', () => {
    const input = { bucket: 'medium' as const, windowEntropies: SIX, threshold: 1 };
    expect(planBranches(input, { selection: 'round-robin', groupSize: 10, budget: { medium: 4 } })).toEqual([
      branch(0, 1),
      branch(1, 1),
      branch(3, 2),
      branch(5, 5),
    ]);
    // Second round: (1, 0) is too close to (1, 1); rollout 5 adds (5, 0); the sixth slot is filled i.i.d.
    expect(planBranches(input, { selection: 'round-robin', groupSize: 12, budget: { medium: 6 } })).toEqual([
      branch(0, 1),
      branch(1, 1),
      branch(3, 2),
      branch(5, 5),
      branch(5, 0),
      IID,
    ]);
  });

  it('is deterministic for a seed and picks uniformly among candidates (random)', () => {
    const input = { bucket: 'medium' as const, windowEntropies: SIX, threshold: 1 };
    const options: BranchOptions = { selection: 'random', groupSize: 10, budget: { medium: 4 } };
    const a = planBranches(input, { ...options, random: createRng(7) });
    expect(planBranches(input, { ...options, random: createRng(7) })).toEqual(a);
    expect(planBranches(input, options)).toEqual(planBranches(input, { ...options, random: createRng(0) }));
    // Three far-apart candidates of one rollout, one branch: each chosen about a third of the time.
    const one = [Float64Array.from([2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2])];
    const random = createRng(2024);
    const counts = new Map<number, number>();
    for (let draw = 0; draw < 3000; draw++) {
      const [only] = planBranches(
        { bucket: 'hard', windowEntropies: one, threshold: 1 },
        { selection: 'random', groupSize: 2, budget: { medium: 0, hard: 1 }, random }
      );
      counts.set(only!.branchPoint, (counts.get(only!.branchPoint) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((x, y) => x - y)).toEqual([0, 5, 10]);
    const chiSquare = [...counts.values()].reduce((sum, count) => sum + (count - 1000) ** 2 / 1000, 0);
    expect(chiSquare).toBeLessThan(13.82); // p = 0.001, 2 degrees of freedom
  });

  it('always takes +Infinity windows and never -Infinity or NaN ones', () => {
    const windows = [
      Float64Array.from([Number.NEGATIVE_INFINITY, 0, 0, 0, Number.POSITIVE_INFINITY]),
      Float64Array.from([NaN_, 7]),
    ];
    const options: BranchOptions = { groupSize: 5, budget: { medium: 3, hard: 3 }, fill: 'none', spacing: 1 };
    expect(planBranches({ bucket: 'medium', windowEntropies: windows, threshold: 1e300 }, options)).toEqual([
      branch(0, 4),
    ]);
    expect(planBranches({ bucket: 'medium', windowEntropies: windows, threshold: -1e300 }, options)).toEqual([
      branch(0, 4),
      branch(1, 1),
      branch(0, 1),
    ]);
  });

  it('never modifies its inputs', () => {
    const windows = SIX.map((values) => values.slice());
    const snapshot = windows.map((values) => Array.from(values));
    for (const selection of ['top', 'round-robin', 'random'] as const) {
      planBranches(
        { bucket: 'medium', windowEntropies: windows, threshold: 1 },
        { selection, groupSize: 12, budget: { medium: 6 } }
      );
    }
    expect(windows.map((values) => Array.from(values))).toEqual(snapshot);
  });

  it('throws for invalid arguments and options', () => {
    const input = { bucket: 'medium' as const, windowEntropies: SIX, threshold: 1 };
    expectAresError(
      () => planBranches({ ...input, windowEntropies: SIX.slice(1) }),
      'SHAPE_MISMATCH',
      'input.windowEntropies'
    );
    expectAresError(() => planBranches(input, { groupSize: 9 }), 'SHAPE_MISMATCH', 'input.windowEntropies');
    expectAresError(
      () => planBranches({ ...input, bucket: 'trivial' as DifficultyBucket }),
      'INVALID_ARGUMENT',
      'input.bucket'
    );
    expectAresError(() => planBranches({ ...input, threshold: Number.NaN }), 'INVALID_ARGUMENT', 'input.threshold');
    expectAresError(() => planBranches({ ...input, window: 0 }), 'INVALID_ARGUMENT', 'input.window');
    expectAresError(() => planBranches({ ...input, window: 2.5 }), 'INVALID_ARGUMENT', 'input.window');
    expectAresError(() => planBranches({ ...input, anchor: 'previous' as 'next' }), 'UNSUPPORTED', 'input.anchor');
    expectAresError(
      () => planBranches({ ...input, windowEntropies: 'abc' as unknown as Float64Array[] }),
      'INVALID_ARGUMENT',
      'input.windowEntropies'
    );
    const holed = [...SIX.slice(0, 5), undefined as unknown as Float64Array];
    expectAresError(
      () => planBranches({ ...input, windowEntropies: holed }),
      'INVALID_ARGUMENT',
      'input.windowEntropies[5]'
    );
    expectAresError(
      () => planBranches(input, { selection: 'best' as BranchSelection }),
      'UNSUPPORTED',
      'options.selection'
    );
    expectAresError(() => planBranches(input, { fill: 'zero' as 'iid' }), 'UNSUPPORTED', 'options.fill');
    expectAresError(() => planBranches(input, { spacing: 0 }), 'INVALID_ARGUMENT', 'options.spacing');
    expectAresError(() => planBranches(input, { groupSize: 0 }), 'INVALID_ARGUMENT', 'options.groupSize');
    expectAresError(() => planBranches(input, { budget: { medium: 9 } }), 'INVALID_ARGUMENT', 'options.budget.medium');
    expectAresError(() => planBranches(input, { budget: { easy: -1 } }), 'INVALID_ARGUMENT', 'options.budget.easy');
    expectAresError(() => planBranches(input, { budget: { hard: 1.5 } }), 'INVALID_ARGUMENT', 'options.budget.hard');
    expectAresError(
      () => planBranches({ ...input, bucket: undefined }, { unseenBucket: 'x' as DifficultyBucket }),
      'INVALID_ARGUMENT',
      'options.unseenBucket'
    );
    expectAresError(
      () => planBranches(input, { selection: 'random', random: () => 1 }),
      'INVALID_ARGUMENT',
      'options.random'
    );
    expectAresError(
      () => planBranches(input, { random: 42 as unknown as () => number }),
      'INVALID_ARGUMENT',
      'options.random'
    );
  });
});
