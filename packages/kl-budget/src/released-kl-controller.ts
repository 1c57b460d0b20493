import type { AresErrorCode, DifficultyBucket } from '@ares/core';
import { readCounter, readStateHeader, settingsReader, settingsSnapshot } from './controller-state';
import { checkBucket, type KlController, type KlUpdateContext } from './kl-controller';
import { checkBoolean, checkNumber, checkObject, checkObservations, mapBuckets } from './validate';

/** Options of {@link ReleasedKlController}; every constant of the released code is an option. */
export interface ReleasedKlControllerOptions {
  /**
   * The global KL coefficient (`kl_coef`); `coefficient(d)` = coefficient·β_d.
   * @default 0.01
   */
  readonly coefficient?: number;
  /**
   * The KL target δ_d > 0 per bucket (`kl_target_*`).
   * @default { easy: 0.01, medium: 0.01, hard: 0.01 }
   */
  readonly targets?: Readonly<Partial<Record<DifficultyBucket, number>>>;
  /**
   * β_d before the first update (`kl_beta_init`).
   * @default 1
   */
  readonly initialBeta?: number;
  /**
   * Lower bound of β (`kl_beta_min`), > 0.
   * @default 1e-4
   */
  readonly minBeta?: number;
  /**
   * Upper bound of β (`kl_beta_max`).
   * @default 100
   */
  readonly maxBeta?: number;
  /**
   * EMA decay of the KL and of the error (`kl_ema_decay`), in [0, 1).
   * @default 0.97
   */
  readonly emaDecay?: number;
  /**
   * Step size in log space (`kl_beta_lr`).
   * @default 0.05
   */
  readonly learningRate?: number;
  /**
   * Bound on the smoothed error per update (`kl_beta_clip`).
   * @default 0.2
   */
  readonly errorClip?: number;
  /**
   * Update β only on calls whose count is a multiple of this (`kl_update_interval`).
   * @default 100
   */
  readonly updateInterval?: number;
  /**
   * Skip the update while |e| is below this (`kl_deadzone`).
   * @default 0.02
   */
  readonly deadzone?: number;
  /**
   * Scale the KL of easy, wrong, high-soft-cost sequences (see {@link ReleasedKlController.sequenceCoefficient}).
   * In the released code this never fired, because the actor never received those fields.
   * @default false
   */
  readonly secondChance?: boolean;
  /**
   * The second-chance factor (`second_chance_kl_relax`).
   * @default 0.67
   */
  readonly secondChanceScale?: number;
  /**
   * The smallest soft cost that triggers the second chance (`second_chance_soft_cost_min`).
   * @default 0.5
   */
  readonly secondChanceMinSoftCost?: number;
}

/** The resolved options of a {@link ReleasedKlController}, as stored in its state. */
export interface ReleasedKlControllerSettings {
  readonly coefficient: number;
  readonly targets: Readonly<Record<DifficultyBucket, number>>;
  readonly initialBeta: number;
  readonly minBeta: number;
  readonly maxBeta: number;
  readonly emaDecay: number;
  readonly learningRate: number;
  readonly errorClip: number;
  readonly updateInterval: number;
  readonly deadzone: number;
  readonly secondChance: boolean;
  readonly secondChanceScale: number;
  readonly secondChanceMinSoftCost: number;
}

/** Defaults of {@link ReleasedKlControllerOptions}: the released code's constants. */
export const DEFAULT_RELEASED_KL_CONTROLLER_OPTIONS: ReleasedKlControllerSettings = Object.freeze({
  coefficient: 0.01,
  targets: Object.freeze({ easy: 0.01, medium: 0.01, hard: 0.01 }),
  initialBeta: 1,
  minBeta: 1e-4,
  maxBeta: 100,
  emaDecay: 0.97,
  learningRate: 0.05,
  errorClip: 0.2,
  updateInterval: 100,
  deadzone: 0.02,
  secondChance: false,
  secondChanceScale: 0.67,
  secondChanceMinSoftCost: 0.5,
});

/** Per-bucket state of a {@link ReleasedKlController}. */
export interface ReleasedKlBucketState {
  /** β_d. */
  readonly beta: number;
  /** K̄_d, the KL EMA; null before the bucket's first observation. */
  readonly klAverage: number | null;
  /** ē_d, the error EMA. */
  readonly errorAverage: number;
}

/** Serialised state of a {@link ReleasedKlController}. */
export interface ReleasedKlControllerState {
  readonly kind: 'released';
  readonly version: 1;
  readonly options: ReleasedKlControllerSettings;
  /** n, calls to `update` so far (one per micro-batch). */
  readonly calls: number;
  readonly buckets: Readonly<Record<DifficultyBucket, ReleasedKlBucketState>>;
}

