import { assertInteger, assertOneOf } from '@ares/core';
import { assertThreshold } from './assert-threshold';
import { topKEntropy } from './top-k-entropy';
import { DEFAULT_WINDOW_ENTROPY_OPTIONS, WINDOW_ANCHORS, type WindowAnchor } from './window-entropy';

/** Options of {@link HweStreamDetector}. */
export interface HweStreamDetectorOptions {
  /** The HWE threshold τ in nats; any number except NaN. */
  readonly threshold: number;
  /**
   * Window length w, an integer ≥ 1.
   * @default 4
   */
  readonly window?: number;
  /**
   * `inclusive` (paper): the window at anchor t is H_t..H_{t+w−1}; `next` (released): H_{t+1}..H_{t+w}.
   * @default 'inclusive'
   */
  readonly anchor?: WindowAnchor;
}

/** Defaults of {@link HweStreamDetectorOptions} (`threshold` has none). */
export const DEFAULT_HWE_STREAM_DETECTOR_OPTIONS: Readonly<Required<Omit<HweStreamDetectorOptions, 'threshold'>>> =
  Object.freeze({ window: DEFAULT_WINDOW_ENTROPY_OPTIONS.window, anchor: DEFAULT_WINDOW_ENTROPY_OPTIONS.anchor });

/** Which {@link topKEntropy} estimate {@link HweStreamDetector.pushTopLogProbs} feeds into the window. */
export type TopKEntropyBound = 'plain' | 'lower' | 'upper';

/** @internal */
export const TOP_K_ENTROPY_BOUNDS: readonly TopKEntropyBound[] = ['plain', 'lower', 'upper'];

/** Options of {@link HweStreamDetector.pushTopLogProbs}. */
export interface PushTopLogProbsOptions {
  /**
   * V, the full vocabulary size (needed for a finite `upper` bound when tail mass remains).
   * @default undefined
   */
  readonly vocabSize?: number;
  /**
   * `lower` (tail as one outcome; the SPEC DEFAULT and the released estimate), `plain` (truncated; only to
   * reproduce the released threshold quirk) or `upper` (tail spread over the V − k unseen tokens).
   * @default 'lower'
   */
  readonly bound?: TopKEntropyBound;
}

/** Defaults of {@link PushTopLogProbsOptions}. */
export const DEFAULT_PUSH_TOP_LOG_PROBS_OPTIONS: Readonly<{ vocabSize: number | undefined; bound: TopKEntropyBound }> =
  Object.freeze({ vocabSize: undefined, bound: 'lower' });

/** A window that has just become complete in a {@link HweStreamDetector}. */
export interface CompletedWindow {
  /** The anchor position t (the index of this value in `windowEntropy` over the whole sequence). */
  readonly position: number;
  /** The first token of the window: t for `inclusive`, t + 1 for `next` (the branch point of SPEC §2.8). */
  readonly windowStart: number;
  /** W_t, the mean entropy of the window, in nats. */
  readonly windowEntropy: number;
  /** W_t ≥ τ: an HWE event (never true for a NaN window). */
  readonly highEntropy: boolean;
}

/**
 * Detects high window-entropy (HWE) positions while tokens are generated, one entropy at a time, with O(w) memory.
 *
 * After token n arrives, the window over H_{n−w+1}..H_n is complete; its mean W_t = (1/w)·Σ H_u belongs to anchor
 * t = n − w + 1 (`inclusive`) or t = n − w (`next`, which needs n ≥ w). It is an event when W_t ≥ τ.
 *
 * @remarks
 * ## Numerics
 * A ring buffer holds the last w entropies; each window is summed oldest first in float64 and divided by w, the same
 * operations in the same order as {@link windowEntropy}, so the streamed values equal `windowEntropy` over the whole
 * sequence bit for bit and the events equal `hweMask(…, {coverage: 'start'})`. Cost O(w) per token. A NaN entropy
 * makes the w windows that contain it NaN; NaN windows are never events.
 * @example
 * ```ts
 * const detector = new HweStreamDetector({ threshold: 3.5, window: 2 })
 * for (const entropy of [1, 2, 3, 4, 5, 6]) detector.push(entropy) // last: { position: 4, windowEntropy: 5.5, … }
 * detector.hweCount // 3
 * ```
 * @see SPEC.md §2.2 (Window entropy, HWE positions and count, Top-k entropy); §4.4 (vLLM log-probs)
 */
