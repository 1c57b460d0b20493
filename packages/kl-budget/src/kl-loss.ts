import {
  AresError,
  assertBinaryMask,
  assertOneOf,
  assertSameLength,
  DIFFICULTY_BUCKETS,
  type DifficultyBucket,
  NeumaierAccumulator,
} from '@ares/core';
import type { KlController } from './kl-controller';
import { resolveTokenWeightOptions, type KlTokenWeightsOptions } from './kl-token-weights';
import { checkNumber, validateTokenRows } from './validate';

/**
 * How {@link klLoss} reduces weighted per-token KL to a scalar (the two verl `agg_loss` modes the paper uses).
 * `token-mean` averages over all valid tokens of the batch; `seq-mean-token-mean` averages each sequence over its
 * tokens, then the sequences.
 */
export type KlAggregationMode = 'token-mean' | 'seq-mean-token-mean';

/** The aggregation modes of {@link klLoss}. */
export const KL_AGGREGATION_MODES: readonly KlAggregationMode[] = Object.freeze(['token-mean', 'seq-mean-token-mean'] as const);

/** Per-bucket KL coefficients κ_d: a record, or anything with a `coefficient(bucket)` method such as a {@link KlController}. */
export type KlCoefficients = Readonly<Partial<Record<DifficultyBucket, number>>> | Pick<KlController, 'coefficient'>;

/** The per-token inputs of {@link klLoss}, row-major `rows × columns`. */
export interface KlLossInput {
  /** Per-token KL estimates (e.g. {@link klEstimate} k3). */
  readonly kl: ArrayLike<number>;
  /** 0/1 response mask, same length as `kl`. */
  readonly mask: ArrayLike<number>;
  /** The difficulty bucket of each row; length `rows`. */
  readonly buckets: ArrayLike<DifficultyBucket>;
  /** Tokens per row; a positive integer. */
  readonly columns: number;
  /** 0/1 HWE mask m, same length as `kl`; absent means no window tokens (β_{i,t} = β_d). */
  readonly windowMask?: ArrayLike<number>;
}

/** Options of {@link klLoss}: the token-weight options plus the aggregation mode. */
export interface KlLossOptions extends KlTokenWeightsOptions {
  /**
   * The reduction; use the policy loss's mode (verl uses one mode for all terms).
   * @default 'token-mean'
   */
  readonly aggregation?: KlAggregationMode;
}

/** Defaults of {@link KlLossOptions}: `token-mean`, ρ = 0.5, β_d = 1. */
export const DEFAULT_KL_LOSS_OPTIONS: Readonly<{
  aggregation: KlAggregationMode;
  rho: number;
  base: Readonly<Record<DifficultyBucket, number>>;
}> = Object.freeze({ aggregation: 'token-mean', rho: 0.5, base: Object.freeze({ easy: 1, medium: 1, hard: 1 }) });

/**
 * Resolves κ_d for the buckets present in `buckets` into a 3-slot array (easy, medium, hard; NaN when unused),
 * checking each is finite and ≥ 0 (`INVALID_ARGUMENT` naming `coefficients.<bucket>`).
 * @internal
 */
export function resolveCoefficients(coefficients: KlCoefficients, buckets: ArrayLike<DifficultyBucket>): Float64Array {
  if (typeof coefficients !== 'object' || coefficients === null) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'coefficients', value: coefficients, message: 'coefficients: expected a record or a KL controller' });
  }
  const out = new Float64Array(3).fill(Number.NaN);
  const lookup =
    'coefficient' in coefficients && typeof coefficients.coefficient === 'function'
      ? (bucket: DifficultyBucket) => (coefficients as Pick<KlController, 'coefficient'>).coefficient(bucket)
      : (bucket: DifficultyBucket) => (coefficients as Readonly<Partial<Record<DifficultyBucket, number>>>)[bucket];
  for (let row = 0; row < buckets.length; row++) {
    const slot = DIFFICULTY_BUCKETS.indexOf(buckets[row]!);
    if (!Number.isNaN(out[slot]!)) continue;
    out[slot] = checkNumber(lookup(buckets[row]!), `coefficients.${buckets[row]!}`, { min: 0 }, 'INVALID_ARGUMENT');
  }
  return out;
}

/**
 * Resolves and checks the aggregation mode (`UNSUPPORTED` naming `options.aggregation`).
 * @internal
 */