/** The outcome of one sequence, for {@link ReleasedKlController.sequenceCoefficient}. */
export interface ReleasedSequenceOutcome {
  /** Whether the answer was correct. */
  readonly correct: boolean;
  /** The sequence's reasoning soft cost (e.g. `countTriggers(...).softCost`). */
  readonly softCost: number;
}

function resolveSettings(options: unknown, code: AresErrorCode, prefix: string): ReleasedKlControllerSettings {
  const read = settingsReader(options, code, prefix, DEFAULT_RELEASED_KL_CONTROLLER_OPTIONS);
  const positive = { min: 0, lowerOpen: true } as const;
  const coefficient = read.number('coefficient', { min: 0 });
  const targets = read.bucketRecord('targets', positive);
  const minBeta = read.number('minBeta', positive);
  const maxBeta = read.number('maxBeta', { min: minBeta });
  const initialBeta = read.number('initialBeta', { min: minBeta, max: maxBeta });
  const emaDecay = read.number('emaDecay', { min: 0, max: 1, upperOpen: true });
  const learningRate = read.number('learningRate', { min: 0 });
  const errorClip = read.number('errorClip', { min: 0 });
  const updateInterval = read.number('updateInterval', { min: 1, integer: true });
  const deadzone = read.number('deadzone', { min: 0 });
  const secondChance = read.boolean('secondChance');
  const secondChanceScale = read.number('secondChanceScale', { min: 0 });
  const secondChanceMinSoftCost = read.number('secondChanceMinSoftCost', {});
  return Object.freeze({
    coefficient,
    targets,
    initialBeta,
    minBeta,
    maxBeta,
    emaDecay,
    learningRate,
    errorClip,
    updateInterval,
    deadzone,
    secondChance,
    secondChanceScale,
    secondChanceMinSoftCost,
  });
}

interface MutableBucketState {
  beta: number;
  klAverage: number | null;
  errorAverage: number;
}

/**
 * The released code's per-bucket KL controller (dp_actor.py `_update_beta_per_bucket`), ported with one shared
 * state instead of one per data-parallel rank.
 *
 * Each call: n ← n + 1; per observed bucket K̄ ← 0.03·cur + 0.97·K̄ (K̄ = cur at the first observation),
 * e = K̄/δ − 1; unless |e| < 0.02 or n mod 100 ≠ 0: ē ← 0.03·e + 0.97·ē, step = clip(ē, −0.2, 0.2),
 * ln β ← clip(ln β + 0.05·step, ln 1e-4, ln 100). `coefficient(d)` = 0.01·β_d.
 *
 * @remarks
 * ## Numerics
 * The arithmetic follows the released Python operation by operation ((1 − decay)·cur + decay·last, β clamped before
 * its log), so the trajectories agree to float64 rounding. |Δ ln β| ≤ 0.05·0.2 = 0.01 per update, and
 * sign(Δ ln β) = sign(ē). Call `update` once per micro-batch with, per bucket, the mean over its sequences of the
 * per-sequence token-mean k3 (`bucketKlStatistics(...)[d].sequenceMean`). The released code's dead
 * `TokenLevelAdaptiveKLController` and older per-bucket multipliers are not ported.
 *
 * `secondChance` (DEFAULT off): {@link ReleasedKlController.sequenceCoefficient} scales the coefficient of an easy,
 * wrong sequence with soft cost ≥ 0.5 by 0.67. The released code applied that factor to the sequence's token KL
 * after β, and it never fired there because the actor never received accuracy or soft cost.
 * @example
 * ```ts
 * const controller = new ReleasedKlController();
 * for (let call = 0; call < 100; call++) controller.update({ hard: 0.02 });
 * controller.coefficient('hard'); // 0.01·e^0.0015 (ē = 0.03 at call 100)
 * ```
 * @see SPEC.md §2.4 (`released` controller), §6.5 item 25; released code (shawn0728/ARES,
 *   `verl/workers/actor/dp_actor.py`)
 */
export class ReleasedKlController implements KlController {
  readonly kind = 'released' as const;
  readonly #settings: ReleasedKlControllerSettings;
  readonly #buckets: Record<DifficultyBucket, MutableBucketState>;
  #calls = 0;

  /**
   * @param options - the released constants (see {@link ReleasedKlControllerOptions})
   * @throws {AresError} `INVALID_ARGUMENT` naming the option when it is out of range
   */
  constructor(options: ReleasedKlControllerOptions = {}) {
    this.#settings = resolveSettings(options, 'INVALID_ARGUMENT', 'options');
    const beta = this.#settings.initialBeta;
    this.#buckets = mapBuckets(() => ({ beta, klAverage: null, errorAverage: 0 }));
  }

