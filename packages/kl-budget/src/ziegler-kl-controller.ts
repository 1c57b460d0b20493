import { AresError, type AresErrorCode, type DifficultyBucket } from '@ares/core';
import { coefficientControllerState, readCoefficientControllerState, settingsReader } from './controller-state';
import { checkBucket, type KlController, type KlUpdateContext } from './kl-controller';
import { checkNumber, checkObservations, mapBuckets } from './validate';

/** Options of {@link ZieglerKlController}. */
export interface ZieglerKlControllerOptions {
  /**
   * κ_d before the first update, > 0.
   * @default 0.001
   */
  readonly initialCoefficient?: number;
  /**
   * The horizon H > 0 (in sequences).
   * @default 10000
   */
  readonly horizon?: number;
  /**
   * The target KL δ_d > 0 per bucket; missing buckets keep the default.
   * @default { easy: 0.005, medium: 0.01, hard: 0.02 }
   */
  readonly targets?: Readonly<Partial<Record<DifficultyBucket, number>>>;
  /**
   * The bound on the proportional error, in (0, 1).
   * @default 0.2
   */
  readonly errorClip?: number;
}

/** The resolved options of a {@link ZieglerKlController}, as stored in its state. */
export interface ZieglerKlControllerSettings {
  readonly initialCoefficient: number;
  readonly horizon: number;
  readonly targets: Readonly<Record<DifficultyBucket, number>>;
  readonly errorClip: number;
}

/** Defaults of {@link ZieglerKlControllerOptions} (verl `AdaptiveKLController`, with the dual-ascent budgets as targets). */
export const DEFAULT_ZIEGLER_KL_CONTROLLER_OPTIONS: ZieglerKlControllerSettings = Object.freeze({
  initialCoefficient: 0.001,
  horizon: 10_000,
  targets: Object.freeze({ easy: 0.005, medium: 0.01, hard: 0.02 }),
  errorClip: 0.2,
});

/** Serialised state of a {@link ZieglerKlController}. */
export interface ZieglerKlControllerState {
  readonly kind: 'ziegler';
  readonly version: 1;
  readonly options: ZieglerKlControllerSettings;
  /** κ_d per bucket. */
  readonly coefficients: Readonly<Record<DifficultyBucket, number>>;
  /** Calls to `update` so far. */
  readonly updates: number;
}

function resolveSettings(options: unknown, code: AresErrorCode, prefix: string): ZieglerKlControllerSettings {
  const read = settingsReader(options, code, prefix, DEFAULT_ZIEGLER_KL_CONTROLLER_OPTIONS);
  const initialCoefficient = read.number('initialCoefficient', { min: 0, lowerOpen: true });
  const horizon = read.number('horizon', { min: 0, lowerOpen: true });
  const targets = read.bucketRecord('targets', { min: 0, lowerOpen: true });
  const errorClip = read.number('errorClip', { min: 0, max: 1, lowerOpen: true, upperOpen: true });
  return Object.freeze({ initialCoefficient, horizon, targets, errorClip });
}

/**
 * The classic adaptive KL controller of Ziegler et al. (verl `AdaptiveKLController`), one coefficient per bucket.
 *
 * e = clip(KL_d/δ_d − 1, −c, c) with c = 0.2; κ_d ← κ_d·(1 + e·n/H), n = `context.steps` (sequences in the update).
 *
 * @remarks
 * ## Numerics
 * One multiplication per observed bucket. n must be an integer in [1, H], so the factor stays in
 * [1 − c, 1 + c] and κ stays positive; there are no bounds on κ (as in verl). Observations may be negative (k1);
 * they must be finite (`NON_FINITE`).
 * @example
 * ```ts
 * const controller = new ZieglerKlController();
 * controller.update({ medium: 0.02 }, { steps: 256 });
 * controller.coefficient('medium'); // 0.001·(1 + 0.2·256/10000) = 0.00100512
 * ```
 * @see SPEC.md §2.4 (`ziegler`), §6.5 item 26; Ziegler et al., *Fine-Tuning Language Models from Human
 *   Preferences* (2019); verl `core_algos.AdaptiveKLController`
 */
export class ZieglerKlController implements KlController {
  readonly kind = 'ziegler' as const;
  readonly #settings: ZieglerKlControllerSettings;
  readonly #coefficients: Record<DifficultyBucket, number>;
  #updates = 0;

  /**
   * @param options - `initialCoefficient`, `horizon`, `targets`, `errorClip`
   * @throws {AresError} `INVALID_ARGUMENT` naming the option when it is out of range
   */
  constructor(options: ZieglerKlControllerOptions = {}) {
    this.#settings = resolveSettings(options, 'INVALID_ARGUMENT', 'options');
    const initial = this.#settings.initialCoefficient;
    this.#coefficients = mapBuckets(() => initial);
  }

  /** κ_d. @throws {AresError} `INVALID_ARGUMENT` for an unknown bucket */
  coefficient(bucket: DifficultyBucket): number {
    checkBucket(bucket);
    return this.#coefficients[bucket];
  }

  /**
   * One proportional step per observed bucket; absent buckets are unchanged.
   * @param observations - the current KL per bucket, finite
   * @param context - `steps`: n, the number of sequences in the update, an integer in [1, horizon] (required)
   * @throws {AresError} `NON_FINITE` for a NaN or ±Infinity observation; `INVALID_ARGUMENT` naming
   *   `context.steps` when it is missing or out of range
   */
  update(observations: Partial<Record<DifficultyBucket, number>>, context?: KlUpdateContext): void {
    const present = checkObservations(observations, false);
    const { horizon, targets, errorClip } = this.#settings;
    const steps = context?.steps;
    if (steps === undefined) {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: 'context.steps',
        value: steps,
        message: 'context.steps: the ziegler controller needs n, the number of sequences in the update',
      });
    }
    checkNumber(steps, 'context.steps', { min: 1, max: horizon, integer: true }, 'INVALID_ARGUMENT');
    for (const [bucket, observation] of present) {
      const error = Math.min(Math.max(observation / targets[bucket] - 1, -errorClip), errorClip);
      this.#coefficients[bucket] *= 1 + (error * steps) / horizon;
    }
    this.#updates++;
  }

  /** The full state (options, κ_d, update count) as plain JSON data. */
  toJSON(): ZieglerKlControllerState {
    return coefficientControllerState('ziegler', this.#settings, this.#coefficients, this.#updates);
  }

  /**
   * Rebuilds a controller from {@link ZieglerKlController.toJSON} output.
   * @throws {AresError} `INVALID_STATE` (naming the field) when the state is malformed
   */
  static fromJSON(state: ZieglerKlControllerState): ZieglerKlController {
    const { settings, coefficients, updates } = readCoefficientControllerState(state, 'ziegler', resolveSettings, () => ({ min: 0 }));
    const controller = new ZieglerKlController(settings);
    Object.assign(controller.#coefficients, coefficients);
    controller.#updates = updates;
    return controller;
  }
}
