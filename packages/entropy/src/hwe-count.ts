import { AresError, assertOneOf, assertSameLength } from '@ares/core';
import { assertThreshold } from './assert-threshold';
import { countTriggers } from './count-triggers';
import {
  DEFAULT_WINDOW_ENTROPY_OPTIONS,
  WINDOW_ANCHORS,
  windowEntropy,
  type WindowEntropyOptions,
} from './window-entropy';

/** Options of {@link hweCount}. Give `tokens` and `vocabulary` together to apply the trigger filter. */
export interface HweCountOptions extends WindowEntropyOptions {
  /**
   * Trigger filter, part 1: the decoded **sampled** tokens of the sequence, one per entropy. With the filter only
   * positions whose normalised token is in `vocabulary` and that are followed by a full `next` window with
   * mean ≥ τ count (`countTriggers(...).valid`); `anchor` is then not used.
   */
  readonly tokens?: readonly string[];
  /** Trigger filter, part 2: the normalised trigger words, e.g. {@link RELEASED_TRIGGER_VOCABULARY}. */
  readonly vocabulary?: Iterable<string>;
}

/** Defaults of {@link HweCountOptions} (no trigger filter). */
export const DEFAULT_HWE_COUNT_OPTIONS: Readonly<Required<WindowEntropyOptions>> = DEFAULT_WINDOW_ENTROPY_OPTIONS;

/**
 * The HWE count N_HE of one sequence: the number of anchor positions whose window mean entropy reaches τ,
 * optionally restricted to reasoning-trigger tokens.
 *
 * N_HE = Σ_t 1{W_t ≥ τ} over the anchor positions with a full window (paper §3.2.2), i.e. the number of ones in
 * `hweMask(H, τ, {coverage: 'start'})`. A sustained region of length ℓ ≥ w contributes up to ℓ − w + 1. With the
 * trigger filter: N_HE = countTriggers(tokens, H, {vocabulary, window, threshold: τ}).valid.
 *
 * @param entropies - per-token entropies H_0..H_{L−1} of one sequence, in nats
 * @param threshold - τ in nats; any number except NaN
 * @param options - `window` (default 4), `anchor` (default `'inclusive'`), and the optional trigger filter
 *   `tokens` + `vocabulary`
 * @returns the count, an integer in [0, L]
 * @throws {AresError} `INVALID_ARGUMENT` when `threshold` is NaN or not a number, `options.window` is not an
 *   integer ≥ 1, or only one of `options.tokens` and `options.vocabulary` is given; `UNSUPPORTED` for an unknown
 *   anchor; `SHAPE_MISMATCH` when `options.tokens.length` differs from `entropies.length`
 * @remarks
 * ## Numerics
 * Window means are those of {@link windowEntropy}; NaN windows never count. N_HE is non-decreasing in every H_u
 * at fixed τ and non-increasing in τ. The trigger filter matches the **sampled** token; the released code matched
 * the argmax candidate, which at T = 1 is often not the generated token (not reproduced). With w = 1 it is the
 * paper's App. H variant.
 * @example
 * ```ts
 * hweCount([1, 2, 3, 4, 5, 6], 3.5, { window: 2 }) // 3 (anchors 2, 3, 4)
 * ```
 * @see SPEC.md §2.2 (HWE positions and count); paper §3.2.2, App. F, App. H
 */
export function hweCount(entropies: ArrayLike<number>, threshold: number, options: HweCountOptions = {}): number {
  assertThreshold(threshold, 'threshold');
  const window = options.window ?? DEFAULT_HWE_COUNT_OPTIONS.window;
  const anchor = options.anchor ?? DEFAULT_HWE_COUNT_OPTIONS.anchor;
  assertOneOf(anchor, WINDOW_ANCHORS, 'options.anchor');
  const { tokens, vocabulary } = options;
  if ((tokens === undefined) !== (vocabulary === undefined)) {
    const missing = tokens === undefined ? 'options.tokens' : 'options.vocabulary';
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: missing,
      value: undefined,
      message: `${missing}: the trigger filter needs both options.tokens and options.vocabulary`,
    });
  }
  if (tokens !== undefined && vocabulary !== undefined) {
    assertSameLength(tokens.length, entropies.length, 'options.tokens', 'entropies');
    return countTriggers(tokens, entropies, { vocabulary, window, threshold }).valid;
  }
  const windows = windowEntropy(entropies, { window, anchor });
  let count = 0;
  for (let position = 0; position < windows.length; position++) {
    if (windows[position]! >= threshold) count++;
  }
  return count;
}
