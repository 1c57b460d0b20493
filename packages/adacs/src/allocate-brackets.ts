import { AresError, assertInRange, assertNonEmpty } from '@ares/core';
import { checkBoolean } from './validate';

/** Options of {@link allocateBrackets}: at most one of `budget` and `perBracket`; neither keeps everything. */
export interface AllocateBracketsOptions {
  /**
   * Total number of problems to keep; the quota per bracket is ⌊budget/brackets⌋.
   * @default undefined (no limit)
   */
  readonly budget?: number;
  /**
   * Quota per bracket (the CLI's `--per-bracket`); excludes `budget`.
   * @default undefined (no limit)
   */
  readonly perBracket?: number;
  /**
   * Give the shortfall of short brackets to brackets with problems left, level by level, up to `budget` (or
   * `perBracket`·brackets). Off: short brackets give all they have and the rest is reported as shortfall.
   * @default false
   */
  readonly redistribute?: boolean;
}

/** Defaults of {@link AllocateBracketsOptions}. */
export const DEFAULT_ALLOCATE_BRACKETS_OPTIONS: Readonly<{ redistribute: boolean }> = Object.freeze({ redistribute: false });

/** The result of {@link allocateBrackets}. */
export interface BracketAllocation {
  /** The quota per bracket, or `null` without a budget (everything is kept). */
  readonly quota: number | null;
  /** How many problems each bracket gives. */
  readonly allocation: readonly number[];
  /** max(0, quota − available) per bracket: what each short bracket lacks (all 0 without a budget). */
  readonly bracketShortfall: readonly number[];
  /** requested − Σ allocation, requested = quota·brackets, or the whole total when redistributing. */
  readonly shortfall: number;
  /** Σ max(0, allocation − quota): problems given beyond the quota by redistribution. */
  readonly redistributed: number;
}

/** Validated allocation settings. @internal */
export interface AllocationSettings {
  readonly budget: number | undefined;
  readonly perBracket: number | undefined;
  readonly redistribute: boolean;
}

/**
 * Validates {@link AllocateBracketsOptions}; `prefix` names the options object in errors.
 * @internal
 */
export function resolveAllocationSettings(options: AllocateBracketsOptions, prefix: string): AllocationSettings {
  const { budget, perBracket } = options;
  const redistribute = options.redistribute ?? DEFAULT_ALLOCATE_BRACKETS_OPTIONS.redistribute;
  if (budget !== undefined) assertInRange(budget, `${prefix}.budget`, { min: 0, integer: true });
  if (perBracket !== undefined) assertInRange(perBracket, `${prefix}.perBracket`, { min: 0, integer: true });
  if (budget !== undefined && perBracket !== undefined) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: `${prefix}.perBracket`,
      value: perBracket,
      message: `${prefix}.perBracket: give either ${prefix}.budget or ${prefix}.perBracket, not both`,
    });
  }
  return { budget, perBracket, redistribute: checkBoolean(redistribute, `${prefix}.redistribute`) };
}

/**
 * Allocation for validated counts and settings.
 * @internal
 */
export function allocate(available: ArrayLike<number>, settings: AllocationSettings): BracketAllocation {
  const brackets = available.length;
  const { budget, perBracket, redistribute } = settings;
  const counts = Array.from(available);
  if (budget === undefined && perBracket === undefined) {
    return { quota: null, allocation: counts, bracketShortfall: counts.map(() => 0), shortfall: 0, redistributed: 0 };
  }
  const quota = perBracket ?? Math.floor(budget! / brackets);
  const bracketShortfall = counts.map((count) => Math.max(0, quota - count));
  let allocation: number[];
  let requested: number;
  if (!redistribute) {
    allocation = counts.map((count) => Math.min(count, quota));
    requested = quota * brackets;
  } else {
    requested = budget ?? quota * brackets;
    const total = counts.reduce((sum, count) => sum + count, 0);
    if (total <= requested) allocation = counts;
    else {
      // Water filling: the largest level ℓ with Σ min(n_b, ℓ) ≤ requested, then one more for the first brackets
      // (lowest pass rate first) still above ℓ until the total is reached.
      let low = 0;
      let high = Math.max(...counts);
      while (low < high) {
        const level = Math.ceil((low + high) / 2);
        const filled = counts.reduce((sum, count) => sum + Math.min(count, level), 0);
        if (filled <= requested) low = level;
        else high = level - 1;
      }
      allocation = counts.map((count) => Math.min(count, low));
      let remainder = requested - allocation.reduce((sum, count) => sum + count, 0);
      for (let bracket = 0; bracket < brackets && remainder > 0; bracket++) {
        if (counts[bracket]! > low) {
          allocation[bracket]! += 1;
          remainder--;
        }
      }
    }
  }
  const allocated = allocation.reduce((sum, count) => sum + count, 0);
  const redistributed = allocation.reduce((sum, count) => sum + Math.max(0, count - quota), 0);
  return { quota, allocation, bracketShortfall, shortfall: requested - allocated, redistributed };
}

/**
 * How many problems each pass-rate bracket gives to a balanced AdaCS data set.
 *
 * quota q = perBracket, or ⌊budget/B⌋; a_b = min(n_b, q). With `redistribute`, a_b = min(n_b, ℓ) (+1 for the
 * first brackets above ℓ) for the largest level ℓ that keeps Σ a_b ≤ budget (or q·B).
 *
 * @param available - n_b, the number of problems in each bracket (integers ≥ 0, one per bracket, at least one)
 * @param options - `budget` or `perBracket` (neither: keep everything), `redistribute` (default false)
 * @returns the quota, the allocation per bracket, each bracket's shortfall, the total shortfall and the number of
 *   problems redistributed beyond the quota
 * @throws {AresError} `EMPTY_INPUT` (parameter `available`) with no bracket; `INVALID_ARGUMENT` (parameter
 *   `available`) for a count that is not an integer ≥ 0; `INVALID_ARGUMENT` (parameter `options.budget`,
 *   `options.perBracket` or `options.redistribute`) for a budget or quota that is not an integer ≥ 0, for both at
 *   once, or a non-boolean flag
 * @remarks
 * ## Numerics
 * Integer arithmetic. Without `redistribute` (DEFAULT, SPEC) the remainder budget − q·B is not used and short
 * brackets are not topped up: the data set is uniform over pass rates as far as the data allow, and p = 1
 * problems are kept like any other bracket. With it, the level is found by bisection and the leftover units go to
 * the lowest pass rates first, so the allocation is deterministic.
 * @example
 * ```ts
 * allocateBrackets([5, 1, 9], { budget: 12 }).allocation // [4, 1, 4] (quota 4, shortfall 3)
 * allocateBrackets([5, 1, 9], { budget: 12, redistribute: true }).allocation // [5, 1, 6]
 * ```
 * @see SPEC.md §2.7 (Balancing)
 */
export function allocateBrackets(available: ArrayLike<number>, options: AllocateBracketsOptions = {}): BracketAllocation {
  assertNonEmpty(available.length, 'available');
  for (let index = 0; index < available.length; index++) {
    const count = available[index];
    if (!Number.isInteger(count) || count! < 0) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'available', value: count, message: `available: element ${index} is ${String(count)}; expected an integer ≥ 0` });
    }
  }
  return allocate(available, resolveAllocationSettings(options, 'options'));
}
