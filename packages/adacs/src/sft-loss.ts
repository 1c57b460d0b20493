import {
  AresError,
  assertBinaryMask,
  assertInteger,
  assertMultipleOf,
  assertSameLength,
  DIFFICULTY_BUCKETS,
  isDifficultyBucket,
  NeumaierAccumulator,
  type DifficultyBucket,
} from '@ares/core';
import { klEstimate, KL_ESTIMATORS, type KlEstimator } from '@ares/kl-budget';

/** How the KL anchor is computed: exactly from both logit rows, or with a `klEstimate` estimator on the label token. */
export type SftKlMode = 'exact' | KlEstimator;

/** Inputs of {@link sftLoss}: flat row-major arrays of `tokens` positions (`rows × columns`). */
export interface SftLossInput {
  /** Logits of π_θ, `tokens × vocabSize`, row-major. */
  readonly logits: Float32Array | Float64Array;
  /** The target token y_t of each position (integers in [0, vocabSize) where `mask` is 1; anything where it is 0). */
  readonly labels: ArrayLike<number>;
  /** 0/1 loss mask, one per position (1 = a response token to learn). */
  readonly mask: ArrayLike<number>;
  /** Vocabulary size V. */
  readonly vocabSize: number;
  /** Positions per sequence; rows = tokens/columns. Default: all positions form one row. */
  readonly columns?: number;
  /** The bucket d = bucketOf(p) of each row; required when a KL weight is non-zero. */
  readonly buckets?: readonly DifficultyBucket[];
  /** Logits of π_init (the model before SFT), the shape of `logits`; required for `kl: 'exact'` with a KL weight. */
  readonly initialLogits?: Float32Array | Float64Array;
  /** ln π_init(y_t) per position, for an estimator (else computed from `initialLogits`). */
  readonly initialLogProbs?: ArrayLike<number>;
}

/** Options of {@link sftLoss}. */
export interface SftLossOptions {
  /**
   * β_d, the weight of KL(π_θ‖π_init) in bucket d (finite ≥ 0); missing buckets are 0. All 0 gives plain SFT.
   * @default { easy: 0, medium: 0, hard: 0 }
   */
  readonly klWeights?: Partial<Record<DifficultyBucket, number>>;
  /**
   * `exact` (Σ_v π_θ(v)·ln(π_θ(v)/π_init(v)) from both logit rows) or a `klEstimate` estimator (`k1`, `k3`, …)
   * applied to the label token's log-probabilities.
   * @default 'exact'
   */
  readonly kl?: SftKlMode;
}

/** Defaults of {@link SftLossOptions}: no KL anchor (β_d = 0 in every bucket), exact KL when enabled. */
export const DEFAULT_SFT_LOSS_OPTIONS: Readonly<{ klWeights: Readonly<Record<DifficultyBucket, number>>; kl: SftKlMode }> = Object.freeze({
  klWeights: Object.freeze({ easy: 0, medium: 0, hard: 0 }),
  kl: 'exact',
});

/** Validated SFT loss settings. @internal */
export interface SftSettings {
  readonly weights: Readonly<Record<DifficultyBucket, number>>;
  readonly kl: SftKlMode;
  readonly anchored: boolean;
}

/**
 * Validates {@link SftLossOptions}.
 * @internal
 */
export function resolveSftOptions(options: SftLossOptions): SftSettings {
  const kl = options.kl ?? DEFAULT_SFT_LOSS_OPTIONS.kl;
  if (kl !== 'exact' && !(KL_ESTIMATORS as readonly unknown[]).includes(kl)) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'options.kl', value: kl, message: `options.kl: expected 'exact' or one of ${KL_ESTIMATORS.join(', ')}, got ${String(kl)}` });
  }
  const given = options.klWeights ?? {};
  if (given === null || typeof given !== 'object') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.klWeights', value: given, message: 'options.klWeights: expected an object {easy?, medium?, hard?}' });
  }
  for (const key of Object.keys(given)) {
    if (!isDifficultyBucket(key)) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `options.klWeights.${key}`, value: key, message: `options.klWeights: unknown bucket ${JSON.stringify(key)}; expected easy, medium or hard` });
    }
  }
  const weights = { ...DEFAULT_SFT_LOSS_OPTIONS.klWeights };
  for (const bucket of DIFFICULTY_BUCKETS) {
    const value = given[bucket];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `options.klWeights.${bucket}`, value, message: `options.klWeights.${bucket}: expected a finite number ≥ 0, got ${String(value)}` });
    }
    weights[bucket] = value;
  }
  return { weights, kl, anchored: DIFFICULTY_BUCKETS.some((bucket) => weights[bucket] > 0) };
}

