import {
  AresError,
  assertInRange,
  assertInteger,
  assertNonEmpty,
  assertOneOf,
  assertSameLength,
  neumaierSum,
} from '@ares/core';
import { median, quantile } from './quantile';
import { releasedWindowThreshold } from './released-window-threshold';

// The two HWE threshold estimators of SPEC §2.2: `paperThreshold` (paper §3.2.1) and `ReleasedThresholdTracker`
// (released trainer, ARES-TS trainer DEFAULT).

/** Over which rollouts the paper threshold averages: the whole batch (paper main text) or each prompt group. */
export type ThresholdScope = 'batch' | 'group';

/** @internal */
export const THRESHOLD_SCOPES: readonly ThresholdScope[] = ['batch', 'group'];

/** Options of {@link paperThreshold}. */
export interface PaperThresholdOptions {
  /**
   * The per-sequence quantile level q of single-token entropies, in [0, 1].
   * @default 0.95
   */
  readonly quantile?: number;
  /**
   * `batch`: one τ for the whole batch (paper §3.2.1); `group`: one τ per prompt group (paper App. F,
   * Algorithm 1), which needs `groupIds`.
   * @default 'batch'
   */
  readonly scope?: ThresholdScope;
  /**
   * With `scope: 'group'`, the group (prompt) id of each sequence; groups are formed by strict equality
   * (`1` and `'1'` are different groups). Not used with `scope: 'batch'`.
   */
  readonly groupIds?: ArrayLike<string | number>;
}

/** Defaults of {@link PaperThresholdOptions}. */
export const DEFAULT_PAPER_THRESHOLD_OPTIONS: Readonly<Required<Omit<PaperThresholdOptions, 'groupIds'>>> =
  Object.freeze({ quantile: 0.95, scope: 'batch' });

/**
 * The paper's HWE threshold: the mean over responses of each response's 0.95-quantile of single-token entropies,
 * computed on the batch it labels.
 *
 * τ = (1/|D|)·Σ_{y∈D} Quantile_q({H_t(y)}), with D the batch (`scope: 'batch'`) or one prompt group
 * (`scope: 'group'`), and Quantile the numpy `linear` quantile ({@link quantile}).
 *
 * @param sequences - one array of per-token entropies (nats) per response; responses may differ in length
 * @param options - `quantile` q (default 0.95), `scope` (default `'batch'`), `groupIds` (required for `'group'`)
 * @returns for `batch`, τ; for `group`, a new `Map` from group id to that group's τ, in order of first appearance
 * @throws {AresError} `EMPTY_INPUT` when `sequences` is empty; `INVALID_ARGUMENT` when `options.quantile` is not
 *   in [0, 1] or `options.groupIds` is missing with `scope: 'group'`; `UNSUPPORTED` for an unknown scope;
 *   `SHAPE_MISMATCH` when `options.groupIds.length` differs from `sequences.length`
 * @remarks
 * ## Numerics
 * Per-sequence quantiles are numpy-exact; the mean adds them with Neumaier summation in sequence order, then
 * divides by their count. A response with no tokens has no quantile and is left out of D (the mean runs over the
 * others); a batch or group in which every response is empty gets NaN. A NaN entropy makes its response's quantile
 * NaN and so τ NaN (propagation; {@link hweMask} and {@link hweCount} reject a NaN τ).
 * @example
 * ```ts
 * paperThreshold([[1, 2, 3, 4, 5], [0, 0, 1]], { quantile: 0.5 }) // (3 + 0) / 2 = 1.5
 * ```
 * @see SPEC.md §2.2 (HWE threshold estimators, `paper`); paper §3.2.1, App. F (Algorithm 1)
 */
