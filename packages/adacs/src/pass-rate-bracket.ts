import { assertInRange, assertInteger } from '@ares/core';

/**
 * The pass-rate bracket of a problem: the index of the nearest point of the grid {0, 1/(B − 1), …, 1}.
 *
 * bracket(p) = round(p·(B − 1)), halves rounded up; B = 9 brackets are the pass rates c/8 of k = 8 attempts.
 *
 * @param passRate - the pass rate p, a finite number in [0, 1]
 * @param brackets - the number of brackets B, an integer ≥ 2 (k + 1 for pass rates over k attempts)
 * @returns the bracket index, an integer in [0, B − 1]
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `passRate`) when p is not a finite number in [0, 1];
 *   `INVALID_ARGUMENT` (parameter `brackets`) when B is not an integer ≥ 2
 * @remarks
 * ## Numerics
 * One multiplication and `Math.round`. For p = c/k computed as one division and B = k + 1 the product c/k·k lies
 * within an ulp of the integer c, so the bracket is exactly c. Pass rates over a different number of attempts fall
 * into the nearest bracket (p = 1/3 with B = 9 → 3, i.e. 3/8); an exact half (p = 1/16 with B = 9) goes up.
 * @example
 * ```ts
 * passRateBracket(3 / 8, 9) // 3
 * passRateBracket(1, 9) // 8
 * ```
 * @see SPEC.md §2.7 (AdaCS: k = 8 gives 9 brackets {0, 1/8, …, 1})
 */
export function passRateBracket(passRate: number, brackets: number): number {
  assertInRange(passRate, 'passRate', { min: 0, max: 1 });
  assertInteger(brackets, 'brackets', 2);
  return Math.round(passRate * (brackets - 1));
}
