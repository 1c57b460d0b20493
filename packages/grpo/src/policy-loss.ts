import {
  AresError,
  assertBinaryMask,
  assertInRange,
  assertInteger,
  assertMultipleOf,
  assertNonEmpty,
  assertSameLength,
  NeumaierAccumulator,
} from '@ares/core';
import { type AggregateLossOptions, type AggregationMode, type AggregationSettings, resolveAggregation, RowAggregator } from './aggregate-loss';
import { MASKED_MEAN_EPSILON } from './internal';

/** Inputs of {@link policyLoss}: row-major `rows × columns` matrices of the same length. */
export interface PolicyLossInput {
  /** log π_θ(y_t | ·) of the sampled tokens under the current policy. */
  readonly logProbs: ArrayLike<number>;
  /** log π_old(y_t | ·) of the same tokens under the rollout (behaviour) policy. */
  readonly oldLogProbs: ArrayLike<number>;
  /** Per-token advantages A (see `tokenAdvantages` to broadcast per-sequence ones). */
  readonly advantages: ArrayLike<number>;
  /** 0/1 response (loss) mask. */
  readonly mask: ArrayLike<number>;
  /** Tokens per row; a positive integer. */
  readonly columns: number;
}

/** Options of {@link policyLoss}. */
export interface PolicyLossOptions {
  /**
   * ε_low: the ratio is clipped below at 1 − clipLow. In [0, 1).
   * @default 0.2
   */
  readonly clipLow?: number;
  /**
   * ε_high: the ratio is clipped above at 1 + clipHigh (DAPO clip-higher). Finite ≥ 0.
   * @default 0.28
   */
  readonly clipHigh?: number;
  /**
   * c of dual-clip PPO: a negative-advantage token loss never exceeds −A·c. > 1; `Infinity` disables it.
   * @default 3
   */
  readonly dualClip?: number;
  /**
   * How token losses are reduced, see `aggregateLoss`.
   * @default 'token-mean'
   */
  readonly aggregation?: AggregationMode;
  /**
   * Denominator overrides and convention passed to the aggregation (verl passes its global batch info).
   * @default {}
   */
  readonly aggregationOptions?: AggregateLossOptions;
}

/** Defaults of {@link PolicyLossOptions}: DAPO clip-higher 0.2/0.28, dual clip 3, token-mean. */
export const DEFAULT_POLICY_LOSS_OPTIONS: Readonly<{
  clipLow: number;
  clipHigh: number;
  dualClip: number;
  aggregation: AggregationMode;
}> = Object.freeze({ clipLow: 0.2, clipHigh: 0.28, dualClip: 3, aggregation: 'token-mean' });

/** Result of {@link policyLoss}. */
export interface PolicyLossResult {
  /** The aggregated clipped surrogate loss (to minimise). */
  readonly loss: number;
  /** Masked fraction of tokens where the clipped term is active: mean of 1{L2 > L1}. */
  readonly clipFraction: number;
  /** Masked fraction of negative-advantage tokens capped by the dual clip: mean of 1{Lc > −A·c and A < 0}. */
  readonly clipFractionLower: number;
  /** Masked mean of old − new log-probability (with the ±20 clamp), verl's `ppo_kl`. */
  readonly approxKl: number;
}

/**
 * Validated clip settings.
 * @internal
 */
export interface ClipSettings {
  readonly clipLow: number;
  readonly clipHigh: number;
  readonly dualClip: number;
  readonly aggregation: AggregationSettings;
}

/**
 * Validates {@link PolicyLossOptions}.
 * @internal
 */
export function resolvePolicyLossOptions(options: PolicyLossOptions): ClipSettings {
  const clipLow = options.clipLow ?? DEFAULT_POLICY_LOSS_OPTIONS.clipLow;
  const clipHigh = options.clipHigh ?? DEFAULT_POLICY_LOSS_OPTIONS.clipHigh;
  const dualClip = options.dualClip ?? DEFAULT_POLICY_LOSS_OPTIONS.dualClip;
  assertInRange(clipLow, 'options.clipLow', { min: 0, max: 1, upperOpen: true });
  assertInRange(clipHigh, 'options.clipHigh', { min: 0 });
  if (!(typeof dualClip === 'number' && dualClip > 1)) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'options.dualClip',
      value: dualClip,
      message: `options.dualClip: expected a number > 1 (Infinity disables the dual clip), got ${String(dualClip)}`,
    });
  }
  const aggregation = resolveAggregation(
    options.aggregation ?? DEFAULT_POLICY_LOSS_OPTIONS.aggregation,
    options.aggregationOptions ?? {},
    'options.aggregation',
    'options.aggregationOptions',
  );
  return { clipLow, clipHigh, dualClip, aggregation };
}

