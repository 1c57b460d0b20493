import { assertInRange } from '@ares/core';

/**
 * The AdaCS target response length of a prompt with pass rate p: linear from L(0) at p = 0 to L(1) at p = 1.
 *
 * L_target(p) = (1 − p)·L(0) + p·L(1).
 *
 * @param passRate - the pass rate p, a finite number in [0, 1]
 * @param lengthAtZero - L(0), the target for a prompt never solved (usually the longer one), finite ≥ 0, in tokens
 * @param lengthAtOne - L(1), the target for a prompt always solved, finite ≥ 0, in tokens
 * @returns the target length in the same unit as the lengths; not rounded
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `passRate`, `lengthAtZero` or `lengthAtOne`) when p is outside
 *   [0, 1] or a length is negative or not finite
 * @remarks
 * ## Numerics
 * Evaluated as L(0) + p·(L(1) − L(0)) with the guards of C++20 `std::lerp`: the result is exactly L(0) at p = 0 and
 * exactly L(1) at p = 1, never leaves [min(L0, L1), max(L0, L1)], and is monotone in p in floating point
 * (non-increasing when L(0) > L(1)), which the literal two-product form does not guarantee to the last ulp. The
 * absolute error is at most a few ulps of max(L(0), L(1)); at p = 0.5 integer lengths below 2^52 give the exact
 * midpoint.
 * @example
 * ```ts
 * targetLength(0.25, 2048, 512) // 1664
 * ```
 * @see SPEC.md §2.3, §6.2 item 10; paper §3.1 (AdaCS)
 */
export function targetLength(passRate: number, lengthAtZero: number, lengthAtOne: number): number {
  assertInRange(passRate, 'passRate', { min: 0, max: 1 });
  assertInRange(lengthAtZero, 'lengthAtZero', { min: 0 });
  assertInRange(lengthAtOne, 'lengthAtOne', { min: 0 });
  // One endpoint is 0: each product is monotone in p and the other term vanishes, so this is exact at both ends.
  if (lengthAtZero === 0 || lengthAtOne === 0) return passRate * lengthAtOne + (1 - passRate) * lengthAtZero;
  if (passRate === 1) return lengthAtOne;
  const value = lengthAtZero + passRate * (lengthAtOne - lengthAtZero);
  // Rounding may push the value one ulp past L(1) just below p = 1; clamp keeps monotonicity and boundedness.
  return lengthAtOne > lengthAtZero ? Math.min(value, lengthAtOne) : Math.max(value, lengthAtOne);
}
