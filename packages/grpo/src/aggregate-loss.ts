import {
  assertBinaryMask,
  assertBoolean,
  assertMultipleOf,
  assertNonEmpty,
  assertOneOf,
  assertSameLength,
  NeumaierAccumulator,
} from '@ares/core';
import { assertPositive, MASKED_MEAN_EPSILON, maskedRowSum } from './internal';

/** How per-token losses are reduced to one scalar (verl `loss_agg_mode`). */
export type AggregationMode =
  | 'token-mean'
  | 'token-sum'
  | 'seq-mean-token-sum'
  | 'seq-mean-token-mean'
  | 'seq-mean-token-sum-norm';

/** Every {@link AggregationMode}, in the order of SPEC §2.5. */
export const AGGREGATION_MODES: readonly AggregationMode[] = Object.freeze([
  'token-mean',
  'token-sum',
  'seq-mean-token-sum',
  'seq-mean-token-mean',
  'seq-mean-token-sum-norm',
]);

/** Whose denominators and masking rules to follow: verl `core_algos` or TRL `GRPOTrainer`. */
export type Convention = 'verl' | 'trl';

/** Every {@link Convention}. */
export const CONVENTIONS: readonly Convention[] = Object.freeze(['verl', 'trl']);

/** Options of {@link aggregateLoss}: denominator overrides for global normalisation, legacy and TRL rules. */
export interface AggregateLossOptions {
  /**
   * Replaces ΣM in `token-mean` (verl `batch_num_tokens`; TRL `dapo`'s normaliser). Finite > 0.
   * @default undefined (ΣM; TRL: max(ΣM, 1))
   */
  readonly tokenCount?: number;
  /**
   * Replaces the number of sequences in the `seq-mean-*` modes (verl `global_batch_size`). Finite > 0.
   * @default undefined (verl: rows with a non-zero mask; TRL: all rows)
   */
  readonly sequenceCount?: number;
  /**
   * Replaces C in `seq-mean-token-sum-norm` (verl `loss_scale_factor`; TRL `max_completion_length`). Finite > 0.
   * @default undefined (`columns`)
   */
  readonly scaleFactor?: number;
  /**
   * verl before the R_ne division: `seq-mean-token-sum-norm` = Σ_rows Σ_t L·M / C over all rows. Ignored by
   * the other modes and by the TRL convention.
   * @default false
   */
  readonly legacy?: boolean;
  /**
   * `verl` (token modes select with `where`, seq modes multiply by the mask, ΣM + 1e-8 row guards, empty rows
   * excluded) or `trl` (everything multiplies by the mask, max(·, 1) guards, empty rows counted).
   * @default 'verl'
   */
  readonly convention?: Convention;
}

/** Defaults of {@link AggregateLossOptions} (the three overrides default to "not set"). */
export const DEFAULT_AGGREGATE_LOSS_OPTIONS: Readonly<{ legacy: boolean; convention: Convention }> = Object.freeze({
  legacy: false,
  convention: 'verl',
});

/**
 * Validated aggregation settings.
 * @internal
 */
export interface AggregationSettings {
  readonly mode: AggregationMode;
  readonly convention: Convention;
  readonly legacy: boolean;
  readonly tokenCount: number | undefined;
  readonly sequenceCount: number | undefined;
  readonly scaleFactor: number | undefined;
}

/**
 * Validates a mode and its options (`modeParameter` names the mode argument in errors).
 * @internal
 */
export function resolveAggregation(
  mode: unknown,
  options: AggregateLossOptions,
  modeParameter: string,
  optionsPrefix: string,
): AggregationSettings {
  assertOneOf(mode, AGGREGATION_MODES, modeParameter);
  const convention = options.convention ?? DEFAULT_AGGREGATE_LOSS_OPTIONS.convention;
  assertOneOf(convention, CONVENTIONS, `${optionsPrefix}.convention`);
  const legacy = options.legacy ?? DEFAULT_AGGREGATE_LOSS_OPTIONS.legacy;
  assertBoolean(legacy, `${optionsPrefix}.legacy`);
  const { tokenCount, sequenceCount, scaleFactor } = options;
  if (tokenCount !== undefined) assertPositive(tokenCount, `${optionsPrefix}.tokenCount`);
  if (sequenceCount !== undefined) assertPositive(sequenceCount, `${optionsPrefix}.sequenceCount`);
  if (scaleFactor !== undefined) assertPositive(scaleFactor, `${optionsPrefix}.scaleFactor`);
  return { mode, convention, legacy, tokenCount, sequenceCount, scaleFactor };
}

/**
 * Accumulates per-row statistics (masked sum, mask count, whether Σ L·M would be NaN from a masked-out
 * non-finite value) and finishes them into the aggregated loss of the chosen mode and convention.
 * @internal
 */
export class RowAggregator {
  // Sums are read as `value + 0`: torch's sums start at +0, so an empty or all −0 sum is +0 (NeumaierAccumulator's
  // is −0, the IEEE sign).
  private readonly tokenSum = new NeumaierAccumulator(); // Σ_rows where-sums (verl token modes)
  private readonly productSum = new NeumaierAccumulator(); // Σ_rows Σ_t L·M (all rows)
  private readonly nonEmptySum = new NeumaierAccumulator(); // Σ_{non-empty rows} Σ_t L·M
  private readonly nonEmptyMeanSum = new NeumaierAccumulator(); // Σ_{non-empty} Σ_t L·M / (n_row + 1e-8)
  private readonly trlMeanSum = new NeumaierAccumulator(); // Σ_rows Σ_t L·M / max(n_row, 1)
  private tokens = 0;
  private rows = 0;
  private nonEmptyRows = 0;

