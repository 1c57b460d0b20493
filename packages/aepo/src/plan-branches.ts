import {
  AresError,
  DIFFICULTY_BUCKETS,
  assertInRange,
  assertInteger,
  assertOneOf,
  assertSameLength,
  createRng,
  type DifficultyBucket,
} from '@ares/core';
import { assertBucket } from './validate';

/** How branch points are chosen among the candidates. */
export type BranchSelection = 'top' | 'round-robin' | 'random';

/** What replaces branches that found no candidate: fresh i.i.d. rollouts (`'iid'`) or nothing (`'none'`). */
export type BranchFill = 'iid' | 'none';

/** One prompt's i.i.d. rollouts, as window entropies, and the labelling threshold. */
export interface PlanBranchesInput {
  /** The prompt's bucket from the tracker's last observation; `undefined` (unseen prompt) uses `unseenBucket`. */
  readonly bucket: DifficultyBucket | undefined;
  /**
   * W_{r,t} of each of the G0 = G − budget i.i.d. rollouts, one array per rollout, index t = anchor position
   * (the output of `windowEntropy` with the same `window` and `anchor`).
   */
  readonly windowEntropies: readonly ArrayLike<number>[];
  /** τ, the labelling threshold: anchors with W ≥ τ are candidates (finite). */
  readonly threshold: number;
  /**
   * Window length w the entropies were computed with; the default `spacing`.
   * @default 4
   */
  readonly window?: number;
  /**
   * Anchor convention of `windowEntropies`: the branch point is t (`'inclusive'`) or t + 1 (`'next'`).
   * @default 'inclusive'
   */
  readonly anchor?: 'inclusive' | 'next';
}

/** Options of {@link planBranches}. */
export interface BranchOptions {
  /**
   * G, the GRPO group size (i.i.d. rollouts plus branches).
   * @default 8
   */
  readonly groupSize?: number;
  /**
   * Branches per bucket; G0 = G − budget i.i.d. rollouts come first. Missing buckets take the default.
   * @default { easy: 0, medium: 2, hard: 4 }
   */
  readonly budget?: Readonly<Partial<Record<DifficultyBucket, number>>>;
  /**
   * `'top'`: all candidates by W descending (ties to the lower rollout index, then the earlier position);
   * `'round-robin'`: the best remaining candidate of each rollout in turn; `'random'`: uniformly at random.
   * @default 'top'
   */
  readonly selection?: BranchSelection;
  /**
   * Minimum distance in tokens between two branch points of the same rollout (integer ≥ 1); `undefined` means w.
   * @default input.window
   */
  readonly spacing?: number;
  /**
   * `'iid'`: every budgeted branch without a candidate becomes an i.i.d. rollout, so the group keeps G members;
   * `'none'`: it is dropped.
   * @default 'iid'
   */
  readonly fill?: BranchFill;
  /**
   * Bucket of a prompt the tracker has not seen (`input.bucket` undefined).
   * @default 'medium'
   */
  readonly unseenBucket?: DifficultyBucket;
  /**
   * Uniform generator in [0, 1) for `selection: 'random'`.
   * @default createRng(0), a fresh generator per call: pass one shared generator to vary choices across prompts
   */
  readonly random?: () => number;
}

/** Defaults of {@link planBranches} (`spacing` defaults to the window and `random` to `createRng(0)`). */
export const DEFAULT_PLAN_BRANCHES_OPTIONS: Readonly<{
  groupSize: number;
  budget: Readonly<Record<DifficultyBucket, number>>;
  selection: BranchSelection;
  fill: BranchFill;
  unseenBucket: DifficultyBucket;
}> = Object.freeze({
  groupSize: 8,
  budget: Object.freeze({ easy: 0, medium: 2, hard: 4 }),
  selection: 'top',
  fill: 'iid',
  unseenBucket: 'medium',
});

/**
 * One planned extra group member. `kind: 'branch'`: keep tokens [0, `prefixLength`) of rollout `rolloutIndex` and
 * re-sample from `branchPoint` with the same sampling parameters and total length limit. `kind: 'iid'` (only with
 * `fill: 'iid'`): a fresh i.i.d. rollout, with `rolloutIndex` −1 and `branchPoint` = `prefixLength` = 0.
 */
export interface BranchPlan {
  readonly kind: 'branch' | 'iid';
  /** Index into `input.windowEntropies` of the rollout to branch from; −1 for `'iid'`. */
  readonly rolloutIndex: number;
  /** b, the first re-sampled token: the window's first token (t for `'inclusive'`, t + 1 for `'next'`). */
  readonly branchPoint: number;
  /** Number of kept prefix tokens, equal to `branchPoint`. */
  readonly prefixLength: number;
}

