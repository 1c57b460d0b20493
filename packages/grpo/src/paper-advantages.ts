import {
  assertBinaryMask,
  assertDifficultyBuckets,
  assertInRange,
  assertMultipleOf,
  assertSameLength,
  type DifficultyBucket,
  NeumaierAccumulator,
} from '@ares/core';
import { groupMembers, selectionMean } from './internal';

/** Inputs of {@link paperAdvantages}: per-sequence arrays of `rows`, per-token matrices of `rows × columns`. */
export interface PaperAdvantagesInput {
  /** R_i, one scalar reward per sequence. */
  readonly rewards: ArrayLike<number>;
  /** The prompt of each sequence (the group for the baseline mean). */
  readonly groupIds: ArrayLike<string | number>;
  /** d(i), the difficulty bucket of each sequence, selecting λ_d. */
  readonly buckets: readonly DifficultyBucket[];
  /** W_{i,t}, window entropy at each anchor position (any value where `highEntropyMask` is 0). */
  readonly windowEntropies: ArrayLike<number>;
  /** m_{i,t}: 1 at high window-entropy positions (W ≥ τ with a full window), else 0. */
  readonly highEntropyMask: ArrayLike<number>;
  /** 0/1 response mask M; L_i = Σ_t M[i, t]. */
  readonly mask: ArrayLike<number>;
  /** Tokens per row; a positive integer. */
  readonly columns: number;
  /** τ, the HWE threshold; finite. */
  readonly threshold: number;
}

/** Options of {@link paperAdvantages}. */
export interface PaperAdvantagesOptions {
  /**
   * λ_d, the entropy-bonus weight of each bucket; finite ≥ 0.
   * @default { easy: 0, medium: 0, hard: 0 } (the bonus is off)
   */
  readonly entropyBonusWeights?: Readonly<Partial<Record<DifficultyBucket, number>>>;
}

/** Defaults of {@link PaperAdvantagesOptions}. */
export const DEFAULT_PAPER_ADVANTAGES_OPTIONS: Readonly<{ entropyBonusWeights: Readonly<Record<DifficultyBucket, number>> }> =
  Object.freeze({ entropyBonusWeights: Object.freeze({ easy: 0, medium: 0, hard: 0 }) });

/**
 * The paper's per-token advantage (App. F lines 10–14): a length-normalised group-centred reward plus a
 * zero-mean entropy bonus at high window-entropy positions.
 *
 * A_{i,t} = M_{i,t}·[(R_i − mean_g R)/L_i + ψ_{i,t}], ψ_{i,t} = e_{i,t} − b_i,
 * e_{i,t} = λ_{d(i)}·max(W_{i,t} − τ, 0)·m_{i,t}·M_{i,t}, b_i = Σ_t e_{i,t} / L_i.
 * INFERRED (the paper leaves them undefined): φ = identity, b_i makes ψ zero-mean over the sequence's valid
 * tokens, mean_g includes the sequence itself (a singleton is centred to 0), a row with L_i = 0 gets zeros.
 *
 * @param input - rewards, groupIds, buckets (`rows`); windowEntropies, highEntropyMask, mask (`rows × columns`);
 *   columns; threshold
 * @param options - `entropyBonusWeights` λ_d per bucket (default 0: plain (R − mean)/L)
 * @returns a new `Float64Array` of `rows × columns` advantages, 0 outside the mask
 * @throws {AresError} `INVALID_ARGUMENT` for `columns` not a positive integer, a non-finite `threshold`, a
 *   weight that is not finite ≥ 0, an unknown bucket or a mask value other than 0/1; `SHAPE_MISMATCH` when the
 *   matrices are not `rows × columns` or the per-sequence arrays do not have `rows` entries
 * @remarks
 * ## Numerics
 * Group means as in `groupAdvantages` (compensated, one correction pass); per-row sums compensated. NaN in a
 * reward propagates to its group; NaN in W at a counted position propagates to its row. W is never read where
 * m = 0, M = 0 or λ_d = 0.
 * @example
 * ```ts
 * paperAdvantages({ rewards: [1, 0], groupIds: [0, 0], buckets: ['hard', 'hard'], windowEntropies: [0, 0, 0, 0],
 *   highEntropyMask: [0, 0, 0, 0], mask: [1, 1, 1, 0], columns: 2, threshold: 1 }) // [0.25, 0.25, −0.5, 0]
 * ```
 * @see SPEC.md §2.5 (Paper advantage variant); paper App. F
 */
export function paperAdvantages(input: PaperAdvantagesInput, options: PaperAdvantagesOptions = {}): Float64Array {
  const weights = { ...DEFAULT_PAPER_ADVANTAGES_OPTIONS.entropyBonusWeights, ...options.entropyBonusWeights };
  for (const bucket of ['easy', 'medium', 'hard'] as const) {
    assertInRange(weights[bucket], `options.entropyBonusWeights.${bucket}`, { min: 0 });
  }
  const { rewards, groupIds, buckets, windowEntropies, highEntropyMask, mask, columns, threshold } = input;
  assertInRange(threshold, 'input.threshold', {});
  assertMultipleOf(mask.length, columns, 'input.mask', 'input.columns');
  const rows = mask.length / columns;
  assertSameLength(rewards.length, rows, 'input.rewards', 'input.mask rows');
  assertSameLength(groupIds.length, rows, 'input.groupIds', 'input.mask rows');
  assertSameLength(buckets.length, rows, 'input.buckets', 'input.mask rows');
  assertSameLength(windowEntropies.length, mask.length, 'input.windowEntropies', 'input.mask');
  assertSameLength(highEntropyMask.length, mask.length, 'input.highEntropyMask', 'input.mask');
  assertBinaryMask(mask, 'input.mask');
  assertBinaryMask(highEntropyMask, 'input.highEntropyMask');
  assertDifficultyBuckets(buckets, 'input.buckets');

  const centred = new Float64Array(rows);
  const { ids, offsets, members } = groupMembers(groupIds);
  for (let group = 0; group < ids.length; group++) {
    const start = offsets[group]!;
    const end = offsets[group + 1]!;
    const { mean } = selectionMean(rewards, members, start, end, false);
    for (let k = start; k < end; k++) centred[members[k]!] = rewards[members[k]!]! - mean;
  }

  const out = new Float64Array(mask.length);
  for (let row = 0; row < rows; row++) {
    const start = row * columns;
    const end = start + columns;
    const weight = weights[buckets[row]!];
    let length = 0;
    const bonus = new NeumaierAccumulator();
    for (let index = start; index < end; index++) {
      if (mask[index] !== 1) continue;
      length++;
      if (weight !== 0 && highEntropyMask[index] === 1) bonus.add(weight * Math.max(windowEntropies[index]! - threshold, 0));
    }
    if (length === 0) continue;
    const base = centred[row]! / length;
    const baseline = (bonus.value + 0) / length; // + 0: torch's empty sum is +0
    for (let index = start; index < end; index++) {
      if (mask[index] !== 1) continue;
      const term = weight !== 0 && highEntropyMask[index] === 1 ? weight * Math.max(windowEntropies[index]! - threshold, 0) : 0;
      out[index] = base + term - baseline;
    }
  }
  return out;
}
