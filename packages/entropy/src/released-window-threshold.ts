import { assertInRange, assertInteger } from '@ares/core';
import { quantile } from './quantile';

/** Options of {@link releasedWindowThreshold}. */
export interface ReleasedWindowThresholdOptions {
  /**
   * Window length w, an integer ≥ 1 (the released code's `window_size`).
   * @default 4
   */
  readonly window?: number;
  /**
   * Quantile q in [0, 1] of the padded window list (the released code's `percentile=95.0`).
   * @default 0.95
   */
  readonly quantile?: number;
}

/** Defaults of {@link ReleasedWindowThresholdOptions}. */
export const DEFAULT_RELEASED_WINDOW_THRESHOLD_OPTIONS: Readonly<Required<ReleasedWindowThresholdOptions>> =
  Object.freeze({ window: 4, quantile: 0.95 });

/** numpy's pairwise-summation block size (`PW_BLOCKSIZE`). */
const BLOCK_SIZE = 128;

/**
 * numpy's pairwise sum of `values[start..start+count)` in float32: every addition is rounded with `Math.fround`.
 * The values must already be float32. n < 8: sequential from 0; 8 ≤ n ≤ 128: eight strided partial sums combined
 * as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder in order; n > 128: split at ⌊n/2⌋ rounded down to
 * a multiple of 8, recurse, add.
 * @internal
 */