const SELECTIONS: readonly BranchSelection[] = ['top', 'round-robin', 'random'];
const FILLS: readonly BranchFill[] = ['iid', 'none'];
const ANCHORS: readonly ('inclusive' | 'next')[] = ['inclusive', 'next'];

/**
 * Plans the branching rollouts of one prompt: how many branches its bucket gets, and from which high-window-entropy
 * positions of its i.i.d. rollouts they re-sample.
 *
 * budget = `budget[d]`; candidates = {(r, t) : W_{r,t} ≥ τ} over the G0 = G − budget i.i.d. rollouts; chosen by
 * `selection` subject to |b − b'| ≥ `spacing` for two points of the same rollout; b = t (`inclusive`) or t + 1
 * (`next`); at most `budget` branches, the shortfall filled with i.i.d. rollouts when `fill` is `'iid'`.
 *
 * @param input - bucket (or `undefined` for an unseen prompt), one window-entropy array per i.i.d. rollout, τ,
 *   `window` (DEFAULT 4) and `anchor` (DEFAULT `'inclusive'`)
 * @param options - `groupSize` (DEFAULT 8), `budget` (DEFAULT easy 0, medium 2, hard 4), `selection` (DEFAULT
 *   `'top'`), `spacing` (DEFAULT w), `fill` (DEFAULT `'iid'`), `unseenBucket` (DEFAULT `'medium'`), `random`
 * @returns the plan: branches in selection order, then any `'iid'` fill entries; `budget` entries with
 *   `fill: 'iid'`, at most `budget` with `'none'`
 * @throws {AresError} `INVALID_ARGUMENT` for an unknown bucket, a non-finite τ, a `window`, `spacing` or
 *   `groupSize` that is not a positive integer, a budget outside the integers [0, G], a non-function `random` or
 *   one returning a value outside [0, 1); `UNSUPPORTED` for an unknown `anchor`, `selection` or `fill`;
 *   `SHAPE_MISMATCH` when `windowEntropies.length` ≠ G − budget
 * @remarks
 * ## Numerics
 * Only comparisons: NaN windows are never candidates, +Infinity always is. The spacing rule keeps branch points of
 * one rollout at least w tokens apart, against the consecutive branching that ARPO reports as a cause of rollout
 * collapse. `'random'` shuffles the candidates (Fisher–Yates, in rollout-then-position order) and keeps them
 * greedily, which picks uniformly among the candidates still allowed at every step; a seeded generator makes it
 * reproducible.
 * @example
 * ```ts
 * planBranches({ bucket: 'medium', windowEntropies: rollouts.map((h) => windowEntropy(h)), threshold: tau })
 * // → [{ kind: 'branch', rolloutIndex: 3, branchPoint: 41, prefixLength: 41 }, …] (2 entries)
 * ```
 * @see SPEC.md §2.8 "Branching rollout"; paper §3.2.1
 */