export function paperThreshold(
  sequences: readonly ArrayLike<number>[],
  options?: PaperThresholdOptions & { readonly scope?: 'batch' },
): number;
export function paperThreshold(
  sequences: readonly ArrayLike<number>[],
  options: PaperThresholdOptions & { readonly scope: 'group'; readonly groupIds: ArrayLike<string | number> },
): Map<string | number, number>;
export function paperThreshold(
  sequences: readonly ArrayLike<number>[],
  options?: PaperThresholdOptions,
): number | Map<string | number, number>;
export function paperThreshold(
  sequences: readonly ArrayLike<number>[],
  options: PaperThresholdOptions = {},
): number | Map<string | number, number> {
  const level = options.quantile ?? DEFAULT_PAPER_THRESHOLD_OPTIONS.quantile;
  const scope = options.scope ?? DEFAULT_PAPER_THRESHOLD_OPTIONS.scope;
  assertInRange(level, 'options.quantile', { min: 0, max: 1 });
  assertOneOf(scope, THRESHOLD_SCOPES, 'options.scope');
  assertNonEmpty(sequences.length, 'sequences');
  if (scope === 'batch') {
    const quantiles: number[] = [];
    for (const sequence of sequences) {
      if (sequence.length > 0) quantiles.push(quantile(sequence, level));
    }
    return mean(quantiles);
  }
  const { groupIds } = options;
  if (groupIds === undefined) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'options.groupIds',
      value: undefined,
      message: "options.groupIds: required with scope 'group'",
    });
  }
  assertSameLength(groupIds.length, sequences.length, 'options.groupIds', 'sequences');
  const groups = new Map<string | number, number[]>();
  for (let index = 0; index < sequences.length; index++) {
    const id = groupIds[index]!;
    let quantiles = groups.get(id);
    if (quantiles === undefined) {
      quantiles = [];
      groups.set(id, quantiles);
    }
    const sequence = sequences[index]!;
    if (sequence.length > 0) quantiles.push(quantile(sequence, level));
  }
  const thresholds = new Map<string | number, number>();
  for (const [id, quantiles] of groups) thresholds.set(id, mean(quantiles));
  return thresholds;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : neumaierSum(values) / values.length;
}

/** Options of {@link ReleasedThresholdTracker}. */
export interface ReleasedThresholdTrackerOptions {
  /**
   * Window length w of the per-sequence {@link releasedWindowThreshold} (always the released `next` windows with
   * padding, whatever anchor the HWE count uses); an integer ≥ 1.
   * @default 4
   */
  readonly window?: number;
  /**
   * Quantile level q of the per-sequence threshold, in [0, 1].
   * @default 0.95
   */
  readonly quantile?: number;
  /**
   * Weight of the new batch median in the moving average, in [0, 1]: τ ← (1 − medianWeight)·τ + medianWeight·med.
   * The default gives the released 0.99·τ + 0.01·med bit for bit (1 − 0.01 is exactly the double 0.99).
   * @default 0.01
   */
  readonly medianWeight?: number;
  /**
   * The τ that labels the first batch (the released trainer used the mean per-sequence threshold of a validation
   * pass, falling back to 1.5). When absent, the first batch is labelled with its own median.
   * @default undefined
   */
  readonly initialThreshold?: number;
}

/** Defaults of {@link ReleasedThresholdTrackerOptions} (no `initialThreshold`). */
export const DEFAULT_RELEASED_THRESHOLD_TRACKER_OPTIONS: Readonly<
  Required<Omit<ReleasedThresholdTrackerOptions, 'initialThreshold'>>
> = Object.freeze({ window: 4, quantile: 0.95, medianWeight: 0.01 });

/** What one {@link ReleasedThresholdTracker.update} did. */
export interface ThresholdUpdate {
  /** The τ that labels the batch just observed (one-step lag): the previous `next`, or for the first batch
   * `initialThreshold` if given, else this batch's median. */
  readonly used: number;
  /** The τ after this batch, which labels the next batch (equal to the tracker's `current` afterwards). */
  readonly next: number;
  /** med_k: the median over the batch's sequences of their per-sequence thresholds. */
  readonly median: number;
}

/** The serialised state of a {@link ReleasedThresholdTracker} (JSON-safe). */
export interface ReleasedThresholdTrackerState {
  readonly version: 1;
  /** The moving average τ; `null` until the first batch. */
  readonly threshold: number | null;
  /** Whether the moving average has been initialised (by the first batch's median). */
  readonly initialised: boolean;
  /** Number of batches observed. */
  readonly steps: number;
  readonly options: {
    readonly window: number;
    readonly quantile: number;
    readonly medianWeight: number;
    readonly initialThreshold: number | null;
  };
}

