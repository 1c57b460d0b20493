import { assertInRange, assertOneOf, assertSameLength } from '@ares/core';
import { CONVENTIONS, type Convention } from './aggregate-loss';
import { groupMembers, selectionMean, selectionStd } from './internal';

/** What the centred score is divided by: the group std, the batch std, or nothing (Dr. GRPO). */
export type AdvantageScale = 'group' | 'batch' | 'none';

/** Every {@link AdvantageScale}. */
export const ADVANTAGE_SCALES: readonly AdvantageScale[] = Object.freeze(['group', 'batch', 'none']);

/** Options of {@link groupAdvantages}. */
export interface GroupAdvantagesOptions {
  /**
   * `group`: (s − μ)/(σ_group + ε); `batch`: (s − μ)/(σ_batch + ε) with μ per group; `none`: s − μ.
   * @default 'group'
   */
  readonly scale?: AdvantageScale;
  /**
   * `verl` (`compute_grpo_outcome_advantage`; singletons get μ = 0, σ = 1; NaN propagates) or `trl`
   * (`GRPOTrainer`; NaN-ignoring statistics, then NaN → 0).
   * @default 'verl'
   */
  readonly convention?: Convention;
  /**
   * ε added to the standard deviation; finite ≥ 0.
   * @default 1e-6 for `verl`, 1e-4 for `trl` ({@link DEFAULT_GROUP_ADVANTAGES_EPSILON})
   */
  readonly epsilon?: number;
}

/** Defaults of {@link GroupAdvantagesOptions}; ε depends on the convention, see {@link DEFAULT_GROUP_ADVANTAGES_EPSILON}. */
export const DEFAULT_GROUP_ADVANTAGES_OPTIONS: Readonly<{ scale: AdvantageScale; convention: Convention }> = Object.freeze({
  scale: 'group',
  convention: 'verl',
});

/** The default ε of each convention: verl 1e-6, TRL 1e-4. */
export const DEFAULT_GROUP_ADVANTAGES_EPSILON: Readonly<Record<Convention, number>> = Object.freeze({ verl: 1e-6, trl: 1e-4 });

/**
 * GRPO outcome advantages: each sequence's score centred on its group and scaled, one value per sequence.
 *
 * `verl`: n_g ≥ 2 → μ = mean, σ = unbiased std; n_g = 1 → μ = 0, σ = 1; a = (s − μ)/(σ + ε) (`group`),
 * (s − μ)/(σ_batch + ε) with σ_batch the unbiased std of all scores, 1 if there is only one (`batch`; a
 * singleton keeps μ = 0 — INFERRED), or s − μ (`none`). `trl`: μ, σ ignore NaN (σ = NaN with fewer than two values), σ_batch over all non-NaN scores,
 * and every NaN result becomes 0.
 *
 * @param scores - one scalar score per sequence (for a verl token-level reward row, its sum over all positions)
 * @param groupIds - the prompt of each sequence; groups are formed by identity (SameValueZero), in any order and
 *   of any sizes
 * @param options - `scale` ('group'), `convention` ('verl'), `epsilon` (1e-6 verl, 1e-4 trl)
 * @returns a new `Float64Array` of `scores.length` advantages (empty for empty input)
 * @throws {AresError} `SHAPE_MISMATCH` when `groupIds.length !== scores.length`; `UNSUPPORTED` for an unknown
 *   `options.scale` or `options.convention`; `INVALID_ARGUMENT` when `options.epsilon` is not finite ≥ 0
 * @remarks
 * ## Numerics
 * Per group, in group order: a compensated sum divided by n, refined by one correction pass (so identical scores
 * give exactly 0), then the two-pass unbiased variance Σ(x − μ)²/(n − 1). Near-identical scores are amplified by
 * 1/(σ + ε), as in verl. A verl singleton gives s/(1 + ε), not 0. NaN propagates through its group under `verl`
 * (and through everything under `verl` + `batch`).
 * @example
 * ```ts
 * groupAdvantages([1, 0, 1, 1], [0, 0, 0, 0]) // [0.499999, −1.499997, 0.499999, 0.499999]
 * groupAdvantages([1, 0, 1, 1], [0, 0, 0, 0], { convention: 'trl' }) // [0.49990002, −1.49970006, …]
 * ```
 * @see SPEC.md §2.5 (groupAdvantages) and §6.4 items 18–20; verl `core_algos.compute_grpo_outcome_advantage`;
 *   TRL `GRPOTrainer` (`scale_rewards`); Liu et al. 2025 (Dr. GRPO)
 */
export function groupAdvantages(
  scores: ArrayLike<number>,
  groupIds: ArrayLike<string | number>,
  options: GroupAdvantagesOptions = {},
): Float64Array {
  const scale = options.scale ?? DEFAULT_GROUP_ADVANTAGES_OPTIONS.scale;
  const convention = options.convention ?? DEFAULT_GROUP_ADVANTAGES_OPTIONS.convention;
  assertOneOf(scale, ADVANTAGE_SCALES, 'options.scale');
  assertOneOf(convention, CONVENTIONS, 'options.convention');
  const epsilon = options.epsilon ?? DEFAULT_GROUP_ADVANTAGES_EPSILON[convention];
  assertInRange(epsilon, 'options.epsilon', { min: 0 });
  assertSameLength(groupIds.length, scores.length, 'groupIds', 'scores');

  const length = scores.length;
  const out = new Float64Array(length);
  if (length === 0) return out;
  const trl = convention === 'trl';
  const { ids, offsets, members } = groupMembers(groupIds);

  let batchStd = Number.NaN;
  if (scale === 'batch') {
    const all = Int32Array.from({ length }, (_, index) => index);
    const { mean, count } = selectionMean(scores, all, 0, length, trl);
    batchStd = !trl && count === 1 ? 1 : selectionStd(scores, all, 0, length, mean, trl);
  }

  for (let group = 0; group < ids.length; group++) {
    const start = offsets[group]!;
    const end = offsets[group + 1]!;
    let mean: number;
    let std: number;
    if (!trl && end - start === 1) {
      mean = 0;
      std = scale === 'batch' ? batchStd : 1;
    } else {
      mean = selectionMean(scores, members, start, end, trl).mean;
      std = scale === 'group' ? selectionStd(scores, members, start, end, mean, trl) : batchStd;
    }
    for (let k = start; k < end; k++) {
      const index = members[k]!;
      const centred = scores[index]! - mean;
      const advantage = scale === 'none' ? centred : centred / (std + epsilon);
      out[index] = trl && Number.isNaN(advantage) ? 0 : advantage;
    }
  }
  return out;
}
