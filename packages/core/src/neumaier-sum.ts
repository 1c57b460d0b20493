import { neumaierCompensation, neumaierResult } from './neumaier-accumulator';

/**
 * Compensated (Neumaier) sum of `values[start..end)`, for long float64 reductions.
 *
 * s = Σ x_i with a running correction c: for each x, t = s + x; c += (|s| ≥ |x|) ? (s − t) + x : (x − t) + s;
 * s = t; the result is s + c.
 *
 * @param values - the numbers to add (any array-like of numbers, e.g. a `Float32Array`)
 * @param start - first index, inclusive (default 0)
 * @param end - last index, exclusive (default `values.length`)
 * @returns the sum; `-0` for an empty range or a sum of negative zeros (the sign of zero is preserved), NaN if any
 *   value is NaN, ±Infinity as IEEE addition gives it
 * @remarks
 * ## Numerics
 * The error is bounded by about 2ε·|Σx| + O(nε²)·Σ|x|, independent of n to first order, against (n − 1)ε·Σ|x|
 * for a plain loop. Summation is in index order. Infinite inputs bypass the correction so that `[Infinity, 1]`
 * gives Infinity rather than NaN.
 * @example
 * ```ts
 * neumaierSum([1, 1e100, 1, -1e100]) // 2 (a plain loop gives 0)
 * ```
 * @see {@link NeumaierAccumulator} (the same algorithm, one number at a time); stdlib `blas-ext-base-gsumkbn`;
 *   Neumaier (1974)
 */
export function neumaierSum(values: ArrayLike<number>, start = 0, end = values.length): number {
  let sum = -0;
  let correction = 0;
  for (let index = start; index < end; index++) {
    const value = values[index]!;
    const total = sum + value;
    correction += neumaierCompensation(sum, value, total);
    sum = total;
  }
  return neumaierResult(sum, correction);
}