/**
 * Per-row KL weights β_{d(row)} after checking `buckets` (only called when anchored).
 * @internal
 */
export function rowWeights(buckets: readonly DifficultyBucket[] | undefined, rows: number, weights: Readonly<Record<DifficultyBucket, number>>, parameter: string): Float64Array {
  if (buckets === undefined) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: undefined, message: `${parameter}: required when a KL weight is non-zero (one bucket per row)` });
  }
  assertSameLength(buckets.length, rows, parameter, 'rows');
  const result = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const bucket = buckets[row];
    if (!isDifficultyBucket(bucket)) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: bucket, message: `${parameter}: element ${row} is ${String(bucket)}; expected easy, medium or hard` });
    }
    result[row] = weights[bucket];
  }
  return result;
}

/** Throws `INVALID_ARGUMENT` for a label outside [0, V) at a masked-in position. @internal */
export function invalidLabel(parameter: string, index: number, label: unknown, vocabSize: number): AresError {
  return new AresError({ code: 'INVALID_ARGUMENT', parameter, value: label, message: `${parameter}: element ${index} is ${String(label)}; expected an integer in [0, ${vocabSize})` });
}

/** m + ln Σ_j exp(z_j − m) over one row (m = max; NaN or +∞ anywhere gives NaN; all −∞ gives −∞). */
function logSumExp(logits: ArrayLike<number>, offset: number, vocabSize: number): number {
  let maximum = -Infinity;
  for (let j = 0; j < vocabSize; j++) {
    const value = logits[offset + j]!;
    if (value > maximum || Number.isNaN(value)) maximum = value;
  }
  if (Number.isNaN(maximum) || maximum === Infinity) return Number.NaN;
  if (maximum === -Infinity) return -Infinity;
  let sum = 0;
  for (let j = 0; j < vocabSize; j++) sum += Math.exp(logits[offset + j]! - maximum);
  return maximum + Math.log(sum);
}

/** KL(softmax(z)‖softmax(u)) of one row pair = Σ_j p_j·((z_j − A) − (u_j − B)), A, B the log-normalisers. */
function exactKlRow(logits: ArrayLike<number>, initial: ArrayLike<number>, offset: number, vocabSize: number): number {
  const a = logSumExp(logits, offset, vocabSize);
  const b = logSumExp(initial, offset, vocabSize);
  let sum = 0;
  for (let j = 0; j < vocabSize; j++) {
    const logP = logits[offset + j]! - a;
    const p = Math.exp(logP);
    if (p === 0 && !Number.isNaN(logP)) continue; // 0·ln(0/q) = 0, even where q = 0
    sum += p * (logP - (initial[offset + j]! - b));
  }
  return sum;
}

/**
 * The AdaCS supervised fine-tuning loss: masked token-mean cross-entropy of the chosen traces, optionally anchored to
 * the initial policy with a per-bucket KL weight.
 *
 * L = (1/N)·Σ_{t: m_t = 1} [−ln π_θ(y_t | s_t) + β_{d(t)}·KL_t], N = Σ_t m_t, π_θ = softmax(logits_t);
 * KL_t = Σ_v π_θ(v)·ln(π_θ(v)/π_init(v)) (`exact`) or klEstimate(ln π_θ(y_t), ln π_init(y_t)) (an estimator);
 * d(t) = the bucket of t's row (bucketOf(p) of its problem).
 *
 * @param input - `logits` (tokens × V), `labels`, `mask`, `vocabSize`, optional `columns` (positions per row),
 *   `buckets` (one per row), `initialLogits` or `initialLogProbs` (see {@link SftLossInput})
 * @param options - `klWeights` β_d (default 0 everywhere: plain SFT) and `kl` (`exact` by default, or an estimator)
 * @returns the loss in nats per token; 0 when no position is masked in
 * @throws {AresError} `SHAPE_MISMATCH` when `logits.length` is not a multiple of `vocabSize`, `labels`/`mask`/
 *   `initialLogProbs` do not have one value per position, `initialLogits` differs in length from `logits`, the
 *   positions are not a multiple of `columns`, or `buckets` has not one entry per row; `INVALID_ARGUMENT` for a
 *   non-integer or non-positive `vocabSize`/`columns`, a mask value other than 0/1, a masked-in label outside
 *   [0, V), a bad bucket or KL weight, or a missing `buckets`/`initialLogits`/`initialLogProbs` that a non-zero KL
 *   weight needs; `UNSUPPORTED` (parameter `options.kl`) for an unknown KL mode
 * @remarks
 * ## Numerics
 * Log-softmax with the row maximum subtracted, sums over the vocabulary in float64, the token sum with Neumaier
 * compensation. Positions with m_t = 0 are skipped entirely (their labels are not read, so −100 padding works, and
 * NaN there changes nothing); NaN or +∞ in a masked-in row propagates as NaN. A −∞ logit has probability 0 and adds
 * nothing to the exact KL, while π_init(v) = 0 where π_θ(v) > 0 gives +∞. `token-mean` over an empty mask is 0
 * (as verl's masked mean with a clamped count). With β_d = 0 in every bucket (DEFAULT; SPEC gives no values) the
 * π_init inputs are ignored. Estimators have verl semantics (k3 clamped). Inputs are not modified.
 * @example
 * ```ts
 * sftLoss({ logits: new Float32Array([0, 0, 0, 0]), labels: [1], mask: [1], vocabSize: 4 }) // ln 4 ≈ 1.386
 * ```
 * @see SPEC.md §2.7 (KL-guided fine-tuning), §2.4 (`klEstimate`); paper §3.1
 */
