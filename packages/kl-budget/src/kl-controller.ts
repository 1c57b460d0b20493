import { AresError, isDifficultyBucket, type DifficultyBucket } from '@ares/core';
import type { DualAscentKlControllerState } from './dual-ascent-kl-controller';
import type { FixedKlControllerState } from './fixed-kl-controller';
import type { ReleasedKlControllerState } from './released-kl-controller';
import type { ZieglerKlControllerState } from './ziegler-kl-controller';

/** The controller kinds of SPEC §2.4. */
export type KlControllerKind = 'dual-ascent' | 'released' | 'fixed' | 'ziegler';

/** The controller kinds, the default (`dual-ascent`) first. */
export const KL_CONTROLLER_KINDS: readonly KlControllerKind[] = Object.freeze(['dual-ascent', 'released', 'fixed', 'ziegler'] as const);

/** Optional information passed to {@link KlController.update}. */
export interface KlUpdateContext {
  /** n, the number of sequences in the update (required by `ziegler`, ignored by the others). */
  readonly steps?: number;
}

/**
 * A per-difficulty KL coefficient controller: κ_d multiplies β_{i,t}·kl_{i,t} in the KL loss.
 *
 * `update` leaves absent buckets unchanged and throws `NON_FINITE` on a non-finite observation (before changing
 * anything); `toJSON()` and the class's static `fromJSON()` round-trip the full state, counters included.
 * @see SPEC.md §2.4 (Controllers), §3
 */
export interface KlController {
  /** Which rule this controller implements. */
  readonly kind: KlControllerKind;
  /** κ_d, the coefficient of bucket d. */
  coefficient(bucket: DifficultyBucket): number;
  /** Feeds one observation per bucket (a KL statistic); absent buckets are left unchanged. */
  update(observations: Partial<Record<DifficultyBucket, number>>, context?: KlUpdateContext): void;
  /** The full state as plain JSON data. */
  toJSON(): KlControllerState;
}

/** The serialised state of any controller, discriminated by `kind`. */
export type KlControllerState =
  | DualAscentKlControllerState
  | ReleasedKlControllerState
  | FixedKlControllerState
  | ZieglerKlControllerState;

/**
 * Throws `INVALID_ARGUMENT` naming `bucket` unless it is a {@link DifficultyBucket}.
 * @internal
 */
export function checkBucket(bucket: unknown): asserts bucket is DifficultyBucket {
  if (!isDifficultyBucket(bucket)) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'bucket',
      value: bucket,
      message: `bucket: expected 'easy', 'medium' or 'hard', got ${JSON.stringify(bucket)}`,
    });
  }
}
