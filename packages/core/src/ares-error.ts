const MARKER = Symbol.for('ares.error');

/**
 * The machine-readable reason of an {@link AresError}. Codes may be added; an existing code never changes meaning.
 *
 * - `INVALID_ARGUMENT`: a hyperparameter or argument is out of range or of the wrong kind.
 * - `SHAPE_MISMATCH`: a length is not a multiple of `vocabSize`/`columns`, or paired arrays differ in length.
 * - `NON_FINITE`: data that must be finite holds NaN or ±Infinity (see `assertFinite`).
 * - `EMPTY_INPUT`: empty input to a function without an identity element.
 * - `UNSUPPORTED`: an unknown estimator, mode, profile or backend.
 * - `IO`: reading or writing a file or stream failed.
 * - `INVALID_STATE`: malformed serialised state (`fromJSON`).
 * - `TIMEOUT`: a bounded operation ran out of time.
 */
export type AresErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'NON_FINITE'
  | 'EMPTY_INPUT'
  | 'UNSUPPORTED'
  | 'IO'
  | 'INVALID_STATE'
  | 'TIMEOUT';

/** Constructor options of {@link AresError}. */
export interface AresErrorOptions {
  /** What went wrong. */
  readonly code: AresErrorCode;
  /** Human-readable explanation. */
  readonly message: string;
  /** The name of the offending argument, e.g. `'vocabSize'` or `'options.temperature'`. */
  readonly parameter?: string;
  /** The offending value (kept as received; large arrays are summarised by the thrower). */
  readonly value?: unknown;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * The one error class of ARES-TS: a string `code`, the `parameter` and `value` at fault, and a standard `cause`.
 *
 * Tests and callers branch on `error.code`, never on the message. `AresError.isInstance` recognises errors from
 * any copy of `@ares/core` (duplicate installs), through a `Symbol.for('ares.error')` marker.
 *
 * @example
 * ```ts
 * try { tokenEntropy(logits, 0) } catch (error) {
 *   if (AresError.isInstance(error) && error.code === 'INVALID_ARGUMENT') console.log(error.parameter) // 'vocabSize'
 * }
 * ```
 * @see SPEC.md §2.1
 */
export class AresError extends Error {
  readonly [MARKER] = true;
  readonly code: AresErrorCode;
  readonly parameter: string | undefined;
  readonly value: unknown;

  constructor(options: AresErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AresError';
    this.code = options.code;
    this.parameter = options.parameter;
    this.value = options.value;
  }

  /** True for an `AresError` from any copy of `@ares/core`. */
  static isInstance(error: unknown): error is AresError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