export function pairwiseSumFloat32(values: ArrayLike<number>, start: number, count: number): number {
  if (count < 8) {
    let sum = 0;
    for (let index = start; index < start + count; index++) sum = Math.fround(sum + values[index]!);
    return sum;
  }
  if (count <= BLOCK_SIZE) {
    let r0 = values[start]!;
    let r1 = values[start + 1]!;
    let r2 = values[start + 2]!;
    let r3 = values[start + 3]!;
    let r4 = values[start + 4]!;
    let r5 = values[start + 5]!;
    let r6 = values[start + 6]!;
    let r7 = values[start + 7]!;
    const blocked = count - (count % 8);
    let index = 8;
    for (; index < blocked; index += 8) {
      const base = start + index;
      r0 = Math.fround(r0 + values[base]!);
      r1 = Math.fround(r1 + values[base + 1]!);
      r2 = Math.fround(r2 + values[base + 2]!);
      r3 = Math.fround(r3 + values[base + 3]!);
      r4 = Math.fround(r4 + values[base + 4]!);
      r5 = Math.fround(r5 + values[base + 5]!);
      r6 = Math.fround(r6 + values[base + 6]!);
      r7 = Math.fround(r7 + values[base + 7]!);
    }
    const left = Math.fround(Math.fround(r0 + r1) + Math.fround(r2 + r3));
    const right = Math.fround(Math.fround(r4 + r5) + Math.fround(r6 + r7));
    let sum = Math.fround(left + right);
    for (; index < count; index++) sum = Math.fround(sum + values[start + index]!);
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return Math.fround(pairwiseSumFloat32(values, start, half) + pairwiseSumFloat32(values, start + half, count - half));
}

/**
 * numpy's pairwise sum of `values[start..start+count)` in float64 (same blocking as {@link pairwiseSumFloat32}).
 * @internal
 */
export function pairwiseSumFloat64(values: ArrayLike<number>, start: number, count: number): number {
  if (count < 8) {
    let sum = 0;
    for (let index = start; index < start + count; index++) sum += values[index]!;
    return sum;
  }
  if (count <= BLOCK_SIZE) {
    let r0 = values[start]!;
    let r1 = values[start + 1]!;
    let r2 = values[start + 2]!;
    let r3 = values[start + 3]!;
    let r4 = values[start + 4]!;
    let r5 = values[start + 5]!;
    let r6 = values[start + 6]!;
    let r7 = values[start + 7]!;
    const blocked = count - (count % 8);
    let index = 8;
    for (; index < blocked; index += 8) {
      const base = start + index;
      r0 += values[base]!;
      r1 += values[base + 1]!;
      r2 += values[base + 2]!;
      r3 += values[base + 3]!;
      r4 += values[base + 4]!;
      r5 += values[base + 5]!;
      r6 += values[base + 6]!;
      r7 += values[base + 7]!;
    }
    let sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; index < count; index++) sum += values[start + index]!;
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSumFloat64(values, start, half) + pairwiseSumFloat64(values, start + half, count - half);
}

/**
 * The released per-sequence window list v_0..v_{L−1} (steps 1–2 of SPEC §2.2 `releasedWindowThreshold`): float32
 * `next`-anchored window means where a full window follows, then float64 running means as padding. Inputs are
 * assumed validated.
 * @internal
 */
export function releasedWindowList(entropies: ArrayLike<number>, window: number): Float64Array {
  const length = entropies.length;
  const rounded = new Float32Array(length);
  for (let index = 0; index < length; index++) rounded[index] = entropies[index]!;
  const list = new Float64Array(length);
  for (let index = 0; index < length; index++) {
    if (length - index - 1 >= window) {
      // numpy reduces onto its identity 0 (so −0 sums give +0); the float64 quotient of two float32 values rounds
      // to the correctly rounded float32 quotient.
      list[index] = Math.fround((0 + pairwiseSumFloat32(rounded, index + 1, window)) / window);
    } else if (index > 0) {
      list[index] = (0 + pairwiseSumFloat64(list, 0, index)) / index;
    } else {
      list[index] = rounded[0]!;
    }
  }
  return list;
}

/**
 * The released code's per-sequence HWE threshold θ: the q-quantile of the padded `next`-window means, reproduced
 * bit for bit.
 *
 * e_i = float32(H_i); for i = 0..L−1: v_i = float32 mean of e_{i+1..i+w} if L − i − 1 ≥ w, else the float64 mean of
 * v_0..v_{i−1} if i > 0, else e_0; θ = quantile(v, q), and θ = 0 for L = 0.
 *
 * @param entropies - per-token entropies H_0..H_{L−1} of one sequence, in nats (rounded to float32 first)
 * @param options - `window` w (default 4), `quantile` q (default 0.95)
 * @returns θ in nats; 0 for an empty sequence; NaN when any entropy is NaN
 * @throws {AresError} `INVALID_ARGUMENT` when `options.window` is not an integer ≥ 1 or `options.quantile` is not in
 *   [0, 1]
 * @remarks
 * ## Numerics
 * Bit-compatible with numpy: the float32 window mean is numpy's pairwise sum in float32 (rounded after every
 * addition) followed by a float32 division by w; the padding mean is numpy's pairwise sum in float64 divided by
 * the count; the quantile is numpy's `linear` method. Padding affects only the last min(L, w) positions, and when
 * L ≤ w every value equals e_0. Cost O(L·w). Known difference: for 4 ≤ L ≤ w the released code's padding list holds
 * float32 scalars, so numpy averaged it in float32 and could drift from e_0 in the last bit; SPEC §2.2 fixes the
 * float64 mean, which keeps e_0 exactly.
 * @example
 * ```ts
 * releasedWindowThreshold([1, 2, 3, 4, 5, 6], { window: 2 }) // 5.25 (list [2.5, 3.5, 4.5, 5.5, 4, 4])
 * ```
 * @see SPEC.md §2.2 (`releasedWindowThreshold`); released code (shawn0728/ARES,
 *   verl/workers/rollout/vllm_rollout_spmd.py, `get_window_average_entropy_percentile_threshold_list`)
 */
export function releasedWindowThreshold(
  entropies: ArrayLike<number>,
  options: ReleasedWindowThresholdOptions = {},
): number {
  const window = options.window ?? DEFAULT_RELEASED_WINDOW_THRESHOLD_OPTIONS.window;
  const q = options.quantile ?? DEFAULT_RELEASED_WINDOW_THRESHOLD_OPTIONS.quantile;
  assertInteger(window, 'options.window');
  assertInRange(q, 'options.quantile', { min: 0, max: 1 });
  if (entropies.length === 0) return 0;
  return quantile(releasedWindowList(entropies, window), q);
}
