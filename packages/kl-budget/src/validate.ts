import {
  AresError,
  assertBinaryMask,
  assertBoolean,
  assertDifficultyBuckets,
  assertInRange,
  assertMultipleOf,
  assertSameLength,
  DIFFICULTY_BUCKETS,
  isDifficultyBucket,
  type AresErrorCode,
  type DifficultyBucket,
} from '@ares/core';

/**
 * Checks a row-major token matrix (`values`, a 0/1 `mask` of the same length, one bucket per row) and returns the
 * number of rows.
 * @internal
 */
export function validateTokenRows(
  values: ArrayLike<number> | undefined,
  valuesName: string,
  mask: ArrayLike<number>,
  maskName: string,
  buckets: ArrayLike<DifficultyBucket>,
  columns: number,
): number {
  assertMultipleOf(mask.length, columns, maskName, 'columns');
  if (values !== undefined) assertSameLength(values.length, mask.length, valuesName, maskName);
  assertBinaryMask(mask, maskName);
  const rows = mask.length / columns;
  assertSameLength(buckets.length, rows, 'buckets', `${maskName} rows (${maskName}.length / columns)`);
  assertDifficultyBuckets(buckets, 'buckets');
  return rows;
}

/** Bounds of {@link checkNumber} (those of `assertInRange`); inclusive unless `lowerOpen` / `upperOpen`. @internal */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  readonly lowerOpen?: boolean;
  readonly upperOpen?: boolean;
  readonly integer?: boolean;
}

/**
 * Returns `value` when it is a finite number (an integer when `bounds.integer`) within the bounds, and throws
 * `code` naming `parameter` otherwise. Options use `INVALID_ARGUMENT`; `fromJSON` uses `INVALID_STATE`.
 * @internal
 */
export function checkNumber(value: unknown, parameter: string, bounds: NumberBounds, code: AresErrorCode): number {
  assertInRange(value, parameter, bounds, code);
  return value;
}

/**
 * Returns `value` as a record when it is a plain non-null object, and throws `code` naming `parameter` otherwise.
 * @internal
 */
export function checkObject(value: unknown, parameter: string, code: AresErrorCode): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AresError({ code, parameter, value, message: `${parameter}: expected an object, got ${String(value)}` });
  }
  return value as Record<string, unknown>;
}

/**
 * Returns `value` when it is a boolean, and throws `code` naming `parameter` otherwise.
 * @internal
 */
export function checkBoolean(value: unknown, parameter: string, code: AresErrorCode): boolean {
  assertBoolean(value, parameter, code);
  return value;
}

/**
 * Merges a partial per-bucket record over `defaults`, checking every value; unknown keys throw.
 * @internal
 */
export function checkBucketRecord(
  value: unknown,
  defaults: Readonly<Record<DifficultyBucket, number>> | undefined,
  parameter: string,
  bounds: NumberBounds,
  code: AresErrorCode,
): Record<DifficultyBucket, number> {
  const record = value === undefined && defaults !== undefined ? {} : checkObject(value, parameter, code);
  for (const key of Object.keys(record)) {
    if (!isDifficultyBucket(key)) {
      throw new AresError({ code, parameter: `${parameter}.${key}`, value: key, message: `${parameter}: unknown bucket ${JSON.stringify(key)}` });
    }
  }
  return mapBuckets((bucket) => {
    const given = record[bucket];
    return checkNumber(given === undefined && defaults !== undefined ? defaults[bucket] : given, `${parameter}.${bucket}`, bounds, code);
  });
}

/**
 * Checks `state.kind` and `state.version` of a serialised controller and returns the state as a record.
 * @internal
 */
export function checkStateHeader(state: unknown, kind: string, version: number): Record<string, unknown> {
  const record = checkObject(state, 'state', 'INVALID_STATE');
  if (record['kind'] !== kind) {
    throw new AresError({
      code: 'INVALID_STATE',
      parameter: 'state.kind',
      value: record['kind'],
      message: `state.kind: expected ${JSON.stringify(kind)}, got ${JSON.stringify(record['kind'])}`,
    });
  }
  if (record['version'] !== version) {
    throw new AresError({
      code: 'INVALID_STATE',
      parameter: 'state.version',
      value: record['version'],
      message: `state.version: expected ${version}, got ${JSON.stringify(record['version'])}`,
    });
  }
  return record;
}

/**
 * Validates controller observations: keys must be buckets (`INVALID_ARGUMENT`), every present value finite
 * (`NON_FINITE` otherwise, naming `observations.<bucket>`) and, when `nonNegative`, ≥ 0 (`INVALID_ARGUMENT`).
 * Returns the present entries; `undefined` values count as absent.
 * @internal
 */
export function checkObservations(
  observations: Partial<Record<DifficultyBucket, number>>,
  nonNegative: boolean,
): [DifficultyBucket, number][] {
  const record = checkObject(observations, 'observations', 'INVALID_ARGUMENT');
  for (const key of Object.keys(record)) {
    if (!isDifficultyBucket(key)) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `observations.${key}`, value: key, message: `observations: unknown bucket ${JSON.stringify(key)}` });
    }
  }
  const present: [DifficultyBucket, number][] = [];
  for (const bucket of DIFFICULTY_BUCKETS) {
    const value: unknown = observations[bucket];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new AresError({
        code: typeof value === 'number' ? 'NON_FINITE' : 'INVALID_ARGUMENT',
        parameter: `observations.${bucket}`,
        value,
        message: `observations.${bucket}: expected a finite number, got ${String(value)}`,
      });
    }
    if (nonNegative && value < 0) {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: `observations.${bucket}`,
        value,
        message: `observations.${bucket}: a KL observation must be ≥ 0, got ${value}`,
      });
    }
    present.push([bucket, value]);
  }
  return present;
}

/** A record with `value(bucket)` for each bucket, in {@link DIFFICULTY_BUCKETS} order. @internal */
export function mapBuckets<Value>(value: (bucket: DifficultyBucket) => Value): Record<DifficultyBucket, Value> {
  const out = {} as Record<DifficultyBucket, Value>;
  for (const bucket of DIFFICULTY_BUCKETS) out[bucket] = value(bucket);
  return out;
}

/** Copies a per-bucket record (for `toJSON` and option snapshots). @internal */
export function copyBucketRecord(record: Readonly<Record<DifficultyBucket, number>>): Record<DifficultyBucket, number> {
  return mapBuckets((bucket) => record[bucket]);
}
