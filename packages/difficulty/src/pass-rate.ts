import { AresError, assertNonEmpty } from '@ares/core';

/**
 * Counts the correct outcomes of one group after checking that every value is `true`, `false`, 1 or 0.
 * @internal
 */
export function countCorrect(correctness: ArrayLike<number | boolean>, parameter: string): number {
  let correct = 0;
  for (let index = 0; index < correctness.length; index++) {
    const value = correctness[index];
    if (value === true || value === 1) correct++;
    else if (value !== false && value !== 0) throwBadOutcome(parameter, index, value);
  }
  return correct;
}

/**
 * Throws `INVALID_ARGUMENT` for a correctness value other than true/false/1/0 at `index`.
 * @internal
 */
export function throwBadOutcome(parameter: string, index: number, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new AresError({
    code: 'INVALID_ARGUMENT',
    parameter,
    value,
    message: `${parameter}: element ${index} is ${shown}; correctness holds only true/false or 1/0`,
  });
}

/**
 * The pass rate of a group of rollouts: the fraction that are correct.
 *
 * p = c/n, c = number of `true` (or 1) values, n = number of values.
 *
 * @param correctness - one outcome per rollout: `true`/`false` or 1/0 (any array-like, e.g. a `Uint8Array` of
 *   rewards already thresholded to 0/1)
 * @returns p in [0, 1]
 * @throws {AresError} `EMPTY_INPUT` when `correctness` is empty; `INVALID_ARGUMENT` (parameter `correctness`) when
 *   a value is anything other than `true`, `false`, 1 or 0 (a fractional reward must be thresholded by the caller)
 * @remarks
 * ## Numerics
 * The count is an exact integer and p is one correctly rounded division, so {@link bucketOf} classifies it exactly
 * as the rational c/n. The input is not modified.
 * @example
 * ```ts
 * passRate([true, false, true, true]) // 0.75
 * passRate(new Uint8Array([1, 0, 0])) // 1/3
 * ```
 * @see SPEC.md §2.3; glossary "pass rate p"
 */
export function passRate(correctness: ArrayLike<number | boolean>): number {
  assertNonEmpty(correctness.length, 'correctness');
  return countCorrect(correctness, 'correctness') / correctness.length;
}