  constructor(
    private readonly settings: AggregationSettings,
    private readonly columns: number,
  ) {}

  addRow(sum: number, count: number, leak: boolean): void {
    const product = leak ? Number.NaN : sum;
    this.tokenSum.add(sum);
    this.productSum.add(product);
    this.tokens += count;
    this.rows++;
    this.trlMeanSum.add(product / Math.max(count, 1));
    if (count > 0) {
      this.nonEmptyRows++;
      this.nonEmptySum.add(product);
      this.nonEmptyMeanSum.add(product / (count + MASKED_MEAN_EPSILON));
    }
  }

  result(): number {
    const { mode, convention, legacy, tokenCount, sequenceCount, scaleFactor } = this.settings;
    const scale = scaleFactor ?? this.columns;
    if (convention === 'verl') {
      const sequences = sequenceCount ?? this.nonEmptyRows;
      switch (mode) {
        case 'token-mean':
          return (this.tokenSum.value + 0) / (tokenCount ?? this.tokens);
        case 'token-sum':
          return this.tokenSum.value + 0;
        case 'seq-mean-token-sum':
          return (this.nonEmptySum.value + 0) / sequences;
        case 'seq-mean-token-mean':
          return (this.nonEmptyMeanSum.value + 0) / sequences;
        case 'seq-mean-token-sum-norm':
          return legacy ? (this.productSum.value + 0) / scale : (this.nonEmptySum.value + 0) / sequences / scale;
      }
    }
    const sequences = sequenceCount ?? this.rows;
    switch (mode) {
      case 'token-mean':
        return (this.productSum.value + 0) / (tokenCount ?? Math.max(this.tokens, 1));
      case 'token-sum':
        return this.productSum.value + 0;
      case 'seq-mean-token-sum':
        return (this.productSum.value + 0) / sequences;
      case 'seq-mean-token-mean':
        return (this.trlMeanSum.value + 0) / sequences;
      case 'seq-mean-token-sum-norm':
        return (this.productSum.value + 0) / (sequences * scale);
    }
  }
}

/**
 * Reduces a row-major matrix of per-token losses to one scalar, as verl `core_algos.agg_loss` (one data-parallel
 * rank) or, with `convention: 'trl'`, as TRL `GRPOTrainer`'s loss types.
 *
 * With R_ne = rows with a non-zero mask and C = `columns` (verl convention):
 * `token-mean` Σ(L·M)/ΣM · `token-sum` Σ(L·M) · `seq-mean-token-sum` Σ_{non-empty} Σ_t L·M / R_ne ·
 * `seq-mean-token-mean` Σ_{non-empty} [Σ_t L·M/(Σ_t M + 1e-8)] / R_ne ·
 * `seq-mean-token-sum-norm` [Σ_{non-empty} Σ_t L·M / R_ne] / C (`legacy`: Σ_rows Σ_t L·M / C).
 * TRL convention: the same with max(·, 1) for the token counts and all B rows counted
 * (`seq-mean-token-sum-norm` = Σ L·M / (B·C)).
 *
 * @param values - per-token losses L, row-major `rows × columns`
 * @param mask - 0/1 loss mask M, the same length as `values`
 * @param columns - tokens per row; a positive integer
 * @param mode - the {@link AggregationMode}
 * @param options - `tokenCount`, `sequenceCount`, `scaleFactor` (denominator overrides), `legacy`, `convention`
 * @returns the aggregated loss; a fully masked batch gives NaN in verl's mean modes (0/0), 0 under TRL
 * @throws {AresError} `UNSUPPORTED` for an unknown `mode` or `options.convention`; `INVALID_ARGUMENT` for
 *   `columns` not a positive integer, an override that is not finite > 0, `options.legacy` not a boolean or a
 *   mask value other than 0/1; `SHAPE_MISMATCH` when `values.length` is not a multiple of `columns` or
 *   `mask.length !== values.length`; `EMPTY_INPUT` when `values` is empty
 * @remarks
 * ## Numerics
 * One pass; every sum is Neumaier-compensated in float64 (row sums, then the sum over rows). verl's token modes
 * select with `where`, so NaN or ±Infinity at a masked-out position does not leak; its seq modes multiply
 * (NaN·0 = NaN) inside a non-empty row but select rows with `where` (a fully masked row never leaks, except in
 * `legacy` norm mode). The TRL convention multiplies everywhere, as TRL does.
 * @example
 * ```ts
 * aggregateLoss([1, 2, 3, 0], [1, 1, 1, 0], 2, 'token-mean') // 2
 * aggregateLoss([1, 2, 3, 0], [1, 1, 1, 0], 2, 'seq-mean-token-mean') // ≈ (1.5 + 3) / 2 = 2.25
 * ```
 * @see SPEC.md §2.5 (aggregateLoss); verl `core_algos.agg_loss`; TRL `GRPOTrainer._compute_loss`
 */
export function aggregateLoss(
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
  columns: number,
  mode: AggregationMode,
  options: AggregateLossOptions = {},
): number {
  const settings = resolveAggregation(mode, options, 'mode', 'options');
  assertMultipleOf(values.length, columns, 'values', 'columns');
  assertSameLength(mask.length, values.length, 'mask', 'values');
  assertNonEmpty(values.length, 'values');
  assertBinaryMask(mask, 'mask');
  const aggregator = new RowAggregator(settings, columns);
  for (let start = 0; start < values.length; start += columns) {
    const { sum, count, leak } = maskedRowSum(values, mask, start, start + columns);
    aggregator.addRow(sum, count, leak);
  }
  return aggregator.result();
}
