import { DIFFICULTY_BUCKETS, type DifficultyBucket, NeumaierAccumulator } from '@ares/core';
import { validateTokenRows } from './validate';

/** Masked KL statistics of one difficulty bucket (see {@link bucketKlStatistics}). */
export interface KlBucketStatistics {
  /** Sequences of the bucket with at least one valid token. */
  readonly sequences: number;
  /** Valid tokens of the bucket, Σ_i L_i. */
  readonly tokens: number;
  /** Token mean: Σ_i Σ_t mask·kl / Σ_i L_i. */
  readonly tokenMean: number;
  /** Mean over sequences of the per-sequence token mean (the released controller's observation). */
  readonly sequenceMean: number;
  /** Largest valid per-token value (NaN if any valid value is NaN). */
  readonly max: number;
}

/**
 * Masked per-bucket summaries of per-token KL estimates, for logging and for the `released` controller.
 *
 * For bucket d with sequences i (L_i = Σ_t mask_{i,t} > 0): tokenMean = Σ_i Σ_t mask·kl / Σ_i L_i;
 * sequenceMean = mean_i (1/L_i)·Σ_t mask·kl; max = max over valid tokens.
 *
 * @param kl - row-major per-token KL estimates, `rows × columns`
 * @param mask - row-major 0/1 response mask, same length as `kl`
 * @param buckets - the difficulty bucket of each row; length `rows`
 * @param columns - tokens per row; a positive integer
 * @returns a new record with an entry for every bucket that has at least one valid token; other buckets are absent
 * @throws {AresError} `INVALID_ARGUMENT` when `columns` is not a positive integer, `mask` holds a value other than
 *   0/1 or a bucket is unknown; `SHAPE_MISMATCH` when lengths disagree or are not multiples of `columns`
 * @remarks
 * ## Numerics
 * Compensated (Neumaier) float64 sums in index order; padding (mask 0) is never read. NaN on a valid token
 * propagates to every statistic of its bucket. Rows with L_i = 0 are skipped.
 * @example
 * ```ts
 * bucketKlStatistics([0.1, 0.3, 0.2, 0], [1, 1, 1, 0], ['easy', 'easy'], 2).easy
 * // { sequences: 2, tokens: 3, tokenMean: 0.2, sequenceMean: 0.2, max: 0.3 }
 * ```
 * @see SPEC.md §2.4 (`released` controller: the mean over a bucket's sequences of the per-sequence token-mean k3)
 */
export function bucketKlStatistics(
  kl: ArrayLike<number>,
  mask: ArrayLike<number>,
  buckets: ArrayLike<DifficultyBucket>,
  columns: number,
): Partial<Record<DifficultyBucket, KlBucketStatistics>> {
  const rows = validateTokenRows(kl, 'kl', mask, 'mask', buckets, columns);
  // Sums are read as `value + 0`: torch's sums start at +0, so an empty or all −0 sum is +0.
  const rowSum = new NeumaierAccumulator();
  const tokenSums = DIFFICULTY_BUCKETS.map(() => new NeumaierAccumulator());
  const sequenceSums = DIFFICULTY_BUCKETS.map(() => new NeumaierAccumulator());
  const sequences = [0, 0, 0];
  const tokens = [0, 0, 0];
  const maxima = [-Infinity, -Infinity, -Infinity];
  for (let row = 0; row < rows; row++) {
    const slot = DIFFICULTY_BUCKETS.indexOf(buckets[row]!);
    const start = row * columns;
    let length = 0;
    let max = maxima[slot]!;
    const tokenSum = tokenSums[slot]!;
    rowSum.reset();
    for (let index = start; index < start + columns; index++) {
      if (mask[index] !== 1) continue;
      const value = kl[index]!;
      length++;
      rowSum.add(value);
      tokenSum.add(value);
      if (value > max || Number.isNaN(value)) max = Number.isNaN(max) ? max : value;
    }
    if (length === 0) continue;
    maxima[slot] = max;
    tokens[slot]! += length;
    sequences[slot]!++;
    sequenceSums[slot]!.add((rowSum.value + 0) / length);
  }
  const out: Partial<Record<DifficultyBucket, KlBucketStatistics>> = {};
  for (let slot = 0; slot < 3; slot++) {
    if (tokens[slot] === 0) continue;
    out[DIFFICULTY_BUCKETS[slot]!] = {
      sequences: sequences[slot]!,
      tokens: tokens[slot]!,
      tokenMean: (tokenSums[slot]!.value + 0) / tokens[slot]!,
      sequenceMean: (sequenceSums[slot]!.value + 0) / sequences[slot]!,
      max: maxima[slot]!,
    };
  }
  return out;
}