export function planBranches(input: PlanBranchesInput, options: BranchOptions = {}): BranchPlan[] {
  const { window = 4, anchor = 'inclusive', threshold, windowEntropies } = input;
  assertInteger(window, 'input.window');
  assertOneOf(anchor, ANCHORS, 'input.anchor');
  assertInRange(threshold, 'input.threshold', {});
  if (!Array.isArray(windowEntropies)) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'input.windowEntropies',
      value: windowEntropies,
      message: 'input.windowEntropies: expected an array with one window-entropy array per i.i.d. rollout',
    });
  }

  for (let rollout = 0; rollout < windowEntropies.length; rollout++) {
    const values = windowEntropies[rollout] as unknown;
    if (values === null || typeof values !== 'object' || typeof (values as { length?: unknown }).length !== 'number') {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: `input.windowEntropies[${rollout}]`,
        value: values,
        message: `input.windowEntropies[${rollout}]: expected an array of window entropies, got ${String(values)}`,
      });
    }
  }

  const groupSize = options.groupSize ?? DEFAULT_PLAN_BRANCHES_OPTIONS.groupSize;
  const selection = options.selection ?? DEFAULT_PLAN_BRANCHES_OPTIONS.selection;
  const fill = options.fill ?? DEFAULT_PLAN_BRANCHES_OPTIONS.fill;
  const unseenBucket = options.unseenBucket ?? DEFAULT_PLAN_BRANCHES_OPTIONS.unseenBucket;
  const spacing = options.spacing ?? window;
  const budgets = { ...DEFAULT_PLAN_BRANCHES_OPTIONS.budget, ...options.budget };
  assertInteger(groupSize, 'options.groupSize');
  for (const name of DIFFICULTY_BUCKETS) {
    assertInteger(budgets[name], `options.budget.${name}`, 0);
    assertInRange(budgets[name], `options.budget.${name}`, { max: groupSize });
  }
  assertOneOf(selection, SELECTIONS, 'options.selection');
  assertOneOf(fill, FILLS, 'options.fill');
  assertInteger(spacing, 'options.spacing');
  assertBucket(unseenBucket, 'options.unseenBucket');
  if (input.bucket !== undefined) assertBucket(input.bucket, 'input.bucket');
  if (options.random !== undefined && typeof options.random !== 'function') {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'options.random',
      value: options.random,
      message: 'options.random: expected a function returning uniform floats in [0, 1)',
    });
  }

  const bucket = input.bucket ?? unseenBucket;
  const budget = budgets[bucket];
  assertSameLength(windowEntropies.length, groupSize - budget, 'input.windowEntropies', 'options.groupSize − budget');
  if (budget === 0) return [];

  // Candidates, in rollout-then-position order.
  const offset = anchor === 'next' ? 1 : 0;
  const rolloutOf: number[] = [];
  const pointOf: number[] = [];
  const valueOf: number[] = [];
  for (let rollout = 0; rollout < windowEntropies.length; rollout++) {
    const values = windowEntropies[rollout]!;
    for (let position = 0; position < values.length; position++) {
      const value = values[position]!;
      if (value >= threshold) {
        rolloutOf.push(rollout);
        pointOf.push(position + offset);
        valueOf.push(value);
      }
    }
  }

  const chosenPoints: number[][] = windowEntropies.map(() => []);
  const plan: BranchPlan[] = [];
  const allowed = (candidate: number): boolean => {
    const point = pointOf[candidate]!;
    for (const other of chosenPoints[rolloutOf[candidate]!]!) if (Math.abs(point - other) < spacing) return false;
    return true;
  };
  const take = (candidate: number): void => {
    const rollout = rolloutOf[candidate]!;
    const point = pointOf[candidate]!;
    chosenPoints[rollout]!.push(point);
    plan.push(Object.freeze({ kind: 'branch', rolloutIndex: rollout, branchPoint: point, prefixLength: point }));
  };
  const byValue = (a: number, b: number): number =>
    valueOf[b]! - valueOf[a]! || rolloutOf[a]! - rolloutOf[b]! || pointOf[a]! - pointOf[b]!;
  const candidates = Array.from({ length: valueOf.length }, (_, index) => index);

  if (selection === 'round-robin') {
    const queues: number[][] = windowEntropies.map(() => []);
    for (const candidate of candidates.sort(byValue)) queues[rolloutOf[candidate]!]!.push(candidate);
    const heads = new Array<number>(queues.length).fill(0);
    let progress = true;
    while (progress && plan.length < budget) {
      progress = false;
      for (let rollout = 0; rollout < queues.length && plan.length < budget; rollout++) {
        const queue = queues[rollout]!;
        while (heads[rollout]! < queue.length && !allowed(queue[heads[rollout]!]!)) heads[rollout]! += 1;
        if (heads[rollout]! < queue.length) {
          take(queue[heads[rollout]!]!);
          heads[rollout]! += 1;
          progress = true;
        }
      }
    }
  } else {
    if (selection === 'top') candidates.sort(byValue);
    else shuffle(candidates, options.random ?? createRng(0));
    for (const candidate of candidates) {
      if (plan.length >= budget) break;
      if (allowed(candidate)) take(candidate);
    }
  }

  if (fill === 'iid') {
    const iid: BranchPlan = Object.freeze({ kind: 'iid', rolloutIndex: -1, branchPoint: 0, prefixLength: 0 });
    while (plan.length < budget) plan.push(iid);
  }
  return plan;
}

function shuffle(items: number[], random: () => number): void {
  for (let index = items.length - 1; index > 0; index--) {
    const draw = random();
    if (!(draw >= 0 && draw < 1)) {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: 'options.random',
        value: draw,
        message: `options.random: expected a value in [0, 1), got ${String(draw)}`,
      });
    }
    const other = Math.floor(draw * (index + 1));
    const swap = items[index]!;
    items[index] = items[other]!;
    items[other] = swap;
  }
}