export class HweStreamDetector {
  readonly #threshold: number;
  readonly #window: number;
  readonly #anchor: WindowAnchor;
  readonly #buffer: Float64Array;
  #length = 0;
  #hweCount = 0;

  /**
   * @param options - `threshold` τ (required), `window` (default 4), `anchor` (default `'inclusive'`)
   * @throws {AresError} `INVALID_ARGUMENT` when `options.threshold` is NaN or not a number, or `options.window` is
   *   not an integer ≥ 1; `UNSUPPORTED` for an unknown `options.anchor`
   */
  constructor(options: HweStreamDetectorOptions) {
    const window = options.window ?? DEFAULT_HWE_STREAM_DETECTOR_OPTIONS.window;
    const anchor = options.anchor ?? DEFAULT_HWE_STREAM_DETECTOR_OPTIONS.anchor;
    assertThreshold(options.threshold, 'options.threshold');
    assertInteger(window, 'options.window');
    assertOneOf(anchor, WINDOW_ANCHORS, 'options.anchor');
    this.#threshold = options.threshold;
    this.#window = window;
    this.#anchor = anchor;
    this.#buffer = new Float64Array(window);
  }

  /** τ, the threshold events are judged against. */
  get threshold(): number {
    return this.#threshold;
  }

  /** w, the window length. */
  get window(): number {
    return this.#window;
  }

  /** The anchor convention. */
  get anchor(): WindowAnchor {
    return this.#anchor;
  }

  /** The number of tokens pushed since construction or the last {@link HweStreamDetector.reset}. */
  get length(): number {
    return this.#length;
  }

  /** N_HE so far: the number of completed windows with W_t ≥ τ (equals `hweCount` of the pushed sequence). */
  get hweCount(): number {
    return this.#hweCount;
  }

  /**
   * Appends the entropy of the next token.
   *
   * @param entropy - H_n in nats (NaN allowed; it makes the windows containing it NaN)
   * @returns the window that this token completed, or `undefined` when none is complete yet
   */
  push(entropy: number): CompletedWindow | undefined {
    const window = this.#window;
    const buffer = this.#buffer;
    const newest = this.#length;
    buffer[newest % window] = entropy;
    this.#length = newest + 1;
    const windowStart = newest - window + 1;
    const position = this.#anchor === 'next' ? windowStart - 1 : windowStart;
    if (position < 0) return undefined;
    // Oldest first: slots (newest + 1) % w … w − 1, then 0 … newest % w.
    const oldest = (newest + 1) % window;
    let sum = 0;
    for (let slot = oldest; slot < window; slot++) sum += buffer[slot]!;
    for (let slot = 0; slot < oldest; slot++) sum += buffer[slot]!;
    const windowEntropy = sum / window;
    const highEntropy = windowEntropy >= this.#threshold;
    if (highEntropy) this.#hweCount++;
    return { position, windowStart, windowEntropy, highEntropy };
  }

  /**
   * Appends the next token from the top-k log-probabilities an API returned for it (deduplicated by token, with
   * the sampled token included), using one of the {@link topKEntropy} estimates.
   *
   * @param topLogProbs - the log-probabilities ℓ_1..ℓ_k at this position (≤ 0; vLLM's −9999 mapped to −∞)
   * @param options - `vocabSize` (default unknown), `bound` (default `'lower'`)
   * @returns the window that this token completed, or `undefined`
   * @throws {AresError} as {@link topKEntropy} (`EMPTY_INPUT`, `INVALID_ARGUMENT`); `UNSUPPORTED` for an unknown
   *   `options.bound`
   */
  pushTopLogProbs(topLogProbs: ArrayLike<number>, options: PushTopLogProbsOptions = {}): CompletedWindow | undefined {
    const bound = options.bound ?? DEFAULT_PUSH_TOP_LOG_PROBS_OPTIONS.bound;
    assertOneOf(bound, TOP_K_ENTROPY_BOUNDS, 'options.bound');
    const vocabSize = options.vocabSize ?? DEFAULT_PUSH_TOP_LOG_PROBS_OPTIONS.vocabSize;
    const estimates = topKEntropy(topLogProbs, vocabSize === undefined ? {} : { vocabSize });
    return this.push(estimates[bound]);
  }

  /** Forgets all tokens (to start the next sequence with the same settings). */
  reset(): void {
    this.#length = 0;
    this.#hweCount = 0;
    this.#buffer.fill(0);
  }
}
