/**
 * numpy `np.median` of a list of numbers: the middle value of the sorted copy, or the mean of the two middle values
 * for an even count; NaN for an empty list. The input is not modified.
 * @internal
 */
export function median(values: ArrayLike<number>): number {
  const count = values.length;
  if (count === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const middle = count >> 1;
  return count % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
