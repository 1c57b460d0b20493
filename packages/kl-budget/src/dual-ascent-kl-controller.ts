import type { AresErrorCode, DifficultyBucket } from '@ares/core';
import { coefficientControllerState, readCoefficientControllerState, settingsReader } from './controller-state';
import { checkBucket, type KlController, type KlUpdateContext } from './kl-controller';
import { checkObservations, mapBuckets } from './validate';

/** Options of {@link DualAscentKlController}. */
export interface DualAscentKlControllerOptions {
  /**
   * α_κ ∈ (0, 1), the multiplicative step; α_κ < 1 keeps κ positive for KL ≥ 0.
   * @default 0.05
   */
  readonly learningRate?: number;
  /**
   * The KL budget δ_d > 0 per bucket; missing buckets keep the default.
   * @default { easy: 0.005, medium: 0.01, hard: 0.02 }
   */
  readonly targets?: Readonly<Partial<Record<DifficultyBucket, number>>>;
  /**
   * κ_d before the first update, in [minCoefficient, maxCoefficient].
   * @default 1
   */
  readonly initialCoefficient?: number;
  /**
   * κ_min > 0.
   * @default 1e-4
   */
  readonly minCoefficient?: number;
  /**
   * κ_max ≥ κ_min.
   * @default 100
   */
  readonly maxCoefficient?: number;
}

/** The resolved options of a {@link DualAscentKlController}, as stored in its state. */
export interface DualAscentKlControllerSettings {
  readonly learningRate: number;
  readonly targets: Readonly<Record<DifficultyBucket, number>>;
  readonly initialCoefficient: number;
  readonly minCoefficient: number;
  readonly maxCoefficient: number;
}

/** Defaults of {@link DualAscentKlControllerOptions} (ours: the paper gives no values). */
export const DEFAULT_DUAL_ASCENT_KL_CONTROLLER_OPTIONS: DualAscentKlControllerSettings = Object.freeze({
  learningRate: 0.05,
  targets: Object.freeze({ easy: 0.005, medium: 0.01, hard: 0.02 }),
  initialCoefficient: 1,
  minCoefficient: 1e-4,
  maxCoefficient: 100,
});

/** Serialised state of a {@link DualAscentKlController}. */
export interface DualAscentKlControllerState {
  readonly kind: 'dual-ascent';
  readonly version: 1;
  readonly options: DualAscentKlControllerSettings;
  /** κ_d per bucket. */
  readonly coefficients: Readonly<Record<DifficultyBucket, number>>;
  /** Calls to `update` so far. */
  readonly updates: number;
}

function resolveSettings(options: unknown, code: AresErrorCode, prefix: string): DualAscentKlControllerSettings {
  const read = settingsReader(options, code, prefix, DEFAULT_DUAL_ASCENT_KL_CONTROLLER_OPTIONS);
  const learningRate = read.number('learningRate', { min: 0, max: 1, lowerOpen: true, upperOpen: true });
  const targets = read.bucketRecord('targets', { min: 0, lowerOpen: true });
  const minCoefficient = read.number('minCoefficient', { min: 0, lowerOpen: true });
  const maxCoefficient = read.number('maxCoefficient', { min: minCoefficient });
  const initialCoefficient = read.number('initialCoefficient', { min: minCoefficient, max: maxCoefficient });
  return Object.freeze({ learningRate, targets, initialCoefficient, minCoefficient, maxCoefficient });
}

/**
 * The paper's KL-budget controller (DEFAULT): multiplicative dual ascent on κ_d towards a per-bucket budget δ_d.
 *
 * κ_d ← clip(κ_d·(1 + α_κ·(KL_ctrl(d)/δ_d − 1)), κ_min, κ_max), once per step, where KL_ctrl is
 * {@link controlStatistic} (non-window KL per sequence). KL above the budget raises κ_d, below lowers it, at the
 * budget leaves it.
 *
 * @remarks
 * ## Numerics
 * One multiplication and a clip per observed bucket. Observations must be finite (`NON_FINITE`) and ≥ 0
 * (`INVALID_ARGUMENT`); with α_κ < 1 the factor 1 + α_κ·(KL/δ − 1) ≥ 1 − α_κ > 0. All observations are checked
 * before any coefficient changes.
 * @example
 * ```ts
 * const controller = new DualAscentKlController();
 * controller.update({ medium: 0.02 }); // twice the 0.01 budget
 * controller.coefficient('medium'); // 1.05
 * ```
 * @see SPEC.md §2.4 (`dual-ascent`), §6.5 item 24; paper App. F and App. L
 */
export class DualAscentKlController implements KlController {
  readonly kind = 'dual-ascent' as const;
  readonly #settings: DualAscentKlControllerSettings;
  readonly #coefficients: Record<DifficultyBucket, number>;
  #updates: number;

  /**
   * @param options - `learningRate` α_κ, `targets` δ_d, `initialCoefficient`, `minCoefficient`, `maxCoefficient`
   * @throws {AresError} `INVALID_ARGUMENT` naming the option (`options.learningRate` …) when it is out of range
   */
  constructor(options: DualAscentKlControllerOptions = {}) {
    this.#settings = resolveSettings(options, 'INVALID_ARGUMENT', 'options');
    const initial = this.#settings.initialCoefficient;
    this.#coefficients = mapBuckets(() => initial);
    this.#updates = 0;
  }

  /** κ_d. @throws {AresError} `INVALID_ARGUMENT` for an unknown bucket */
  coefficient(bucket: DifficultyBucket): number {
    checkBucket(bucket);
    return this.#coefficients[bucket];
  }

  /**
   * One dual-ascent step per observed bucket; absent buckets are unchanged.
   * @param observations - KL_ctrl(d) per bucket (from {@link controlStatistic}), each finite and ≥ 0
   * @param _context - unused
   * @throws {AresError} `NON_FINITE` for a NaN or ±Infinity observation; `INVALID_ARGUMENT` for a negative one
   */
  update(observations: Partial<Record<DifficultyBucket, number>>, _context?: KlUpdateContext): void {
    const present = checkObservations(observations, true);
    const { learningRate, targets, minCoefficient, maxCoefficient } = this.#settings;
    for (const [bucket, observation] of present) {
      const next = this.#coefficients[bucket] * (1 + learningRate * (observation / targets[bucket] - 1));
      this.#coefficients[bucket] = Math.min(Math.max(next, minCoefficient), maxCoefficient);
    }
    this.#updates++;
  }

  /** The full state (options, κ_d, update count) as plain JSON data. */
  toJSON(): DualAscentKlControllerState {
    return coefficientControllerState('dual-ascent', this.#settings, this.#coefficients, this.#updates);
  }

  /**
   * Rebuilds a controller from {@link DualAscentKlController.toJSON} output.
   * @throws {AresError} `INVALID_STATE` (naming the field) when the state is malformed or inconsistent
   */
  static fromJSON(state: DualAscentKlControllerState): DualAscentKlController {
    const { settings, coefficients, updates } = readCoefficientControllerState(state, 'dual-ascent', resolveSettings, (stored) => ({
      min: stored.minCoefficient,
      max: stored.maxCoefficient,
    }));
    const controller = new DualAscentKlController(settings);
    Object.assign(controller.#coefficients, coefficients);
    controller.#updates = updates;
    return controller;
  }
}
