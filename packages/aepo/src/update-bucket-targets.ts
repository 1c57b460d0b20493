import {
  AresError,
  DIFFICULTY_BUCKETS,
  assertInRange,
  neumaierSum,
  type DifficultyBucket,
} from '@ares/core';
import { assertBucket } from './validate';

/** Target HWE count T_d and shaping scale α_d of one bucket. */
export interface BucketTarget {
  /** T_d, the target HWE count (an integer after the first update). */
  readonly target: number;
  /** α_d, the shaping scale (cap c = α_d·c_d). */
  readonly alpha: number;
}

/** Per-bucket targets and scales, {T_d, α_d} for easy, medium and hard; plain JSON-serialisable data. */
export type BucketTargetState = Readonly<Record<DifficultyBucket, BucketTarget>>;

/** One prompt of the batch: its bucket and the mean N_HE over its rollouts. */
export interface BucketTargetPrompt {
  readonly bucket: DifficultyBucket;
  /** Mean HWE count over the prompt's rollouts (finite, ≥ 0). */
  readonly meanHweCount: number;
}

/** Options of {@link createBucketTargetState}. */
export interface CreateBucketTargetStateOptions {
  /**
   * Initial T_d of every bucket.
   * @default 0
   */
  readonly target?: number;
  /**
   * Initial α_d of every bucket.
   * @default 0.5
   */
  readonly alpha?: number;
}

/** Defaults of {@link createBucketTargetState}: T 0 (as the released trainer before its first batch), α 0.5. */
export const DEFAULT_CREATE_BUCKET_TARGET_STATE_OPTIONS: Readonly<Required<CreateBucketTargetStateOptions>> =
  Object.freeze({ target: 0, alpha: 0.5 });

/** Options of {@link updateBucketTargets}. */
export interface UpdateBucketTargetsOptions {
  /**
   * Step size of α_d ← α_d + rate·δ_d.
   * @default 0.05
   */
  readonly alphaLearningRate?: number;
  /**
   * Lower clip of α_d.
   * @default 0
   */
  readonly alphaMin?: number;
  /**
   * Upper clip of α_d. The released 2.0 breaks the correct-above-wrong ordering; 0.55 keeps it (SPEC §2.8).
   * @default 0.55
   */
  readonly alphaMax?: number;
}

/** Defaults of {@link updateBucketTargets}. */
export const DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS: Readonly<Required<UpdateBucketTargetsOptions>> = Object.freeze({
  alphaLearningRate: 0.05,
  alphaMin: 0,
  alphaMax: 0.55,
});

/**
 * Rounds to the nearest integer with ties to even, like Python's `round(x)` (27.5 → 28, 26.5 → 26, −2.5 → −2).
 * `Math.round` rounds ties up and is wrong here.
 * @internal
 */
export function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  // Math.round rounds ties towards +∞; move an odd tie result back to the even neighbour.
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/**
 * Creates the initial per-bucket state {T_d, α_d}: the same target and scale for every bucket.
 *
 * @param options - `target` (DEFAULT 0) and `alpha` (DEFAULT 0.5), both finite and ≥ 0
 * @returns a new frozen state
 * @throws {AresError} `INVALID_ARGUMENT` when `options.target` or `options.alpha` is negative or non-finite
 * @example
 * ```ts
 * createBucketTargetState() // { easy: { target: 0, alpha: 0.5 }, medium: { … }, hard: { … } }
 * ```
 * @see SPEC.md §2.8 "Targets and scales"
 */
export function createBucketTargetState(options: CreateBucketTargetStateOptions = {}): BucketTargetState {
  const { target, alpha } = { ...DEFAULT_CREATE_BUCKET_TARGET_STATE_OPTIONS, ...options };
  assertInRange(target, 'options.target', { min: 0 });
  assertInRange(alpha, 'options.alpha', { min: 0 });
  const entry = Object.freeze({ target, alpha });
  return Object.freeze({ easy: entry, medium: entry, hard: entry });
}

