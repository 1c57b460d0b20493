import { AresError, type AresErrorCode } from './ares-error';
import { isDifficultyBucket } from './difficulty-bucket';

function fail(code: AresErrorCode, parameter: string, value: unknown, message: () => string): never {
  throw new AresError({ code, parameter, value, message: `${parameter}: ${message()}` });
}

function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is an integer ≥ `min` (default 1).
 * @example
 * ```ts
 * assertInteger(vocabSize, 'vocabSize') // throws for 0, 2.5, NaN
 * ```
 */
export function assertInteger(value: number, parameter: string, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    fail('INVALID_ARGUMENT', parameter, value, () => `expected an integer ≥ ${min}, got ${show(value)}`);
  }
}

/**
 * Throws `INVALID_ARGUMENT` (or `code`) unless `value` is a finite number within the bounds, and an integer when
 * `integer` is set. Bounds are inclusive unless `lowerOpen` / `upperOpen` is set.
 * @example
 * ```ts
 * assertInRange(clipLow, 'options.clipLow', { min: 0, max: 1, upperOpen: true })
 * assertInRange(state.steps, 'state.steps', { min: 0, integer: true }, 'INVALID_STATE') // a deserialised field
 * ```
 */
export function assertInRange(
  value: unknown,
  parameter: string,
  bounds: { min?: number; max?: number; lowerOpen?: boolean; upperOpen?: boolean; integer?: boolean },
  code: AresErrorCode = 'INVALID_ARGUMENT',
): asserts value is number {
  const { min = -Infinity, max = Infinity, lowerOpen = false, upperOpen = false, integer = false } = bounds;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (lowerOpen ? value > min : value >= min) &&
    (upperOpen ? value < max : value <= max);
  if (!ok) {
    fail(code, parameter, value, () => {
      const low = Number.isFinite(min) ? `${lowerOpen ? '(' : '['}${min}` : '(−∞';
      const high = Number.isFinite(max) ? `${max}${upperOpen ? ')' : ']'}` : '∞)';
      return `expected a finite ${integer ? 'integer' : 'number'} in ${low}, ${high}, got ${show(value)}`;
    });
  }
}

/** Throws `SHAPE_MISMATCH` unless `length` is a whole multiple of `columns` (which must be a positive integer). */
export function assertMultipleOf(length: number, columns: number, parameter: string, columnsName: string): void {
  assertInteger(columns, columnsName);
  if (length % columns !== 0) {
    fail('SHAPE_MISMATCH', parameter, length, () => `length ${length} is not a multiple of ${columnsName} = ${columns}`);
  }
}

/** Throws `SHAPE_MISMATCH` unless the two lengths are equal. */
export function assertSameLength(length: number, expected: number, parameter: string, expectedName: string): void {
  if (length !== expected) {
    fail('SHAPE_MISMATCH', parameter, length, () => `length ${length} differs from ${expectedName} length ${expected}`);
  }
}

/**
 * Throws `SHAPE_MISMATCH` unless the two shapes are equal (same rank, same sizes), e.g. the `shape`s of two tensors.
 * @example
 * ```ts
 * assertSameShape(mask.shape, values.shape, 'mask', 'values')
 * ```
 */
export function assertSameShape(shape: readonly number[], expected: readonly number[], parameter: string, expectedName: string): void {
  if (shape.length !== expected.length || shape.some((size, axis) => size !== expected[axis])) {
    fail('SHAPE_MISMATCH', parameter, shape, () => `shape [${shape.join(', ')}] differs from ${expectedName} shape [${expected.join(', ')}]`);
  }
}

/** Throws `EMPTY_INPUT` when `length` is 0. */
export function assertNonEmpty(length: number, parameter: string): void {
  if (length === 0) fail('EMPTY_INPUT', parameter, length, () => 'must not be empty');
}

/** Throws `INVALID_ARGUMENT` (or `code`) unless `value` is a boolean (a flag option or a deserialised flag). */
export function assertBoolean(value: unknown, parameter: string, code: AresErrorCode = 'INVALID_ARGUMENT'): asserts value is boolean {
  if (typeof value !== 'boolean') fail(code, parameter, value, () => `expected a boolean, got ${show(value)}`);
}

/** Throws `UNSUPPORTED` (or `code`) unless `value` is one of `allowed` (a string union option). */
export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], parameter: string, code: AresErrorCode = 'UNSUPPORTED'): asserts value is T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    fail(code, parameter, value, () => `expected one of ${allowed.map((name) => JSON.stringify(name)).join(', ')}, got ${show(value)}`);
  }
}

/**
 * Throws `NON_FINITE` at the first NaN or ±Infinity in `values`, naming the index. The trainer calls it once per
 * step on losses and advantages, so that a failing row stays visible instead of silently poisoning the update.
 * @example
 * ```ts
 * assertFinite(advantages, 'advantages')
 * ```
 */
export function assertFinite(values: ArrayLike<number> | number, name: string): void {
  if (typeof values === 'number') {
    if (!Number.isFinite(values)) fail('NON_FINITE', name, values, () => `expected a finite number, got ${show(values)}`);
    return;
  }
  for (let index = 0; index < values.length; index++) {
    if (!Number.isFinite(values[index]!)) failElement('NON_FINITE', name, values, index, '');
  }
}

// Kept out of the scanning loops: a closure created inside a loop body makes V8 allocate a context per iteration.
function failElement(code: AresErrorCode, parameter: string, values: ArrayLike<number>, index: number, suffix: string): never {
  const value = values[index]!;
  fail(code, parameter, value, () => `element ${index} is ${show(value)}${suffix}`);
}

/** Throws `INVALID_ARGUMENT` unless every element of `mask` is exactly 0 or 1. */
export function assertBinaryMask(mask: ArrayLike<number>, parameter: string): void {
  for (let index = 0; index < mask.length; index++) {
    const value = mask[index]!;
    if (value !== 0 && value !== 1) failElement('INVALID_ARGUMENT', parameter, mask, index, '; masks hold only 0 and 1');
  }
}

/**
 * Throws `INVALID_ARGUMENT` at the first element of `buckets` that is not a `DifficultyBucket`, naming the index.
 * @example
 * ```ts
 * assertDifficultyBuckets(['easy', 'hard'], 'buckets') // passes; ['easy', 'Hard'] throws for element 1
 * ```
 */
export function assertDifficultyBuckets(buckets: ArrayLike<unknown>, parameter: string): void {
  for (let index = 0; index < buckets.length; index++) {
    if (!isDifficultyBucket(buckets[index])) {
      const value = buckets[index];
      fail('INVALID_ARGUMENT', parameter, value, () => `element ${index} is ${show(value)}; expected 'easy', 'medium' or 'hard'`);
    }
  }
}
