/**
 * The correction that one Neumaier step adds: the rounding error of `total = sum + value`, recovered exactly from
 * whichever operand is larger in magnitude. Shared by {@link NeumaierAccumulator} and `neumaierSum` so that the
 * two cannot drift; small enough for V8 to inline into their loops.
 * @internal
 */
export function neumaierCompensation(sum: number, value: number, total: number): number {
  return Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
}

/**
 * The compensated result `sum + correction`, with two exceptions: a non-finite `sum` is returned as it is (its
 * correction is meaningless and could turn ±Infinity into NaN), and a zero correction leaves `sum` untouched (so
 * a `-0` sum stays `-0`; the correction itself is never `-0`). A non-finite running sum never becomes finite
 * again (∞ + x is ∞ or NaN), so looking at the final sum is enough.
 * @internal
 */
export function neumaierResult(sum: number, correction: number): number {
  if (!Number.isFinite(sum) || correction === 0) return sum;
  return sum + correction;
}

/**
 * Streaming compensated (Neumaier) sum: add numbers one at a time, read the total at any point, without
 * allocating. Gives bit for bit the result of `neumaierSum` over the same numbers in the same order.
 *
 * s = Σ x_i with a running correction c: for each x, t = s + x; c += (|s| ≥ |x|) ? (s − t) + x : (x − t) + s;
 * s = t; `value` is s + c.
 *
 * @remarks
 * ## Numerics
 * Float64 throughout; the error is bounded by about 2ε·|Σx| + O(nε²)·Σ|x|, independent of n to first order,
 * against (n − 1)ε·Σ|x| for a plain running sum. The empty sum is `-0` and the sign of zero is preserved (a sum of
 * negative zeros is `-0`; `0 + -0` is `+0`), as IEEE addition and `neumaierSum` give it. Torch and NumPy
 * reductions start from +0 instead (their empty or all-`-0` sum is `+0`): read `value + 0` for that, which
 * changes only `-0`. NaN propagates;
 * ±Infinity is returned as IEEE addition gives it, without the correction turning it into NaN (`Infinity` then
 * `1` gives `Infinity`; `Infinity` then `-Infinity` gives NaN). `add` and `value` never allocate, so one
 * accumulator (or a few, `reset` between rows) can serve a whole kernel.
 * @example
 * ```ts
 * const sum = new NeumaierAccumulator();
 * for (const value of [1, 1e100, 1, -1e100]) sum.add(value);
 * sum.value // 2 (a plain loop gives 0)
 * ```
 * @see SPEC.md §2.1; `neumaierSum` (the same algorithm over an array range); stdlib `blas-ext-base-gsumkbn`;
 *   Neumaier (1974)
 */
export class NeumaierAccumulator {
  private sum = -0;
  private correction = 0;

  /**
   * Adds one number to the running sum.
   * @param value - the number to add (any float64; NaN and ±Infinity propagate as in IEEE addition)
   */
  add(value: number): void {
    const sum = this.sum;
    const total = sum + value;
    this.correction += neumaierCompensation(sum, value, total);
    this.sum = total;
  }

  /**
   * The compensated sum of everything added since construction or the last {@link NeumaierAccumulator.reset};
   * `-0` when nothing was added.
   */
  get value(): number {
    return neumaierResult(this.sum, this.correction);
  }

  /** Empties the accumulator, so that `value` is `-0` again. */
  reset(): void {
    this.sum = -0;
    this.correction = 0;
  }
}
