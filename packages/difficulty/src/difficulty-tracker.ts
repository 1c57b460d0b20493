import {
  AresError,
  assertInRange,
  assertOneOf,
  assertSameLength,
  DIFFICULTY_BUCKETS,
  neumaierSum,
  type DifficultyBucket,
} from '@ares/core';
import {
  classify,
  DEFAULT_BUCKET_OF_OPTIONS,
  resolveThresholds,
  type BucketOfOptions,
  type DifficultyThresholds,
} from './bucket-of';
import { countCorrect, throwBadOutcome } from './pass-rate';

/**
 * How the tracker turns the visits of one prompt into a pass rate.
 *
 * - `latest`: the pass rate of the most recent visit only (the paper's "recomputed each iteration"; the released
 *   code overwrites).
 * - `cumulative`: pooled counts over all visits, Σc / Σn.
 * - `ema`: an exponential moving average over visits, p ← emaDecay·p + (1 − emaDecay)·c/n, started at the first
 *   visit's c/n.
 */
export type DifficultyTrackerMode = 'latest' | 'cumulative' | 'ema';

/** The tracker modes, in the order of {@link DifficultyTrackerMode}. */
export const DIFFICULTY_TRACKER_MODES: readonly DifficultyTrackerMode[] = Object.freeze([
  'latest',
  'cumulative',
  'ema',
] as const);

/** Options of the {@link DifficultyTracker} constructor. */
export interface DifficultyTrackerOptions {
  /**
   * How visits combine into a pass rate.
   * @default 'latest'
   */
  readonly mode?: DifficultyTrackerMode;
  /**
   * Bucket thresholds, as for `bucketOf`.
   * @default { easyAtLeast: 2 / 3, hardBelow: 1 / 3 }
   */
  readonly thresholds?: BucketOfOptions;
  /**
   * Weight of the previous estimate in `ema` mode, in [0, 1) (0 reduces to `latest`). Ignored by the other modes.
   * (INFERRED: the sources define no per-prompt EMA.)
   * @default 0.5
   */
  readonly emaDecay?: number;
}

/** Defaults of {@link DifficultyTrackerOptions}. */
export const DEFAULT_DIFFICULTY_TRACKER_OPTIONS: Readonly<{
  mode: DifficultyTrackerMode;
  thresholds: DifficultyThresholds;
  emaDecay: number;
}> = Object.freeze({
  mode: 'latest',
  thresholds: DEFAULT_BUCKET_OF_OPTIONS,
  emaDecay: 0.5,
});

/** What the tracker knows about one prompt. */
export interface DifficultyTrackerEntry {
  /** The current pass-rate estimate in [0, 1]: c/n of the last visit, Σc/Σn, or the EMA, by mode. */
  readonly passRate: number;
  /** Correct rollouts: of the last visit in `latest` mode, summed over all visits otherwise. */
  readonly correct: number;
  /** Rollouts: of the last visit in `latest` mode, summed over all visits otherwise. */
  readonly total: number;
  /** Number of updates of this prompt. */
  readonly visits: number;
}

/** One serialised prompt: its id (always a string) and its {@link DifficultyTrackerEntry}. */
export interface DifficultyTrackerStateEntry extends DifficultyTrackerEntry {
  readonly id: string;
}

/**
 * The JSON-safe state of a {@link DifficultyTracker}, saved in every trainer checkpoint. `emaDecay` is present only
 * in `ema` mode. Entries are in first-seen order.
 */
export interface DifficultyTrackerState {
  readonly version: 1;
  readonly mode: DifficultyTrackerMode;
  readonly thresholds: DifficultyThresholds;
  readonly emaDecay?: number;
  readonly entries: readonly DifficultyTrackerStateEntry[];
}

/** Per-bucket statistics of the tracked prompts. */
export interface DifficultyBucketSummary {
  /** Number of prompts currently in the bucket. */
  readonly count: number;
  /** Mean pass rate of those prompts; NaN when the bucket is empty. */
  readonly meanPassRate: number;
}

interface MutableEntry {
  passRate: number;
  correct: number;
  total: number;
  visits: number;
}

function invalidState(parameter: string, value: unknown, message: string): never {
  throw new AresError({ code: 'INVALID_STATE', parameter, value, message: `${parameter}: ${message}` });
}

