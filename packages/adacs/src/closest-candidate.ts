import { AresError, assertInRange, assertNonEmpty } from '@ares/core';

/**
 * Index of the best candidate under a validated target, without checks (ties: shorter, then lower index).
 * @internal
 */
export function closestIndex(lengths: ArrayLike<number>, target: number): number {
  let best = 0;
  let bestLength = lengths[0]!;
  let bestDistance = Math.abs(bestLength - target);
  for (let index = 1; index < lengths.length; index++) {
    const length = lengths[index]!;
    const distance = Math.abs(length - target);
    if (distance < bestDistance || (distance === bestDistance && length < bestLength)) {
      best = index;
      bestLength = length;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The AdaCS selection rule: the index of the candidate trace whose length is closest to the target length.
 *
 * argmin_j |len_j − L_target|; ties go to the shorter candidate, then to the lower index.
 *
 * @param lengths - candidate lengths in tokens, finite and ≥ 0, at least one
 * @param target - L_target(p), finite and ≥ 0 (see `targetLength`)
 * @returns the index of the chosen candidate in `lengths`
 * @throws {AresError} `EMPTY_INPUT` (parameter `lengths`) when there is no candidate; `INVALID_ARGUMENT`
 *   (parameter `lengths`) when a length is negative or not finite; `INVALID_ARGUMENT` (parameter `target`) when the
 *   target is negative or not finite
 * @remarks
 * ## Numerics
 * Exact comparisons of |len − target| in float64; with integer lengths and a target that is a midpoint the two
 * neighbours tie exactly and the shorter wins. The tie rule is INFERRED (the paper specifies neither the candidate
 * count nor "proximate"). One pass, no allocation.
 * @example
 * ```ts
 * closestCandidate([120, 480, 300], 350) // 2
 * closestCandidate([400, 200], 300) // 1 (a tie: the shorter wins)
 * ```
 * @see SPEC.md §2.7 (Selection); paper §3.1
 */
export function closestCandidate(lengths: ArrayLike<number>, target: number): number {
  assertNonEmpty(lengths.length, 'lengths');
  for (let index = 0; index < lengths.length; index++) {
    const length = lengths[index];
    if (typeof length !== 'number' || !Number.isFinite(length) || length < 0) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'lengths', value: length, message: `lengths: element ${index} is ${String(length)}; expected a finite number ≥ 0` });
    }
  }
  assertInRange(target, 'target', { min: 0 });
  return closestIndex(lengths, target);
}
