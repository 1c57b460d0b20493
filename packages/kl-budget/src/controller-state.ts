import type { AresErrorCode, DifficultyBucket } from '@ares/core';
import {
  checkBoolean,
  checkBucketRecord,
  checkNumber,
  checkObject,
  checkStateHeader,
  copyBucketRecord,
  type NumberBounds,
} from './validate';

/**
 * Reads the fields of a controller's options record, naming each `<prefix>.<key>` in its errors.
 * @internal
 */
export interface SettingsReader<Settings> {
  /** The number at `key`, checked against `bounds`. */
  number(key: keyof Settings & string, bounds: NumberBounds): number;
  /** The boolean at `key`. */
  boolean(key: keyof Settings & string): boolean;
  /** The frozen per-bucket record at `key`, each value checked against `bounds`; unknown buckets throw. */
  bucketRecord(key: keyof Settings & string, bounds: NumberBounds): Readonly<Record<DifficultyBucket, number>>;
}

/**
 * A {@link SettingsReader} over `options`, which must be an object. Constructor options (`code` `INVALID_ARGUMENT`,
 * `prefix` `options`) fall back to `defaults` field by field (and bucket by bucket); a serialised state
 * (`INVALID_STATE`, `state.options`) must hold every field.
 * @internal
 */
export function settingsReader<Settings extends object>(
  options: unknown,
  code: AresErrorCode,
  prefix: string,
  defaults: Settings,
): SettingsReader<Settings> {
  const record = checkObject(options, prefix, code);
  const fallback: Partial<Record<keyof Settings, unknown>> | undefined = code === 'INVALID_ARGUMENT' ? defaults : undefined;
  const pick = (key: keyof Settings & string): unknown => record[key] ?? fallback?.[key];
  return {
    number: (key, bounds) => checkNumber(pick(key), `${prefix}.${key}`, bounds, code),
    boolean: (key) => checkBoolean(pick(key), `${prefix}.${key}`, code),
    bucketRecord: (key, bounds) => {
      const bucketDefaults = fallback?.[key] as Readonly<Record<DifficultyBucket, number>> | undefined;
      return Object.freeze(checkBucketRecord(record[key], bucketDefaults, `${prefix}.${key}`, bounds, code));
    },
  };
}

/** Resolves a controller's options (`INVALID_ARGUMENT`, `options.*`) or stored settings (`INVALID_STATE`). @internal */
export type SettingsResolver<Settings> = (options: unknown, code: AresErrorCode, prefix: string) => Settings;

/**
 * Checks `state.kind` and `state.version` (1) of a serialised controller, then its `state.options`; returns the
 * state as a record and the resolved settings.
 * @internal
 */
export function readStateHeader<Settings>(
  state: unknown,
  kind: string,
  resolveSettings: SettingsResolver<Settings>,
): { record: Record<string, unknown>; settings: Settings } {
  const record = checkStateHeader(state, kind, 1);
  return { record, settings: resolveSettings(record['options'], 'INVALID_STATE', 'state.options') };
}

/** The call counter `state.<key>` of a serialised controller: an integer ≥ 0. @internal */
export function readCounter(record: Record<string, unknown>, key: string): number {
  return checkNumber(record[key], `state.${key}`, { min: 0, integer: true }, 'INVALID_STATE');
}

/** A copy of resolved settings with their per-bucket `targets` copied too, for `toJSON`. @internal */
export function settingsSnapshot<Settings extends { readonly targets: Readonly<Record<DifficultyBucket, number>> }>(
  settings: Settings,
): Settings {
  return { ...settings, targets: copyBucketRecord(settings.targets) };
}

/** The serialised state of a controller that keeps one coefficient κ_d per bucket and counts its updates. @internal */
export interface CoefficientControllerState<Kind extends string, Settings> {
  readonly kind: Kind;
  readonly version: 1;
  readonly options: Settings;
  readonly coefficients: Readonly<Record<DifficultyBucket, number>>;
  readonly updates: number;
}

/** `toJSON` of a per-bucket-coefficient controller (dual-ascent, ziegler): copies, never the live records. @internal */
export function coefficientControllerState<
  Kind extends string,
  Settings extends { readonly targets: Readonly<Record<DifficultyBucket, number>> },
>(
  kind: Kind,
  settings: Settings,
  coefficients: Readonly<Record<DifficultyBucket, number>>,
  updates: number,
): CoefficientControllerState<Kind, Settings> {
  return { kind, version: 1, options: settingsSnapshot(settings), coefficients: copyBucketRecord(coefficients), updates };
}

/**
 * Reads a {@link CoefficientControllerState} for `fromJSON`, in order: header, options, `state.coefficients` (each
 * within `coefficientBounds(settings)`), `state.updates`. Every error is `INVALID_STATE` naming the field.
 * @internal
 */
export function readCoefficientControllerState<Settings>(
  state: unknown,
  kind: string,
  resolveSettings: SettingsResolver<Settings>,
  coefficientBounds: (settings: Settings) => NumberBounds,
): { settings: Settings; coefficients: Record<DifficultyBucket, number>; updates: number } {
  const { record, settings } = readStateHeader(state, kind, resolveSettings);
  const coefficients = checkBucketRecord(record['coefficients'], undefined, 'state.coefficients', coefficientBounds(settings), 'INVALID_STATE');
  const updates = readCounter(record, 'updates');
  return { settings, coefficients, updates };
}
