import type { AresErrorCode, DifficultyBucket } from '@ares/core';
import { readCounter, readStateHeader, settingsReader } from './controller-state';
import { checkBucket, type KlController, type KlUpdateContext } from './kl-controller';
import { checkObservations, copyBucketRecord } from './validate';

/** Options of {@link FixedKlController}. */
export interface FixedKlControllerOptions {
  /**
   * The constant κ_d ≥ 0 per bucket; missing buckets keep the default.
   * @default { easy: 0.01, medium: 0.01, hard: 0.01 }
   */
  readonly coefficients?: Readonly<Partial<Record<DifficultyBucket, number>>>;
}

/** The resolved options of a {@link FixedKlController}, as stored in its state. */
export interface FixedKlControllerSettings {
  readonly coefficients: Readonly<Record<DifficultyBucket, number>>;
}

/** Defaults of {@link FixedKlControllerOptions}: κ_d = 0.01, the released "original GRPO" ablation. */
export const DEFAULT_FIXED_KL_CONTROLLER_OPTIONS: FixedKlControllerSettings = Object.freeze({
  coefficients: Object.freeze({ easy: 0.01, medium: 0.01, hard: 0.01 }),
});

/** Serialised state of a {@link FixedKlController}. */
export interface FixedKlControllerState {
  readonly kind: 'fixed';
  readonly version: 1;
  readonly options: FixedKlControllerSettings;
  /** Calls to `update` so far. */
  readonly updates: number;
}

function resolveSettings(options: unknown, code: AresErrorCode, prefix: string): FixedKlControllerSettings {
  const read = settingsReader(options, code, prefix, DEFAULT_FIXED_KL_CONTROLLER_OPTIONS);
  return Object.freeze({ coefficients: read.bucketRecord('coefficients', { min: 0 }) });
}

/**
 * A constant KL coefficient per bucket (verl `FixedKLController`; the released "original GRPO" ablation).
 *
 * κ_d = const; `update` only validates its observations and counts the call.
 *
 * @remarks
 * ## Numerics
 * No arithmetic. Observations are still checked (`NON_FINITE`), so a trainer fails the same way with every
 * controller.
 * @example
 * ```ts
 * new FixedKlController().coefficient('hard') // 0.01
 * ```
 * @see SPEC.md §2.4 (`fixed`)
 */
export class FixedKlController implements KlController {
  readonly kind = 'fixed' as const;
  readonly #settings: FixedKlControllerSettings;
  #updates = 0;

  /**
   * @param options - `coefficients` κ_d (default 0.01 each)
   * @throws {AresError} `INVALID_ARGUMENT` naming `options.coefficients.<bucket>` when negative or non-finite
   */
  constructor(options: FixedKlControllerOptions = {}) {
    this.#settings = resolveSettings(options, 'INVALID_ARGUMENT', 'options');
  }

  /** κ_d. @throws {AresError} `INVALID_ARGUMENT` for an unknown bucket */
  coefficient(bucket: DifficultyBucket): number {
    checkBucket(bucket);
    return this.#settings.coefficients[bucket];
  }

  /**
   * Validates the observations and counts the call; κ never changes.
   * @throws {AresError} `NON_FINITE` for a NaN or ±Infinity observation
   */
  update(observations: Partial<Record<DifficultyBucket, number>>, _context?: KlUpdateContext): void {
    checkObservations(observations, false);
    this.#updates++;
  }

  /** The full state (options, update count) as plain JSON data. */
  toJSON(): FixedKlControllerState {
    return {
      kind: 'fixed',
      version: 1,
      options: { coefficients: copyBucketRecord(this.#settings.coefficients) },
      updates: this.#updates,
    };
  }

  /**
   * Rebuilds a controller from {@link FixedKlController.toJSON} output.
   * @throws {AresError} `INVALID_STATE` (naming the field) when the state is malformed
   */
  static fromJSON(state: FixedKlControllerState): FixedKlController {
    const { record, settings } = readStateHeader(state, 'fixed', resolveSettings);
    const updates = readCounter(record, 'updates');
    const controller = new FixedKlController(settings);
    controller.#updates = updates;
    return controller;
  }
}