/**
 * The released HWE threshold estimator (trainer DEFAULT): an exponential moving average of the batch median of
 * per-sequence released window thresholds, applied with a one-step lag.
 *
 * θ_i = releasedWindowThreshold(H_i, {window: w, quantile: q}); med_k = median_i θ_i over the sequences of batch k;
 * τ ← 0.99·τ + 0.01·med_k (τ = med_1 after the first batch). Batch k is labelled with the τ left after batch k − 1;
 * batch 1 with `initialThreshold` if given, else med_1.
 *
 * @remarks
 * ## Numerics
 * The update is computed as `decay * τ + medianWeight * med` with decay = 1 − medianWeight (0.99 exactly for the
 * default), in that order, so the default reproduces the released `0.99 * ema + 0.01 * batch_p95` bit for bit.
 * The median follows `np.median`; any NaN entropy makes it NaN. A non-finite batch median throws `NON_FINITE`
 * and leaves the state unchanged, so one bad batch cannot poison every later threshold. The state
 * {τ, initialised, steps} and the options round-trip through {@link ReleasedThresholdTracker.toJSON} and
 * {@link ReleasedThresholdTracker.fromJSON}.
 *
 * Feed it the same per-token entropies the HWE counts use (ARES-TS default). The released code fed it the `plain`
 * top-k entropy while counting with `lower`, which biases τ low; pass `plain` values here only to reproduce that.
 * @example
 * ```ts
 * const tracker = new ReleasedThresholdTracker({ initialThreshold: 1.5 })
 * tracker.current // 1.5: labels the first batch
 * const { used, next } = tracker.update(batchEntropies) // used 1.5, next = med_1
 * ```
 * @see SPEC.md §2.2 (HWE threshold estimators, `released`); released code (shawn0728/ARES,
 *   verl/trainer/ray_trainer.py `fit`, verl/workers/rollout/vllm_rollout_spmd.py)
 */
export class ReleasedThresholdTracker {
  readonly #window: number;
  readonly #quantile: number;
  readonly #medianWeight: number;
  readonly #decay: number;
  readonly #initialThreshold: number | undefined;
  #threshold: number | undefined = undefined;
  #steps = 0;

