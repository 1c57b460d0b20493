import { DIFFICULTY_BUCKETS, assertBoolean, assertInRange, neumaierSum, type DifficultyBucket } from '@ares/core';
import { assertBucket } from './validate';

/** One scored rollout for {@link paperLaggedRewards}. */
export interface PaperLaggedRollout {
  /** Difficulty bucket d(i) of the rollout's prompt. */
  readonly bucket: DifficultyBucket;
  /** Whether the answer was graded correct (accuracy 1). */
  readonly correct: boolean;
  /** N_HE of the rollout (finite, ≥ 0). */
  readonly hweCount: number;
}

/** Options of {@link paperLaggedRewards}. */
export interface PaperLaggedRewardsOptions {
  /**
   * ε in λ_d = max(0, (mean_d − N_target(d))/(var_d + ε)); finite and > 0.
   * @default 1e-6
   */
  readonly epsilon?: number;
}

/** Defaults of {@link paperLaggedRewards}. */
export const DEFAULT_PAPER_LAGGED_REWARDS_OPTIONS: Readonly<Required<PaperLaggedRewardsOptions>> = Object.freeze({
  epsilon: 1e-6,
});

/** Result of {@link paperLaggedRewards}. */
export interface PaperLaggedRewardsResult {
  /** R_i = acc_i − 1[wrong]·λ_d·g_d(N_i − N_target(d)), one per rollout, in input order. */
  readonly rewards: Float64Array;
  /** λ_d per bucket; 0 for a bucket without rollouts in this batch or without a previous mean. */
  readonly lambdas: Readonly<Record<DifficultyBucket, number>>;
  /**
   * This batch's mean N_HE per bucket, only for buckets present in the batch: the next batch's `previousMeans`
   * (merge as `{ ...previousMeans, ...means }` to carry absent buckets forward).
   */
  readonly means: Readonly<Partial<Record<DifficultyBucket, number>>>;
  /** This batch's population variance of N_HE per bucket, only for buckets present in the batch. */
  readonly variances: Readonly<Partial<Record<DifficultyBucket, number>>>;
}

/**
 * The `paper-lagged` reward of a batch: the paper's hierarchical penalty with the previous batch's bucket mean as
 * the target, so that λ_d is not identically 0.
 *
 * R_i = acc_i − 1[wrong_i]·λ_d·g_d(Δ_i), Δ_i = N_i − N_target(d), N_target(d) = `previousMeans[d]`;
 * g_easy(Δ) = max(0, Δ), g_medium(Δ) = |Δ|, g_hard(Δ) = max(0, −Δ);
 * λ_d = max(0, (mean_d N − N_target(d))/(var_d N + ε)), mean and population variance over this batch's rollouts of
 * bucket d; λ_d = 0 while `previousMeans[d]` is undefined.
 *
 * @param rollouts - the batch's scored rollouts (bucket, correct, `hweCount` finite ≥ 0)
 * @param previousMeans - the previous batch's mean N_HE per bucket (finite ≥ 0); `{}` on the first batch
 * @param options - `epsilon` (DEFAULT 1e-6)
 * @returns rewards (Float64Array, one per rollout), λ_d per bucket, and this batch's means and variances
 * @throws {AresError} `INVALID_ARGUMENT` for an unknown bucket, a non-boolean `correct`, a negative or non-finite
 *   `hweCount` or previous mean, or `options.epsilon` ≤ 0 or non-finite
 * @remarks
 * ## Numerics
 * Means are Neumaier sums divided by the count; the variance is the two-pass mean of squared deviations. With the
 * paper's same-batch target (`previousMeans` = this batch's `means`) the numerator is exactly 0, so λ_d = 0 for
 * every batch and R = accuracy: the degeneracy this mode exists to avoid. Correct answers always get 1, wrong
 * answers R ≤ 0. Empty input gives empty rewards and λ = 0.
 * @example
 * ```ts
 * const first = experimental_paperLaggedRewards([{ bucket: 'easy', correct: false, hweCount: 30 }], {})
 * const second = experimental_paperLaggedRewards(
 *   [{ bucket: 'easy', correct: false, hweCount: 40 }, { bucket: 'easy', correct: true, hweCount: 34 }],
 *   first.means, // { easy: 30 }
 * )
 * second.lambdas.easy // (37 − 30)/(9 + 1e-6) ≈ 0.7778; second.rewards → [≈ −7.778, 1]
 * ```
 * @see SPEC.md §2.8 "Shaping `paper-lagged`", §6.3 item 16; paper §3.2.2
 */
export function paperLaggedRewards(
  rollouts: readonly PaperLaggedRollout[],
  previousMeans: Readonly<Partial<Record<DifficultyBucket, number>>>,
  options: PaperLaggedRewardsOptions = {}
): PaperLaggedRewardsResult {
  const { epsilon } = { ...DEFAULT_PAPER_LAGGED_REWARDS_OPTIONS, ...options };
  assertInRange(epsilon, 'options.epsilon', { min: 0, lowerOpen: true });
  for (const bucket of DIFFICULTY_BUCKETS) {
    const previous = previousMeans[bucket];
    if (previous !== undefined) assertInRange(previous, `previousMeans.${bucket}`, { min: 0 });
  }
  const counts: Record<DifficultyBucket, number[]> = { easy: [], medium: [], hard: [] };
  for (let index = 0; index < rollouts.length; index++) {
    const rollout = rollouts[index]!;
    assertBucket(rollout.bucket, `rollouts[${index}].bucket`);
    assertBoolean(rollout.correct, `rollouts[${index}].correct`);
    assertInRange(rollout.hweCount, `rollouts[${index}].hweCount`, { min: 0 });
    counts[rollout.bucket].push(rollout.hweCount);
  }

  const lambdas: Record<DifficultyBucket, number> = { easy: 0, medium: 0, hard: 0 };
  const means: Partial<Record<DifficultyBucket, number>> = {};
  const variances: Partial<Record<DifficultyBucket, number>> = {};
  for (const bucket of DIFFICULTY_BUCKETS) {
    const values = counts[bucket];
    if (values.length === 0) continue;
    const mean = neumaierSum(values) / values.length;
    const squared = values.map((value) => (value - mean) * (value - mean));
    const variance = neumaierSum(squared) / values.length;
    means[bucket] = mean;
    variances[bucket] = variance;
    const previous = previousMeans[bucket];
    if (previous !== undefined) lambdas[bucket] = Math.max(0, (mean - previous) / (variance + epsilon));
  }

  const rewards = new Float64Array(rollouts.length);
  for (let index = 0; index < rollouts.length; index++) {
    const { bucket, correct, hweCount } = rollouts[index]!;
    if (correct) {
      rewards[index] = 1;
      continue;
    }
    const lambda = lambdas[bucket];
    const previous = previousMeans[bucket];
    if (lambda === 0 || previous === undefined) continue; // R = 0 for a wrong answer without a penalty
    const delta = hweCount - previous;
    const gap = bucket === 'easy' ? Math.max(0, delta) : bucket === 'medium' ? Math.abs(delta) : Math.max(0, -delta);
    rewards[index] = 0 - lambda * gap;
  }
  return {
    rewards,
    lambdas: Object.freeze(lambdas),
    means: Object.freeze(means),
    variances: Object.freeze(variances),
  };
}