/**
 * Clipped PPO/GRPO surrogate loss with dual clip and verl's statistics (verl `compute_policy_loss_vanilla`).
 *
 * d = clamp(lp − old, −20, 20); r = e^d; L1 = −A·r; L2 = −A·clamp(r, 1 − clipLow, 1 + clipHigh);
 * Lc = max(L1, L2); L = (A < 0) ? min(Lc, −A·dualClip) : Lc; loss = aggregateLoss(L, M, columns, aggregation).
 * clipFraction = maskedMean(1{L2 > L1}); clipFractionLower = maskedMean(1{Lc > −A·dualClip and A < 0});
 * approxKl = maskedMean(−d).
 *
 * @param input - `logProbs`, `oldLogProbs`, per-token `advantages` and the 0/1 `mask`, all `rows × columns`
 * @param options - `clipLow` (0.2), `clipHigh` (0.28), `dualClip` (3), `aggregation` ('token-mean'),
 *   `aggregationOptions`
 * @returns `{ loss, clipFraction, clipFractionLower, approxKl }`
 * @throws {AresError} `INVALID_ARGUMENT` when `clipLow` ∉ [0, 1), `clipHigh` < 0 or non-finite, `dualClip` ≤ 1
 *   or NaN, `columns` is not a positive integer or a mask value is not 0/1; `UNSUPPORTED` for an unknown
 *   aggregation mode or convention; `SHAPE_MISMATCH` when `logProbs.length` is not a multiple of `columns` or the
 *   four arrays differ in length; `EMPTY_INPUT` for an empty batch
 * @remarks
 * ## Numerics
 * One fused float64 pass over the tokens, no per-token allocation; all sums Neumaier-compensated. The log-ratio is
 * clamped to ±20 before `exp` as in verl (TRL does not clamp; results differ when |lp − old| > 20). max/min
 * propagate NaN like `torch.maximum`/`torch.min`; the indicators treat NaN as false like `torch.gt`. Masked-out
 * positions follow `aggregateLoss` (token modes do not leak NaN; the statistics never do).
 * @example
 * ```ts
 * const r = policyLoss({ logProbs: [Math.log(1.5)], oldLogProbs: [0], advantages: [1], mask: [1], columns: 1 })
 * r.loss // −1.28: the ratio 1.5 is clipped at 1 + 0.28
 * ```
 * @see SPEC.md §2.5 (policyLoss) and §6.4 item 21; verl `core_algos.compute_policy_loss_vanilla`; Ye et al.
 *   2020 (dual clip); Yu et al. 2025 (DAPO clip-higher)
 */
export function policyLoss(input: PolicyLossInput, options: PolicyLossOptions = {}): PolicyLossResult {
  const settings = resolvePolicyLossOptions(options);
  const { logProbs, oldLogProbs, advantages, mask, columns } = input;
  assertInteger(columns, 'input.columns');
  assertMultipleOf(logProbs.length, columns, 'input.logProbs', 'input.columns');
  assertSameLength(oldLogProbs.length, logProbs.length, 'input.oldLogProbs', 'input.logProbs');
  assertSameLength(advantages.length, logProbs.length, 'input.advantages', 'input.logProbs');
  assertSameLength(mask.length, logProbs.length, 'input.mask', 'input.logProbs');
  assertNonEmpty(logProbs.length, 'input.logProbs');
  assertBinaryMask(mask, 'input.mask');

  const lower = 1 - settings.clipLow;
  const upper = 1 + settings.clipHigh;
  const dualClip = settings.dualClip;
  const aggregator = new RowAggregator(settings.aggregation, columns);
  const { mode, convention } = settings.aggregation;
  // Masked-out tokens matter only where the aggregation multiplies by the mask (Σ L·M leaks NaN·0 = ∞·0 = NaN),
  // and there only when their loss is non-finite: with finite log-probs and |A|·max(r, 1 + clipHigh) below
  // Number.MAX_VALUE (r ≤ e^20 after the clamp) the loss is finite, so such tokens are skipped.
  const masksByProduct = !(convention === 'verl' && (mode === 'token-mean' || mode === 'token-sum'));
  const finiteAdvantageLimit = Number.MAX_VALUE / Math.max(Math.exp(20), upper);
  const kl = new NeumaierAccumulator();
  let clipped = 0;
  let clippedLower = 0;
  let tokens = 0;
  const rowSum = new NeumaierAccumulator();
  for (let start = 0; start < logProbs.length; start += columns) {
    const end = start + columns;
    rowSum.reset();
    let count = 0;
    let leak = false;
    for (let index = start; index < end; index++) {
      const logProb = logProbs[index]!;
      const oldLogProb = oldLogProbs[index]!;
      const advantage = advantages[index]!;
      const included = mask[index] === 1;
      if (
        !included &&
        (!masksByProduct || (logProb - logProb === 0 && oldLogProb - oldLogProb === 0 && Math.abs(advantage) < finiteAdvantageLimit))
      ) {
        continue;
      }
      // Math.min/Math.max clamp like torch.clamp (NaN stays NaN) without data-dependent branches.
      const logRatio = Math.min(Math.max(logProb - oldLogProb, -20), 20);
      const ratio = Math.exp(logRatio);
      const clampedRatio = Math.min(Math.max(ratio, lower), upper);
      const unclippedLoss = -advantage * ratio;
      const clippedLoss = -advantage * clampedRatio;
      const pessimistic = Math.max(unclippedLoss, clippedLoss);
      const dualBound = -advantage * dualClip;
      const negative = advantage < 0;
      const loss = negative ? Math.min(dualBound, pessimistic) : pessimistic;
      if (included) {
        rowSum.add(loss);
        count++;
        clipped += +(clippedLoss > unclippedLoss);
        clippedLower += +(negative && pessimistic > dualBound);
        kl.add(-logRatio);
      } else if (loss - loss !== 0) {
        leak = true;
      }
    }
    tokens += count;
    aggregator.addRow(rowSum.value + 0, count, leak); // + 0: an empty row sums to +0, as in torch
  }
  const denominator = tokens + MASKED_MEAN_EPSILON;
  return {
    loss: aggregator.result(),
    clipFraction: clipped / denominator,
    clipFractionLower: clippedLower / denominator,
    approxKl: (kl.value + 0) / denominator,
  };
}
