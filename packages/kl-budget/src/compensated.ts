/**
 * Neumaier compensated accumulation over slots of a `Float64Array` (slot s uses entries 2s: sum, 2s + 1:
 * correction), so kernels can keep several running sums without allocating. Same algorithm as `neumaierSum` of
 * `@ares/core`, which works on whole arrays only.
 * @internal
 */
export function compensatedAdd(state: Float64Array, slot: number, value: number): void {
  const sum = state[2 * slot]!;
  const total = sum + value;
  state[2 * slot + 1]! += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
  state[2 * slot] = total;
}

/**
 * The compensated total of a slot; a non-finite running sum is returned as is (its correction is meaningless).
 * @internal
 */
export function compensatedTotal(state: Float64Array, slot: number): number {
  const sum = state[2 * slot]!;
  return Number.isFinite(sum) ? sum + state[2 * slot + 1]! : sum;
}