function assertState(state: BucketTargetState): void {
  if (state === null || typeof state !== 'object') {
    throw new AresError({
      code: 'INVALID_STATE',
      parameter: 'state',
      value: state,
      message: 'state: expected an object with easy, medium and hard entries',
    });
  }
  for (const bucket of DIFFICULTY_BUCKETS) {
    const entry = (state as Record<string, unknown>)[bucket] as Partial<BucketTarget> | null | undefined;
    for (const field of ['target', 'alpha'] as const) {
      const value = entry !== null && typeof entry === 'object' ? entry[field] : undefined;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new AresError({
          code: 'INVALID_STATE',
          parameter: `state.${bucket}.${field}`,
          value,
          message: `state.${bucket}.${field}: expected a finite number ≥ 0, got ${String(value)}`,
        });
      }
    }
  }
}

/**
 * Updates the per-bucket targets T_d and scales α_d from one batch of prompts; pure, returns a new state.
 *
 * mean_d = mean over bucket-d prompts of their mean N_HE; T_d = roundHalfEven(mean_d); δ_d = mean_d − T_d (easy,
 * medium) or T_d − mean_d (hard); α_d ← clip(α_d + rate·δ_d, αmin, αmax). Buckets without prompts keep T_d and α_d.
 *
 * @param state - the current {T_d, α_d} (not modified)
 * @param prompts - one entry per prompt of the batch (all groups, before filtering)
 * @param options - `alphaLearningRate` (DEFAULT 0.05), `alphaMin` (DEFAULT 0), `alphaMax` (DEFAULT 0.55)
 * @returns a new frozen state
 * @throws {AresError} `INVALID_STATE` when `state` lacks a bucket or holds a negative or non-finite value;
 *   `INVALID_ARGUMENT` for an unknown bucket or a negative or non-finite `meanHweCount` in `prompts`, a negative
 *   or non-finite option, or `alphaMax` < `alphaMin`
 * @remarks
 * ## Numerics
 * mean_d is a Neumaier sum divided by the count. Rounding is half-to-even like Python's `round`, so
 * |δ_d| ≤ 0.5 and α moves at most 0.5·rate per update (0.025 by default); mean 27.5 gives T 28 and
 * α 0.5 → 0.475 for easy and medium. Every updated α lies in [αmin, αmax].
 * @example
 * ```ts
 * const next = updateBucketTargets(createBucketTargetState(), [{ bucket: 'easy', meanHweCount: 27.5 }])
 * next.easy // { target: 28, alpha: 0.475 }
 * ```
 * @see SPEC.md §2.8 "Targets and scales"; released code (shawn0728/ARES, verl/trainer/ray_trainer.py,
 *   `update_difficulty_and_skip_gid_set`)
 */
export function updateBucketTargets(
  state: BucketTargetState,
  prompts: readonly BucketTargetPrompt[],
  options: UpdateBucketTargetsOptions = {}
): BucketTargetState {
  const { alphaLearningRate, alphaMin, alphaMax } = { ...DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS, ...options };
  assertInRange(alphaLearningRate, 'options.alphaLearningRate', { min: 0 });
  assertInRange(alphaMin, 'options.alphaMin', { min: 0 });
  assertInRange(alphaMax, 'options.alphaMax', { min: alphaMin });
  assertState(state);

  const values: Record<DifficultyBucket, number[]> = { easy: [], medium: [], hard: [] };
  for (let index = 0; index < prompts.length; index++) {
    const prompt = prompts[index]!;
    assertBucket(prompt.bucket, `prompts[${index}].bucket`);
    assertInRange(prompt.meanHweCount, `prompts[${index}].meanHweCount`, { min: 0 });
    values[prompt.bucket].push(prompt.meanHweCount);
  }

  const next = {} as Record<DifficultyBucket, BucketTarget>;
  for (const bucket of DIFFICULTY_BUCKETS) {
    const bucketValues = values[bucket];
    const previous = state[bucket];
    if (bucketValues.length === 0) {
      next[bucket] = Object.freeze({ target: previous.target, alpha: previous.alpha });
      continue;
    }
    const mean = neumaierSum(bucketValues) / bucketValues.length;
    const target = roundHalfEven(mean);
    const deviation = bucket === 'hard' ? target - mean : mean - target;
    const alpha = Math.min(Math.max(previous.alpha + alphaLearningRate * deviation, alphaMin), alphaMax);
    next[bucket] = Object.freeze({ target, alpha });
  }
  return Object.freeze(next);
}