export function sftLoss(input: SftLossInput, options: SftLossOptions = {}): number {
  const settings = resolveSftOptions(options);
  const { logits, labels, mask, vocabSize } = input;
  assertMultipleOf(logits.length, vocabSize, 'input.logits', 'input.vocabSize');
  const tokens = logits.length / vocabSize;
  assertSameLength(labels.length, tokens, 'input.labels', 'logits rows');
  assertSameLength(mask.length, tokens, 'input.mask', 'logits rows');
  assertBinaryMask(mask, 'input.mask');
  const columns = input.columns ?? Math.max(tokens, 1);
  assertInteger(columns, 'input.columns');
  assertMultipleOf(tokens, columns, 'input.labels', 'input.columns');
  const rows = tokens / columns;
  let count = 0;
  for (let t = 0; t < tokens; t++) {
    if (mask[t] === 1) {
      count++;
      const label = labels[t]!;
      if (!Number.isInteger(label) || label < 0 || label >= vocabSize) throw invalidLabel('input.labels', t, label, vocabSize);
    }
  }
  let weights: Float64Array | undefined;
  const { initialLogits, initialLogProbs } = input;
  if (settings.anchored) {
    weights = rowWeights(input.buckets, rows, settings.weights, 'input.buckets');
    if (initialLogits !== undefined) assertSameLength(initialLogits.length, logits.length, 'input.initialLogits', 'input.logits');
    if (settings.kl === 'exact' || initialLogProbs === undefined) {
      if (initialLogits === undefined) {
        const needed = settings.kl === 'exact' ? 'input.initialLogits' : 'input.initialLogProbs';
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: needed, value: undefined, message: `${needed}: required for the KL anchor (kl: ${settings.kl})` });
      }
    } else assertSameLength(initialLogProbs.length, tokens, 'input.initialLogProbs', 'logits rows');
  }
  if (count === 0) return 0;
  const total = new NeumaierAccumulator();
  const policyLabel = weights !== undefined && settings.kl !== 'exact' ? new Float64Array(count) : undefined;
  const initialLabel = policyLabel === undefined ? undefined : new Float64Array(count);
  const tokenWeight = policyLabel === undefined ? undefined : new Float64Array(count);
  let slot = 0;
  for (let t = 0; t < tokens; t++) {
    if (mask[t] !== 1) continue;
    const offset = t * vocabSize;
    const label = labels[t]!;
    const logProbability = logits[offset + label]! - logSumExp(logits, offset, vocabSize);
    total.add(0 - logProbability); // +0, not −0, for a certain label
    if (weights === undefined) continue;
    const beta = weights[Math.floor(t / columns)]!;
    if (settings.kl === 'exact') {
      if (beta > 0) total.add(beta * exactKlRow(logits, initialLogits!, offset, vocabSize));
    } else {
      policyLabel![slot] = logProbability;
      initialLabel![slot] =
        initialLogProbs !== undefined ? initialLogProbs[t]! : initialLogits![offset + label]! - logSumExp(initialLogits!, offset, vocabSize);
      tokenWeight![slot] = beta;
      slot++;
    }
  }
  if (policyLabel !== undefined) {
    const estimates = klEstimate(policyLabel, initialLabel!, settings.kl as KlEstimator);
    for (let index = 0; index < count; index++) {
      if (tokenWeight![index]! > 0) total.add(tokenWeight![index]! * estimates[index]!);
    }
  }
  return total.value / count;
}
