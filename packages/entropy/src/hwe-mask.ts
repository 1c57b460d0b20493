import { assertOneOf } from '@ares/core';
import { assertThreshold } from './assert-threshold';
import { DEFAULT_WINDOW_ENTROPY_OPTIONS, windowEntropy, type WindowEntropyOptions } from './window-entropy';

/**
 * Which tokens an HWE window marks: `start` (Algorithm 1's m_{i,t}: the anchor position only) or `covered` (every
 * token inside a window whose mean reaches τ; the wording of paper App. K/L).
 */
export type HweCoverage = 'start' | 'covered';

/** @internal */
export const HWE_COVERAGES: readonly HweCoverage[] = ['start', 'covered'];

/** Options of {@link hweMask}. */
export interface HweMaskOptions extends WindowEntropyOptions {
  /**
   * `start` marks the anchor position t of each window with W_t ≥ τ; `covered` marks every token of such a window
   * (H_t..H_{t+w−1} for `inclusive`, H_{t+1}..H_{t+w} for `next`).
   * @default 'start'
   */
  readonly coverage?: HweCoverage;
}

/** Defaults of {@link HweMaskOptions}. */
export const DEFAULT_HWE_MASK_OPTIONS: Readonly<Required<HweMaskOptions>> = Object.freeze({
  ...DEFAULT_WINDOW_ENTROPY_OPTIONS,
  coverage: 'start',
});

/**
 * The high window-entropy (HWE) mask of one sequence: 1 where a window's mean entropy reaches the threshold τ.
 *
 * With W = windowEntropy(H, {window, anchor}): `start` gives m_t = 1{W_t ≥ τ} at anchor positions with a full
 * window and 0 elsewhere (paper App. F, Algorithm 1 line 7); `covered` gives c_u = 1 when some window with W_t ≥ τ
 * contains token u.
 *
 * @param entropies - per-token entropies H_0..H_{L−1} of one sequence, in nats
 * @param threshold - τ in nats; any number except NaN (+∞ marks nothing, −∞ every full window)
 * @param options - `window` (default 4), `anchor` (default `'inclusive'`), `coverage` (default `'start'`)
 * @returns a new `Uint8Array` of length L holding 0/1; all zeros when L is shorter than a full window
 * @throws {AresError} `INVALID_ARGUMENT` when `threshold` is NaN or not a number, or `options.window` is not an
 *   integer ≥ 1; `UNSUPPORTED` for an unknown `options.anchor` or `options.coverage`
 * @remarks
 * ## Numerics
 * Window means come from {@link windowEntropy} (each window summed in index order in float64, then divided by w),
 * so the mask agrees bit for bit with comparing its output to τ. A NaN entropy makes every window that covers it
 * NaN, and NaN windows never count. Positions without a full window are never marked by `start`.
 * @example
 * ```ts
 * hweMask([1, 2, 3, 4, 5, 6], 3.5, { window: 2 })                       // Uint8Array [0, 0, 1, 1, 1, 0]
 * hweMask([1, 2, 3, 4, 5, 6], 3.5, { window: 2, coverage: 'covered' }) // Uint8Array [0, 0, 1, 1, 1, 1]
 * ```
 * @see SPEC.md §2.2 (HWE positions and count); paper App. F (Algorithm 1), App. K/L
 */
export function hweMask(entropies: ArrayLike<number>, threshold: number, options: HweMaskOptions = {}): Uint8Array {
  const coverage = options.coverage ?? DEFAULT_HWE_MASK_OPTIONS.coverage;
  assertThreshold(threshold, 'threshold');
  assertOneOf(coverage, HWE_COVERAGES, 'options.coverage');
  const window = options.window ?? DEFAULT_HWE_MASK_OPTIONS.window;
  const anchor = options.anchor ?? DEFAULT_HWE_MASK_OPTIONS.anchor;
  const windows = windowEntropy(entropies, { window, anchor });
  const mask = new Uint8Array(entropies.length);
  if (coverage === 'start') {
    for (let position = 0; position < windows.length; position++) {
      if (windows[position]! >= threshold) mask[position] = 1;
    }
    return mask;
  }
  const offset = anchor === 'next' ? 1 : 0;
  // Mark covered tokens without re-marking overlaps: `marked` is one past the last token set so far.
  let marked = 0;
  for (let position = 0; position < windows.length; position++) {
    if (!(windows[position]! >= threshold)) continue;
    const end = position + offset + window;
    for (let index = Math.max(marked, position + offset); index < end; index++) mask[index] = 1;
    marked = end;
  }
  return mask;
}
