import { assertBinaryMask, assertSameLength, DIFFICULTY_BUCKETS, type DifficultyBucket, NeumaierAccumulator } from '@ares/core';
import { validateTokenRows } from './validate';

/**
 * The per-bucket KL control statistic of the dual-ascent controller: the KL outside HWE windows per sequence.
 *
 * KL_ctrl(d) = mean over the sequences i of bucket d of (1/L_i)·Σ_t 1{m_{i,t} = 0}·kl_{i,t}, where L_i = Σ_t mask_{i,t}
 * is the full valid length (window tokens count in L_i but not in the sum).
 *
 * @param kl - row-major per-token KL estimates (e.g. {@link klEstimate} k3), `rows × columns`
 * @param mask - row-major 0/1 response mask, same length as `kl`
 * @param windowMask - row-major 0/1 HWE mask m, same length as `kl`
 * @param buckets - the difficulty bucket of each row; length `rows`
 * @param columns - tokens per row; a positive integer
 * @returns a new record with one entry per bucket that has at least one non-empty sequence; other buckets are
 *   absent, so a controller leaves them unchanged
 * @throws {AresError} `INVALID_ARGUMENT` when `columns` is not a positive integer, a mask holds a value other than
 *   0/1 or a bucket is unknown; `SHAPE_MISMATCH` when lengths disagree or are not multiples of `columns`
 * @remarks
 * ## Numerics
 * Per-row sums and the per-bucket mean are compensated (Neumaier) float64 sums in index order. Padding (mask 0) and
 * window tokens are never read, so their values (even NaN) cannot change the statistic; NaN on a counted token
 * propagates to its bucket. Sequences with L_i = 0 are skipped (the released code counts them as 0 through
 * `clamp(L, min=1)`).
 * @example
 * ```ts
 * controlStatistic([0.02, 9, 0.04, 0], [1, 1, 1, 0], [0, 1, 0, 0], ['hard', 'hard'], 2)
 * // { hard: 0.025 }: row 0 gives 0.02 / 2 (the window token is skipped), row 1 gives 0.04 / 1
 * ```
 * @see SPEC.md §2.4 (Control statistic), §6.5 item 24; paper App. F lines 16–24 and App. L
 */
export function controlStatistic(
  kl: ArrayLike<number>,
  mask: ArrayLike<number>,
  windowMask: ArrayLike<number>,
  buckets: ArrayLike<DifficultyBucket>,
  columns: number,
): Partial<Record<DifficultyBucket, number>> {
  const rows = validateTokenRows(kl, 'kl', mask, 'mask', buckets, columns);
  assertSameLength(windowMask.length, mask.length, 'windowMask', 'mask');
  assertBinaryMask(windowMask, 'windowMask');
  // Sums are read as `value + 0`: torch's sums start at +0, so a row of window tokens only gives +0.
  const rowSum = new NeumaierAccumulator();
  const bucketSums = DIFFICULTY_BUCKETS.map(() => new NeumaierAccumulator());
  const counts = new Float64Array(3);
  for (let row = 0; row < rows; row++) {
    const start = row * columns;
    let length = 0;
    rowSum.reset();
    for (let index = start; index < start + columns; index++) {
      if (mask[index] !== 1) continue;
      length++;
      if (windowMask[index] !== 1) rowSum.add(kl[index]!);
    }
    if (length === 0) continue;
    const slot = DIFFICULTY_BUCKETS.indexOf(buckets[row]!);
    bucketSums[slot]!.add((rowSum.value + 0) / length);
    counts[slot]!++;
  }
  const out: Partial<Record<DifficultyBucket, number>> = {};
  for (let slot = 0; slot < 3; slot++) {
    if (counts[slot]! > 0) out[DIFFICULTY_BUCKETS[slot]!] = (bucketSums[slot]!.value + 0) / counts[slot]!;
  }
  return out;
}