  /**
   * @param options - `window` (default 4), `quantile` (default 0.95), `medianWeight` (default 0.01),
   *   `initialThreshold` (default none)
   * @throws {AresError} `INVALID_ARGUMENT` when `window` is not an integer ≥ 1, `quantile` or `medianWeight` is
   *   not in [0, 1], or `initialThreshold` is given but not finite
   */
  constructor(options: ReleasedThresholdTrackerOptions = {}) {
    const defaults = DEFAULT_RELEASED_THRESHOLD_TRACKER_OPTIONS;
    this.#window = options.window ?? defaults.window;
    this.#quantile = options.quantile ?? defaults.quantile;
    this.#medianWeight = options.medianWeight ?? defaults.medianWeight;
    this.#initialThreshold = options.initialThreshold;
    assertInteger(this.#window, 'options.window');
    assertInRange(this.#quantile, 'options.quantile', { min: 0, max: 1 });
    assertInRange(this.#medianWeight, 'options.medianWeight', { min: 0, max: 1 });
    if (this.#initialThreshold !== undefined) assertInRange(this.#initialThreshold, 'options.initialThreshold', {});
    this.#decay = 1 - this.#medianWeight;
  }

  /**
   * The τ that labels the next batch: `initialThreshold` (possibly `undefined`) before the first update, then the
   * moving average.
   */
  get current(): number | undefined {
    return this.#steps === 0 ? this.#initialThreshold : this.#threshold;
  }

  /** The number of batches observed. */
  get steps(): number {
    return this.#steps;
  }

  /** The options in force (defaults filled in). */
  get options(): ReleasedThresholdTrackerState['options'] {
    return {
      window: this.#window,
      quantile: this.#quantile,
      medianWeight: this.#medianWeight,
      initialThreshold: this.#initialThreshold ?? null,
    };
  }

  /**
   * Observes one batch: computes each sequence's released window threshold, their median, and advances the
   * moving average.
   *
   * @param sequences - the per-token entropies (nats) of every response of the batch
   * @returns `{ used, next, median }`: the τ that labels this batch, the τ for the next one, and med_k
   * @throws {AresError} `EMPTY_INPUT` for an empty batch; `NON_FINITE` when the median is not finite (the state is
   *   then unchanged)
   */
  update(sequences: readonly ArrayLike<number>[]): ThresholdUpdate {
    assertNonEmpty(sequences.length, 'sequences');
    const thresholds = new Float64Array(sequences.length);
    for (let index = 0; index < sequences.length; index++) {
      thresholds[index] = releasedWindowThreshold(sequences[index]!, {
        window: this.#window,
        quantile: this.#quantile,
      });
    }
    return this.#advance(median(thresholds), 'sequences');
  }

  /**
   * Observes one batch from per-sequence thresholds θ_i computed elsewhere (e.g. by rollout workers with
   * {@link releasedWindowThreshold}, as the released code did).
   *
   * @param thresholds - θ_i for every response of the batch
   * @returns `{ used, next, median }` as {@link ReleasedThresholdTracker.update}
   * @throws {AresError} `EMPTY_INPUT` for an empty batch; `NON_FINITE` when the median is not finite
   */
  updateFromThresholds(thresholds: ArrayLike<number>): ThresholdUpdate {
    assertNonEmpty(thresholds.length, 'thresholds');
    return this.#advance(median(thresholds), 'thresholds');
  }

  #advance(batchMedian: number, parameter: string): ThresholdUpdate {
    if (!Number.isFinite(batchMedian)) {
      throw new AresError({
        code: 'NON_FINITE',
        parameter,
        value: batchMedian,
        message: `${parameter}: the batch median of per-sequence thresholds is ${String(batchMedian)}`,
      });
    }
    const previous = this.#threshold;
    const used = previous ?? this.#initialThreshold ?? batchMedian;
    const next = previous === undefined ? batchMedian : this.#decay * previous + this.#medianWeight * batchMedian;
    this.#threshold = next;
    this.#steps++;
    return { used, next, median: batchMedian };
  }

  /** The JSON-safe state: `{ version: 1, threshold, initialised, steps, options }`. */
  toJSON(): ReleasedThresholdTrackerState {
    return {
      version: 1,
      threshold: this.#threshold ?? null,
      initialised: this.#threshold !== undefined,
      steps: this.#steps,
      options: this.options,
    };
  }

  /**
   * Restores a tracker from {@link ReleasedThresholdTracker.toJSON} output (after a JSON round trip).
   *
   * @param state - the serialised state
   * @returns a new tracker that continues exactly where the serialised one stopped
   * @throws {AresError} `INVALID_STATE` when `state` is malformed: unknown version, negative or fractional
   *   `steps`, `initialised` inconsistent with `steps` or `threshold`, a non-finite threshold, or invalid options
   */
  static fromJSON(state: ReleasedThresholdTrackerState): ReleasedThresholdTracker {
    const record = asRecord(state, 'state');
    if (record['version'] !== 1) invalidState('state.version', record['version'], 'expected version 1');
    const steps = record['steps'];
    if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) {
      invalidState('state.steps', steps, 'expected an integer ≥ 0');
    }
    const initialised = record['initialised'];
    if (typeof initialised !== 'boolean' || initialised !== steps > 0) {
      invalidState('state.initialised', initialised, 'expected a boolean that is true exactly when steps > 0');
    }
    const threshold = record['threshold'];
    if (initialised ? typeof threshold !== 'number' || !Number.isFinite(threshold) : threshold !== null) {
      invalidState('state.threshold', threshold, 'expected a finite number once initialised, else null');
    }
    const options = asRecord(record['options'], 'state.options');
    for (const name of ['window', 'quantile', 'medianWeight'] as const) {
      if (typeof options[name] !== 'number') invalidState(`state.options.${name}`, options[name], 'expected a number');
    }
    const initialThreshold = options['initialThreshold'];
    if (initialThreshold !== null && typeof initialThreshold !== 'number') {
      invalidState('state.options.initialThreshold', initialThreshold, 'expected a number or null');
    }
    let tracker: ReleasedThresholdTracker;
    try {
      tracker = new ReleasedThresholdTracker({
        window: options['window'] as number,
        quantile: options['quantile'] as number,
        medianWeight: options['medianWeight'] as number,
        ...(initialThreshold === null ? {} : { initialThreshold }),
      });
    } catch (error) {
      const parameter = AresError.isInstance(error) ? `state.${error.parameter ?? 'options'}` : 'state.options';
      throw new AresError({
        code: 'INVALID_STATE',
        parameter,
        value: AresError.isInstance(error) ? error.value : undefined,
        message: `${parameter}: invalid option in serialised state`,
        cause: error,
      });
    }
    tracker.#threshold = initialised ? (threshold as number) : undefined;
    tracker.#steps = steps;
    return tracker;
  }
}

function invalidState(parameter: string, value: unknown, expectation: string): never {
  throw new AresError({ code: 'INVALID_STATE', parameter, value, message: `${parameter}: ${expectation}` });
}

function asRecord(value: unknown, parameter: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalidState(parameter, value, 'expected an object');
  }
  return value as Record<string, unknown>;
}
