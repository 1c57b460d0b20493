import { assertInRange, AresError, type DifficultyBucket } from '@ares/core';

/** The two pass-rate thresholds that split prompts into buckets (paper App. G eq. 9–10). */
export interface DifficultyThresholds {
  /** Smallest pass rate that is `easy` (inclusive). */
  readonly easyAtLeast: number;
  /** Pass rates strictly below this are `hard`. */
  readonly hardBelow: number;
}

/** Options of {@link bucketOf}; they must satisfy 0 ≤ hardBelow ≤ easyAtLeast ≤ 1. */
export interface BucketOfOptions {
  /**
   * Pass rates p ≥ easyAtLeast are `easy` (the boundary belongs to the upper, easier bucket).
   * @default 2 / 3
   */
  readonly easyAtLeast?: number;
  /**
   * Pass rates p < hardBelow are `hard`; p = hardBelow is `medium` (or `easy` when hardBelow = easyAtLeast).
   * @default 1 / 3
   */
  readonly hardBelow?: number;
}

/** Defaults of {@link BucketOfOptions}: the paper's and the released code's thirds. */
export const DEFAULT_BUCKET_OF_OPTIONS: Readonly<Required<BucketOfOptions>> = Object.freeze({
  easyAtLeast: 2 / 3,
  hardBelow: 1 / 3,
});

/**
 * Validates and completes bucket thresholds; `prefix` names the options object in errors
 * (`'options'` → `'options.easyAtLeast'`).
 * @internal
 */
export function resolveThresholds(options: BucketOfOptions, prefix: string): DifficultyThresholds {
  const easyAtLeast = options.easyAtLeast ?? DEFAULT_BUCKET_OF_OPTIONS.easyAtLeast;
  const hardBelow = options.hardBelow ?? DEFAULT_BUCKET_OF_OPTIONS.hardBelow;
  assertInRange(easyAtLeast, `${prefix}.easyAtLeast`, { min: 0, max: 1 });
  assertInRange(hardBelow, `${prefix}.hardBelow`, { min: 0, max: 1 });
  if (hardBelow > easyAtLeast) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: `${prefix}.hardBelow`,
      value: hardBelow,
      message: `${prefix}.hardBelow: must not exceed ${prefix}.easyAtLeast = ${easyAtLeast}, got ${hardBelow}`,
    });
  }
  return { easyAtLeast, hardBelow };
}

/**
 * The bucket of a validated pass rate under validated thresholds.
 * @internal
 */
export function classify(passRate: number, thresholds: DifficultyThresholds): DifficultyBucket {
  if (passRate >= thresholds.easyAtLeast) return 'easy';
  if (passRate < thresholds.hardBelow) return 'hard';
  return 'medium';
}

/**
 * The difficulty bucket of a prompt from its pass rate over a group of rollouts.
 *
 * bucket(p) = `easy` if p ≥ easyAtLeast, `hard` if p < hardBelow, else `medium` (DEFAULT easyAtLeast = 2/3,
 * hardBelow = 1/3; each boundary belongs to the upper bucket). For G = 8 rollouts with c correct:
 * c ∈ {6, 7, 8} easy, {3, 4, 5} medium, {0, 1, 2} hard.
 *
 * @param passRate - the pass rate p = c/n, a finite number in [0, 1]
 * @param options - `easyAtLeast` (default 2/3) and `hardBelow` (default 1/3), with 0 ≤ hardBelow ≤ easyAtLeast ≤ 1
 * @returns `'easy'`, `'medium'` or `'hard'`
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `passRate`) when p is not a finite number in [0, 1];
 *   `INVALID_ARGUMENT` (parameter `options.easyAtLeast` / `options.hardBelow`) when a threshold is outside [0, 1]
 *   or hardBelow > easyAtLeast
 * @remarks
 * ## Numerics
 * Two comparisons, no arithmetic. With the default thresholds a pass rate computed as `c / n` classifies exactly as
 * the rational c/n would (3c ≥ 2n is easy, 3c < n is hard): IEEE division is correctly rounded, rounding is
 * monotone, and a c/n ≠ 2/3 differs from 2/3 by at least 1/(3n), far more than half an ulp for any realistic n.
 * Pass the pass rate as one division `c / n` (see {@link passRate}), not as a running sum of 1/n.
 * @example
 * ```ts
 * bucketOf(6 / 8) // 'easy'
 * bucketOf(3 / 8) // 'medium'
 * bucketOf(2 / 8) // 'hard'
 * ```
 * @see SPEC.md §2.3 (Buckets), §6.2 item 9; paper App. G eq. 9–10; released code (shawn0728/ARES, ray_trainer.py)
 */
export function bucketOf(passRate: number, options: BucketOfOptions = {}): DifficultyBucket {
  assertInRange(passRate, 'passRate', { min: 0, max: 1 });
  return classify(passRate, resolveThresholds(options, 'options'));
}