export function resolveAggregation(options: KlLossOptions): KlAggregationMode {
  const aggregation = options.aggregation ?? DEFAULT_KL_LOSS_OPTIONS.aggregation;
  assertOneOf(aggregation, KL_AGGREGATION_MODES, 'options.aggregation');
  return aggregation;
}

/**
 * The token-weighted, per-bucket-controlled KL loss term of AEPO.
 *
 * L_KL = agg(κ_{d(i)}·β_{i,t}·kl_{i,t}) with β_{i,t} = β_{d(i)}·ρ^{m_{i,t}}. `token-mean`:
 * Σ_{i,t} mask·κβ·kl / Σ_{i,t} mask; `seq-mean-token-mean`: (1/G')·Σ_i (1/L_i)·Σ_t mask·κβ·kl over the G' sequences
 * with L_i > 0 (the paper's κ_d·(1/G)Σ_i(1/L_i)Σ_t β_{i,t}kl_{i,t}).
 *
 * @param input - `kl`, `mask`, optional `windowMask`, `buckets`, `columns` (row-major, see {@link KlLossInput})
 * @param coefficients - κ_d per bucket: a record or a controller (`controller.coefficient(bucket)`)
 * @param options - `aggregation` (default `token-mean`), `rho` (default 0.5), `base` (default β_d = 1)
 * @returns the scalar loss (to be added to the policy loss; KL is a loss term, never a reward); 0 when there is no
 *   valid token
 * @throws {AresError} `INVALID_ARGUMENT` for a bad `columns`, a non-0/1 mask value, an unknown bucket, a missing,
 *   negative or non-finite coefficient of a present bucket, or a bad ρ or β_d; `SHAPE_MISMATCH` when lengths
 *   disagree; `UNSUPPORTED` for an unknown aggregation mode
 * @remarks
 * ## Numerics
 * Compensated (Neumaier) float64 sums in index order. Padding (mask 0) is never read; NaN on a valid token
 * propagates. The two local reductions mirror `@ares/grpo` `aggregateLoss` (`token-mean`, `seq-mean-token-mean`,
 * without its global-normalisation overrides), re-implemented here because packages of one layer do not depend on
 * each other. With kl ≥ 0 and ρ < 1, marking more window tokens never increases the loss.
 * @example
 * ```ts
 * klLoss({ kl: [0.2, 0.4], mask: [1, 1], windowMask: [0, 1], buckets: ['easy'], columns: 2 }, { easy: 0.5 })
 * // 0.5·(0.2 + 0.5·0.4) / 2 = 0.1
 * ```
 * @see SPEC.md §2.4 (KL loss), §6.5 item 27; paper eq. 1 and App. F
 */
export function klLoss(input: KlLossInput, coefficients: KlCoefficients, options: KlLossOptions = {}): number {
  const { kl, mask, buckets, columns, windowMask } = input;
  const rows = validateTokenRows(kl, 'input.kl', mask, 'input.mask', buckets, columns);
  if (windowMask !== undefined) {
    assertSameLength(windowMask.length, mask.length, 'input.windowMask', 'input.mask');
    assertBinaryMask(windowMask, 'input.windowMask');
  }
  const aggregation = resolveAggregation(options);
  const { rho, base } = resolveTokenWeightOptions(options);
  const kappa = resolveCoefficients(coefficients, buckets);
  // Sums are read as `value + 0`: torch's sums start at +0, so an empty or all −0 sum is +0.
  const rowSum = new NeumaierAccumulator();
  const total = new NeumaierAccumulator();
  let tokens = 0;
  let sequences = 0;
  for (let row = 0; row < rows; row++) {
    const bucket = buckets[row]!;
    const outside = kappa[DIFFICULTY_BUCKETS.indexOf(bucket)]! * base[bucket];
    const inside = rho * outside;
    const start = row * columns;
    let length = 0;
    rowSum.reset();
    for (let index = start; index < start + columns; index++) {
      if (mask[index] !== 1) continue;
      length++;
      rowSum.add((windowMask !== undefined && windowMask[index] === 1 ? inside : outside) * kl[index]!);
    }
    if (length === 0) continue;
    tokens += length;
    sequences++;
    const sum = rowSum.value + 0;
    total.add(aggregation === 'token-mean' ? sum : sum / length);
  }
  if (tokens === 0) return 0;
  return (total.value + 0) / (aggregation === 'token-mean' ? tokens : sequences);
}
