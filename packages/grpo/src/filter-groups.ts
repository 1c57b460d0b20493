import { AresError, assertSameLength } from '@ares/core';
import { groupMembers, selectionMean } from './internal';

/** Options of {@link filterGroups}: the open interval a group's mean score must fall in. */
export interface FilterGroupsOptions {
  /**
   * Groups with mean ≤ low are dropped (DAPO: all wrong).
   * @default 0.01
   */
  readonly low?: number;
  /**
   * Groups with mean ≥ high are dropped (DAPO: all right).
   * @default 0.99
   */
  readonly high?: number;
}

/** Defaults of {@link FilterGroupsOptions}, as the released ARES trainer. */
export const DEFAULT_FILTER_GROUPS_OPTIONS: Readonly<Required<FilterGroupsOptions>> = Object.freeze({ low: 0.01, high: 0.99 });

/** Result of {@link filterGroups}. */
export interface FilterGroupsResult {
  /** 1 for every sample whose group is kept, else 0; one entry per score. */
  readonly keep: Uint8Array;
  /** The kept group ids, in order of first appearance. */
  readonly keptGroupIds: (string | number)[];
  /** The mean score of every group (kept or not), in order of first appearance. */
  readonly groupMeans: Map<string | number, number>;
}

/**
 * DAPO dynamic sampling: keeps the groups whose mean score lies strictly between `low` and `high`.
 *
 * keep(g) ⇔ low < mean_g(s) < high; a NaN mean drops the group.
 *
 * @param scores - one score per sample (accuracy or the shaped reward; the caller chooses)
 * @param groupIds - the prompt of each sample; groups by identity (SameValueZero), any order and sizes
 * @param options - `low` (0.01), `high` (0.99); any non-NaN numbers with low < high (±Infinity disables a side)
 * @returns `{ keep, keptGroupIds, groupMeans }`
 * @throws {AresError} `SHAPE_MISMATCH` when `groupIds.length !== scores.length`; `INVALID_ARGUMENT` when `low` or
 *   `high` is NaN or not a number, or `low ≥ high`
 * @remarks
 * ## Numerics
 * Group means are compensated sums divided by n with one correction pass, so n identical scores have exactly that
 * mean and a group of all-0.99 scores is dropped at the default `high`.
 * @example
 * ```ts
 * filterGroups([1, 1, 0, 1], ['a', 'a', 'b', 'b']).keptGroupIds // ['b']
 * ```
 * @see SPEC.md §2.5 (Online filtering); released ARES code `_make_batch_data`; Yu et al. 2025 (DAPO)
 */
export function filterGroups(
  scores: ArrayLike<number>,
  groupIds: ArrayLike<string | number>,
  options: FilterGroupsOptions = {},
): FilterGroupsResult {
  const low = options.low ?? DEFAULT_FILTER_GROUPS_OPTIONS.low;
  const high = options.high ?? DEFAULT_FILTER_GROUPS_OPTIONS.high;
  assertBound(low, 'options.low');
  assertBound(high, 'options.high');
  if (!(low < high)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.high', value: high, message: `options.high: must exceed options.low = ${low}, got ${high}` });
  }
  assertSameLength(groupIds.length, scores.length, 'groupIds', 'scores');
  const { ids, offsets, members } = groupMembers(groupIds);
  const keep = new Uint8Array(scores.length);
  const keptGroupIds: (string | number)[] = [];
  const groupMeans = new Map<string | number, number>();
  for (let group = 0; group < ids.length; group++) {
    const start = offsets[group]!;
    const end = offsets[group + 1]!;
    const { mean } = selectionMean(scores, members, start, end, false);
    const id = ids[group]!;
    groupMeans.set(id, mean);
    if (low < mean && mean < high) {
      keptGroupIds.push(id);
      for (let k = start; k < end; k++) keep[members[k]!] = 1;
    }
  }
  return { keep, keptGroupIds, groupMeans };
}

function assertBound(value: number, parameter: string): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value, message: `${parameter}: expected a number, got ${String(value)}` });
  }
}
