import { assertInRange, assertNonEmpty } from '@ares/core';

function sortedCopy(values: ArrayLike<number>): Float64Array | undefined {
  const sorted = Float64Array.from(values);
  for (let index = 0; index < sorted.length; index++) {
    if (Number.isNaN(sorted[index]!)) return undefined;
  }
  return sorted.sort();
}

/**
 * The q-quantile of `values` with numpy's default `linear` method, bit-compatible with `np.quantile`.
 *
 * Sort ascending; h = (n − 1)·q, lo = ⌊h⌋, hi = min(lo + 1, n − 1), g = h − lo; the result is
 * x_lo + (x_hi − x_lo)·g when g < 0.5 and x_hi − (x_hi − x_lo)·(1 − g) otherwise (numpy's two-sided lerp).
 *
 * @param values - the sample (any array-like of numbers; not modified)
 * @param q - the probability, in [0, 1]
 * @returns the quantile; NaN when any value is NaN
 * @throws {AresError} `EMPTY_INPUT` for an empty sample; `INVALID_ARGUMENT` when q is outside [0, 1] or NaN
 * @remarks
 * ## Numerics
 * Sorts a float64 copy (O(n log n)). The two-sided interpolation is monotone in q and exact at the data points;
 * it is required for bit equality with numpy ≥ 1.22. Infinities follow numpy's arithmetic: interpolating next to
 * ±∞ (even with weight 0) gives NaN through ∞·0 or ∞ − ∞, as `np.quantile` does for a float q.
 * @example
 * ```ts
 * quantile([2.5, 3.5, 4.5, 5.5, 4, 4], 0.95) // 5.25
 * ```
 * @see SPEC.md §2.2 (Quantile); numpy `lib/function_base.py` `_lerp`
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  assertNonEmpty(values.length, 'values');
  assertInRange(q, 'q', { min: 0, max: 1 });
  const sorted = sortedCopy(values);
  if (sorted === undefined) return Number.NaN;
  const n = sorted.length;
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const fraction = position - lower;
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  const difference = high - low;
  return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction;
}

/**
 * The median with `np.median` semantics: the middle value, or (x_lo + x_hi)/2 for an even count (which can
 * differ from `quantile(values, 0.5)` in the last bit).
 *
 * @param values - the sample (not modified)
 * @returns the median; NaN when any value is NaN
 * @throws {AresError} `EMPTY_INPUT` for an empty sample
 * @example
 * ```ts
 * median([4, 1, 3, 2]) // 2.5
 * ```
 * @see SPEC.md §2.2 (Quantile)
 */
export function median(values: ArrayLike<number>): number {
  assertNonEmpty(values.length, 'values');
  const sorted = sortedCopy(values);
  if (sorted === undefined) return Number.NaN;
  const n = sorted.length;
  const half = n >> 1;
  if (n % 2 === 1) return sorted[half]!;
  // np.median takes np.mean of the two middle values: (a + b) / 2 in float64.
  return (sorted[half - 1]! + sorted[half]!) / 2;
}