function promptKey(promptId: unknown, parameter: string): string {
  if (typeof promptId === 'string') return promptId;
  if (typeof promptId === 'number' && Number.isFinite(promptId)) return String(promptId);
  throw new AresError({
    code: 'INVALID_ARGUMENT',
    parameter,
    value: promptId,
    message: `${parameter}: expected a string or a finite number, got ${String(promptId)}`,
  });
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * Persistent per-prompt difficulty: records the pass rate of each prompt's rollouts and returns its bucket.
 *
 * On each visit with c of n rollouts correct, the prompt's pass rate becomes c/n (`latest`, DEFAULT), Σc/Σn over all
 * visits (`cumulative`), or emaDecay·p + (1 − emaDecay)·c/n (`ema`); its bucket is `bucketOf(p, thresholds)`.
 *
 * Ids are stored as `String(id)`, so `1` and `"1"` are the same prompt. With n = 1 per visit (validation) in
 * `latest` mode only `easy` and `hard` occur. The state survives checkpoints through {@link DifficultyTracker.toJSON}
 * and {@link DifficultyTracker.fromJSON} (the released code kept it only in memory).
 *
 * @throws {AresError} from the constructor: `UNSUPPORTED` (parameter `options.mode`) for an unknown mode;
 *   `INVALID_ARGUMENT` for thresholds outside 0 ≤ hardBelow ≤ easyAtLeast ≤ 1 (`options.thresholds.easyAtLeast`,
 *   `options.thresholds.hardBelow`) or an `emaDecay` outside [0, 1) (`options.emaDecay`)
 * @remarks
 * ## Numerics
 * Counts are exact integers; `latest` and `cumulative` pass rates are one division c/n, so buckets are exact (see
 * `bucketOf`). The EMA is one fused update per visit in float64; JSON keeps every float64 exactly, so a restored
 * tracker continues bit for bit. `summary` means use compensated summation.
 * @example
 * ```ts
 * const tracker = new DifficultyTracker();
 * tracker.update('q1', [true, true, false, true, true, true, true, false]); // 'easy' (6 of 8)
 * tracker.bucket('q2'); // undefined: never seen
 * const restored = DifficultyTracker.fromJSON(JSON.parse(JSON.stringify(tracker.toJSON())));
 * ```
 * @see SPEC.md §2.3 (DifficultyTracker); paper §3.2 and App. G; released flag `data.bootstrap`
 */
export class DifficultyTracker {
  /** How visits combine into a pass rate. */
  readonly mode: DifficultyTrackerMode;
  /** The validated bucket thresholds. */
  readonly thresholds: DifficultyThresholds;
  /** Weight of the previous estimate in `ema` mode. */
  readonly emaDecay: number;
  readonly #entries = new Map<string, MutableEntry>();

  /**
   * Creates an empty tracker.
   * @param options - `mode` (default `'latest'`), `thresholds` (default thirds), `emaDecay` (default 0.5)
   * @throws {AresError} `UNSUPPORTED` for an unknown mode; `INVALID_ARGUMENT` for bad thresholds or `emaDecay`
   */
  constructor(options: DifficultyTrackerOptions = {}) {
    const mode = options.mode ?? DEFAULT_DIFFICULTY_TRACKER_OPTIONS.mode;
    assertOneOf(mode, DIFFICULTY_TRACKER_MODES, 'options.mode');
    const emaDecay = options.emaDecay ?? DEFAULT_DIFFICULTY_TRACKER_OPTIONS.emaDecay;
    assertInRange(emaDecay, 'options.emaDecay', { min: 0, max: 1, upperOpen: true });
    this.mode = mode;
    this.thresholds = Object.freeze(resolveThresholds(options.thresholds ?? {}, 'options.thresholds'));
    this.emaDecay = emaDecay;
  }

  /** Number of prompts seen. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records one visit of a prompt (its group of rollouts) and returns the prompt's new bucket.
   * @param promptId - the prompt, a string or a finite number (stored as `String(promptId)`)
   * @param correctness - one outcome per rollout, `true`/`false` or 1/0; not modified
   * @returns the bucket of the updated pass rate
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `promptId`) for another id type or a non-finite number;
   *   `EMPTY_INPUT` for an empty group; `INVALID_ARGUMENT` (parameter `correctness`) for a value other than
   *   true/false/1/0. Nothing is recorded when it throws.
   */
  update(promptId: string | number, correctness: ArrayLike<number | boolean>): DifficultyBucket {
    const key = promptKey(promptId, 'promptId');
    if (correctness.length === 0) {
      throw new AresError({ code: 'EMPTY_INPUT', parameter: 'correctness', value: 0, message: 'correctness: must not be empty' });
    }
    const correct = countCorrect(correctness, 'correctness');
    return this.#record(key, correct, correctness.length);
  }

  /**
   * Records a whole batch, rollouts of the same prompt forming one group (one visit each), as laid out in a GRPO
   * batch; also the bootstrap pass that pre-labels every prompt before RL.
   * @param promptIds - the prompt of each rollout
   * @param correctness - the outcome of each rollout (`true`/`false` or 1/0), paired with `promptIds`
   * @returns the new bucket of each prompt in the batch, keyed by `String(promptId)` in first-appearance order
   * @throws {AresError} `SHAPE_MISMATCH` (parameter `correctness`) when the lengths differ; `INVALID_ARGUMENT` for a
   *   bad id (`promptIds`) or outcome (`correctness`). The batch is validated before anything is recorded.
   */
  updateMany(
    promptIds: ArrayLike<string | number>,
    correctness: ArrayLike<number | boolean>,
  ): Map<string, DifficultyBucket> {
    assertSameLength(correctness.length, promptIds.length, 'correctness', 'promptIds');
    const groups = new Map<string, { correct: number; total: number }>();
    for (let index = 0; index < promptIds.length; index++) {
      const key = promptKey(promptIds[index], 'promptIds');
      const value = correctness[index];
      if (value !== true && value !== false && value !== 1 && value !== 0) throwBadOutcome('correctness', index, value);
      const group = groups.get(key);
      const hit = value === true || value === 1 ? 1 : 0;
      if (group === undefined) groups.set(key, { correct: hit, total: 1 });
      else {
        group.correct += hit;
        group.total += 1;
      }
    }
    const buckets = new Map<string, DifficultyBucket>();
    for (const [key, group] of groups) buckets.set(key, this.#record(key, group.correct, group.total));
    return buckets;
  }

  /** The bucket of a prompt, or `undefined` if it was never updated. */
  bucket(promptId: string | number): DifficultyBucket | undefined {
    const entry = this.#entries.get(String(promptId));
    return entry === undefined ? undefined : classify(entry.passRate, this.thresholds);
  }

  /** The pass-rate estimate of a prompt, or `undefined` if it was never updated. */
  passRate(promptId: string | number): number | undefined {
    return this.#entries.get(String(promptId))?.passRate;
  }

  /** A copy of everything recorded about a prompt, or `undefined` if it was never updated. */
  entry(promptId: string | number): DifficultyTrackerEntry | undefined {
    const entry = this.#entries.get(String(promptId));
    return entry === undefined ? undefined : { ...entry };
  }

  /** True when the prompt has been updated at least once. */
  has(promptId: string | number): boolean {
    return this.#entries.has(String(promptId));
  }

  /** The ids of the tracked prompts (all, or those now in `bucket`), in first-seen order. */
  prompts(bucket?: DifficultyBucket): string[] {
    const ids: string[] = [];
    for (const [id, entry] of this.#entries) {
      if (bucket === undefined || classify(entry.passRate, this.thresholds) === bucket) ids.push(id);
    }
    return ids;
  }

  /** Number of tracked prompts in each bucket. */
  counts(): Record<DifficultyBucket, number> {
    const counts = { easy: 0, medium: 0, hard: 0 };
    for (const entry of this.#entries.values()) counts[classify(entry.passRate, this.thresholds)]++;
    return counts;
  }

  /**
   * Prompt count and mean pass rate of each bucket (mean = Σp / count over the bucket's prompts, NaN when empty).
   */
  summary(): Record<DifficultyBucket, DifficultyBucketSummary> {
    const counts = this.counts();
    const rates = {
      easy: new Float64Array(counts.easy),
      medium: new Float64Array(counts.medium),
      hard: new Float64Array(counts.hard),
    };
    const filled = { easy: 0, medium: 0, hard: 0 };
    for (const entry of this.#entries.values()) {
      const bucket = classify(entry.passRate, this.thresholds);
      rates[bucket][filled[bucket]++] = entry.passRate;
    }
    const result = {} as Record<DifficultyBucket, DifficultyBucketSummary>;
    for (const bucket of DIFFICULTY_BUCKETS) {
      const count = counts[bucket];
      result[bucket] = { count, meanPassRate: count === 0 ? Number.NaN : neumaierSum(rates[bucket]) / count };
    }
    return result;
  }

  /** The JSON-safe state: `{version: 1, mode, thresholds, emaDecay (ema only), entries}`; a fresh copy. */
  toJSON(): DifficultyTrackerState {
    const entries: DifficultyTrackerStateEntry[] = [];
    for (const [id, entry] of this.#entries) {
      entries.push({ id, passRate: entry.passRate, correct: entry.correct, total: entry.total, visits: entry.visits });
    }
    const thresholds = { easyAtLeast: this.thresholds.easyAtLeast, hardBelow: this.thresholds.hardBelow };
    return this.mode === 'ema'
      ? { version: 1, mode: this.mode, thresholds, emaDecay: this.emaDecay, entries }
      : { version: 1, mode: this.mode, thresholds, entries };
  }

  /**
   * Restores a tracker from {@link DifficultyTracker.toJSON} output (for example after `JSON.parse`). The state is
   * copied, not kept.
   * @param state - a version-1 state
   * @returns a tracker that continues exactly where the saved one stopped
   * @throws {AresError} `INVALID_STATE`, naming the field (`state.version`, `state.entries[3].correct`, …), for an
   *   unknown version or mode, bad thresholds or `emaDecay`, and malformed or duplicate entries (counts not
   *   integers with 0 ≤ correct ≤ total, total ≥ 1, visits ≥ 1; a pass rate outside [0, 1] or, outside `ema`
   *   mode, different from correct/total)
   */
  static fromJSON(state: DifficultyTrackerState): DifficultyTracker {
    if (typeof state !== 'object' || state === null) invalidState('state', state, 'expected an object');
    if (state.version !== 1) invalidState('state.version', state.version, `unknown version ${String(state.version)}`);
    const mode: unknown = state.mode;
    if (!(DIFFICULTY_TRACKER_MODES as readonly unknown[]).includes(mode)) {
      invalidState('state.mode', mode, `unknown mode ${String(mode)}`);
    }
    const thresholds: unknown = state.thresholds;
    if (typeof thresholds !== 'object' || thresholds === null) {
      invalidState('state.thresholds', thresholds, 'expected {easyAtLeast, hardBelow}');
    }
    const { easyAtLeast, hardBelow } = thresholds as Record<string, unknown>;
    if (typeof easyAtLeast !== 'number' || typeof hardBelow !== 'number') {
      invalidState('state.thresholds', thresholds, 'easyAtLeast and hardBelow must be numbers');
    }
    if (state.emaDecay !== undefined && mode !== 'ema') {
      invalidState('state.emaDecay', state.emaDecay, `only an ema state carries emaDecay, not a ${String(mode)} state`);
    }
    if (mode === 'ema' && typeof state.emaDecay !== 'number') {
      invalidState('state.emaDecay', state.emaDecay, 'an ema state needs a numeric emaDecay');
    }
    let tracker: DifficultyTracker;
    try {
      tracker = new DifficultyTracker({
        mode: mode as DifficultyTrackerMode,
        thresholds: { easyAtLeast, hardBelow },
        ...(mode === 'ema' ? { emaDecay: state.emaDecay as number } : {}),
      });
    } catch (error) {
      const parameter = AresError.isInstance(error) ? (error.parameter ?? 'state') : 'state';
      throw new AresError({
        code: 'INVALID_STATE',
        parameter: parameter.replace(/^options\./, 'state.'),
        value: AresError.isInstance(error) ? error.value : undefined,
        message: `invalid state: ${(error as Error).message}`,
        cause: error,
      });
    }
    const entries: unknown = state.entries;
    if (!Array.isArray(entries)) invalidState('state.entries', entries, 'expected an array');
    const pooled = mode !== 'latest';
    for (let index = 0; index < entries.length; index++) {
      const name = `state.entries[${index}]`;
      const entry: unknown = entries[index];
      if (typeof entry !== 'object' || entry === null) invalidState(name, entry, 'expected an object');
      const { id, passRate, correct, total, visits } = entry as Record<string, unknown>;
      if (typeof id !== 'string') invalidState(`${name}.id`, id, 'expected a string');
      if (tracker.#entries.has(id)) invalidState(`${name}.id`, id, `duplicate id ${JSON.stringify(id)}`);
      if (!isNonNegativeInteger(total) || total < 1) invalidState(`${name}.total`, total, 'expected an integer ≥ 1');
      if (!isNonNegativeInteger(correct) || correct > total) {
        invalidState(`${name}.correct`, correct, `expected an integer in [0, total = ${total}]`);
      }
      if (!isNonNegativeInteger(visits) || visits < 1 || (pooled && visits > total)) {
        invalidState(`${name}.visits`, visits, `expected an integer ≥ 1${pooled ? ` and ≤ total = ${total}` : ''}`);
      }
      if (typeof passRate !== 'number' || !(passRate >= 0 && passRate <= 1)) {
        invalidState(`${name}.passRate`, passRate, 'expected a number in [0, 1]');
      }
      if (mode !== 'ema' && passRate !== correct / total) {
        invalidState(`${name}.passRate`, passRate, `expected correct / total = ${correct / total}`);
      }
      tracker.#entries.set(id, { passRate, correct, total, visits });
    }
    return tracker;
  }

  #record(key: string, correct: number, total: number): DifficultyBucket {
    const rate = correct / total;
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#entries.set(key, { passRate: rate, correct, total, visits: 1 });
      return classify(rate, this.thresholds);
    }
    entry.visits += 1;
    if (this.mode === 'latest') {
      entry.correct = correct;
      entry.total = total;
      entry.passRate = rate;
    } else {
      entry.correct += correct;
      entry.total += total;
      entry.passRate =
        this.mode === 'cumulative' ? entry.correct / entry.total : this.emaDecay * entry.passRate + (1 - this.emaDecay) * rate;
    }
    return classify(entry.passRate, this.thresholds);
  }
}
