import { assertInteger, assertOneOf } from '@ares/core';

/** Where a window value is anchored: `inclusive` (paper) H_t..H_{t+w−1}; `next` (released code) H_{t+1}..H_{t+w}. */
export type WindowAnchor = 'inclusive' | 'next';

/** Options of {@link windowEntropy}. */
export interface WindowEntropyOptions {
  /**
   * Window length w, an integer ≥ 1 (paper: 4–8 work best, 16–32 dilute the signal).
   * @default 4
   */
  readonly window?: number;
  /**
   * `inclusive` (paper, W_t = mean of H_t..H_{t+w−1}) or `next` (released code, W_t = mean of H_{t+1}..H_{t+w}).
   * @default 'inclusive'
   */
  readonly anchor?: WindowAnchor;
}

/** Defaults of {@link WindowEntropyOptions}. */
export const DEFAULT_WINDOW_ENTROPY_OPTIONS: Readonly<Required<WindowEntropyOptions>> = Object.freeze({
  window: 4,
  anchor: 'inclusive',
});

/** @internal */
export const WINDOW_ANCHORS: readonly WindowAnchor[] = ['inclusive', 'next'];

/**
 * Window entropy: the mean token entropy over a sliding window, one value per anchor position with a full window.
 *
 * `inclusive`: W_t = (1/w)·Σ_{u=t}^{t+w−1} H_u for t = 0..L−w (L − w + 1 values);
 * `next`: W_t = (1/w)·Σ_{u=t+1}^{t+w} H_u for t = 0..L−w−1 (L − w values).
 *
 * @param entropies - per-token entropies H_0..H_{L−1} of one sequence, in nats
 * @param options - `window` (default 4), `anchor` (default `'inclusive'`)
 * @returns a new `Float64Array` whose index t is the anchor position; empty when the sequence is shorter than
 *   the window (positions without a full window have no value and are never HWE positions)
 * @throws {AresError} `INVALID_ARGUMENT` when `window` is not an integer ≥ 1; `UNSUPPORTED` for an unknown anchor
 * @remarks
 * ## Numerics
 * Each window is summed directly in index order in float64 and then divided by w (no sliding-sum shortcut, whose
 * rounding drifts along the sequence). Cost O(L·w). NaN propagates to every window that covers it.
 * @example
 * ```ts
 * windowEntropy([1, 2, 3, 4, 5, 6], { window: 2 }) // Float64Array [1.5, 2.5, 3.5, 4.5, 5.5]
 * ```
 * @see SPEC.md §2.2 (Window entropy); paper §2.1, App. D eq. 4
 */
export function windowEntropy(entropies: ArrayLike<number>, options: WindowEntropyOptions = {}): Float64Array {
  const window = options.window ?? DEFAULT_WINDOW_ENTROPY_OPTIONS.window;
  const anchor = options.anchor ?? DEFAULT_WINDOW_ENTROPY_OPTIONS.anchor;
  assertInteger(window, 'options.window');
  assertOneOf(anchor, WINDOW_ANCHORS, 'options.anchor');
  const offset = anchor === 'next' ? 1 : 0;
  const count = Math.max(0, entropies.length - window + 1 - offset);
  const out = new Float64Array(count);
  for (let anchorIndex = 0; anchorIndex < count; anchorIndex++) {
    const start = anchorIndex + offset;
    let sum = 0;
    for (let index = start; index < start + window; index++) sum += entropies[index]!;
    out[anchorIndex] = sum / window;
  }
  return out;
}