  /** coefficient·β_d. @throws {AresError} `INVALID_ARGUMENT` for an unknown bucket */
  coefficient(bucket: DifficultyBucket): number {
    checkBucket(bucket);
    return this.#settings.coefficient * this.#buckets[bucket].beta;
  }

  /**
   * The coefficient of one sequence: `coefficient(bucket)`, times `secondChanceScale` when `secondChance` is on
   * and the sequence is easy, wrong and has soft cost ≥ `secondChanceMinSoftCost`.
   * @param bucket - the sequence's bucket
   * @param outcome - `correct` and `softCost` of the sequence
   * @returns the coefficient to multiply the sequence's per-token KL with
   * @throws {AresError} `INVALID_ARGUMENT` for an unknown bucket, a non-boolean `outcome.correct` or a non-finite
   *   `outcome.softCost`
   */
  sequenceCoefficient(bucket: DifficultyBucket, outcome: ReleasedSequenceOutcome): number {
    const coefficient = this.coefficient(bucket);
    const record = checkObject(outcome, 'outcome', 'INVALID_ARGUMENT');
    const correct = checkBoolean(record['correct'], 'outcome.correct', 'INVALID_ARGUMENT');
    const softCost = checkNumber(record['softCost'], 'outcome.softCost', {}, 'INVALID_ARGUMENT');
    const settings = this.#settings;
    const relaxed = settings.secondChance && bucket === 'easy' && !correct && softCost >= settings.secondChanceMinSoftCost;
    return relaxed ? coefficient * settings.secondChanceScale : coefficient;
  }

  /**
   * One released-controller call (one micro-batch); the call counter advances even when no bucket is observed.
   * @param observations - per bucket, the mean over its sequences of the per-sequence token-mean KL; finite
   * @param _context - unused
   * @throws {AresError} `NON_FINITE` for a NaN or ±Infinity observation
   */
  update(observations: Partial<Record<DifficultyBucket, number>>, _context?: KlUpdateContext): void {
    const present = checkObservations(observations, false);
    const { emaDecay, targets, deadzone, updateInterval, errorClip, minBeta, maxBeta, learningRate } = this.#settings;
    this.#calls++;
    for (const [bucket, current] of present) {
      const state = this.#buckets[bucket];
      const last = state.klAverage ?? current;
      const average = (1 - emaDecay) * current + emaDecay * last;
      state.klAverage = average;
      const error = average / targets[bucket] - 1;
      if (Math.abs(error) < deadzone) continue;
      if (this.#calls % updateInterval !== 0) continue;
      state.errorAverage = (1 - emaDecay) * error + emaDecay * state.errorAverage;
      const step = Math.min(Math.max(state.errorAverage, -errorClip), errorClip);
      const logBeta = Math.log(Math.max(minBeta, Math.min(maxBeta, state.beta)));
      state.beta = Math.exp(Math.min(Math.max(logBeta + learningRate * step, Math.log(minBeta)), Math.log(maxBeta)));
    }
  }

  /** The full state (options, call counter, β, K̄ and ē per bucket) as plain JSON data. */
  toJSON(): ReleasedKlControllerState {
    return {
      kind: 'released',
      version: 1,
      options: settingsSnapshot(this.#settings),
      calls: this.#calls,
      buckets: mapBuckets((bucket) => ({ ...this.#buckets[bucket] })),
    };
  }

  /**
   * Rebuilds a controller from {@link ReleasedKlController.toJSON} output.
   * @throws {AresError} `INVALID_STATE` (naming the field) when the state is malformed
   */
  static fromJSON(state: ReleasedKlControllerState): ReleasedKlController {
    const { record, settings } = readStateHeader(state, 'released', resolveSettings);
    const calls = readCounter(record, 'calls');
    const bucketsRecord = checkObject(record['buckets'], 'state.buckets', 'INVALID_STATE');
    const buckets = mapBuckets((bucket): MutableBucketState => {
      const prefix = `state.buckets.${bucket}`;
      const entry = checkObject(bucketsRecord[bucket], prefix, 'INVALID_STATE');
      const beta = checkNumber(entry['beta'], `${prefix}.beta`, { min: 0, lowerOpen: true }, 'INVALID_STATE');
      const average = entry['klAverage'];
      const klAverage = average === null ? null : checkNumber(average, `${prefix}.klAverage`, {}, 'INVALID_STATE');
      const errorAverage = checkNumber(entry['errorAverage'], `${prefix}.errorAverage`, {}, 'INVALID_STATE');
      return { beta, klAverage, errorAverage };
    });
    const controller = new ReleasedKlController(settings);
    Object.assign(controller.#buckets, buckets);
    controller.#calls = calls;
    return controller;
  }
}
