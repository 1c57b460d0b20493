import { AresError, assertInteger, assertSameLength } from '@ares/core';
import { assertThreshold } from './assert-threshold';
import { normalizeToken } from './normalize-token';

/** Options of {@link countTriggers}. */
export interface CountTriggersOptions {
  /**
   * The trigger words, already normalised (lowercase, no markers), e.g. {@link RELEASED_TRIGGER_VOCABULARY}. A
   * `Set` is used as it is; any other iterable is copied into one.
   */
  readonly vocabulary: Iterable<string>;
  /**
   * Window length w: a trigger at position i is judged by the mean of H_{i+1}..H_{i+w}; an integer ≥ 1.
   * @default 4
   */
  readonly window?: number;
  /** The HWE threshold τ in nats; any number except NaN. */
  readonly threshold: number;
}

/** Defaults of {@link CountTriggersOptions}. */
export const DEFAULT_COUNT_TRIGGERS_OPTIONS: Readonly<Required<Pick<CountTriggersOptions, 'window'>>> = Object.freeze({
  window: 4,
});

/** Result of {@link countTriggers}. */
export interface TriggerCounts {
  /** Triggers followed by a full window with mean ≥ τ (the released `valid_high_entropy_token_num`). */
  readonly valid: number;
  /** Triggers followed by a full window with mean < τ, or NaN (the released `invalid_high_entropy_token_num`). */
  readonly invalid: number;
  /** Σ max(0, μ − τ) over the judged triggers, in nats (the released `soft_cost_sum`). */
  readonly softCost: number;
}

/** @internal */
export function toVocabularySet(vocabulary: Iterable<string>, parameter: string): ReadonlySet<string> {
  if (vocabulary instanceof Set) return vocabulary as ReadonlySet<string>;
  if (
    vocabulary === null ||
    typeof vocabulary !== 'object' ||
    typeof (vocabulary as Partial<Iterable<string>>)[Symbol.iterator] !== 'function'
  ) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter,
      value: vocabulary,
      message: `${parameter}: expected an iterable of strings (an array or a Set), got ${typeof vocabulary}`,
    });
  }
  return new Set(vocabulary);
}

/**
 * Counts reasoning-trigger tokens and judges each by the mean entropy of the w tokens that follow it, as the
 * released `compute_reasoning_token_window_entropy` does.
 *
 * For each i with normalizeToken(tokens[i]) ∈ vocabulary and L − i − 1 ≥ w: μ_i = (1/w)·Σ_{u=i+1}^{i+w} H_u;
 * softCost += max(0, μ_i − τ); μ_i ≥ τ ? valid++ : invalid++. Triggers in the last w positions are not judged, so
 * valid + invalid ≤ the number of trigger tokens.
 *
 * @param tokens - the decoded **sampled** tokens of one response, one string per position (L of them)
 * @param entropies - the per-token entropies H_0..H_{L−1} of the same response, in nats
 * @param options - `vocabulary` (required), `window` (default 4), `threshold` τ (required)
 * @returns `{ valid, invalid, softCost }`
 * @throws {AresError} `SHAPE_MISMATCH` when `tokens.length` differs from `entropies.length`; `INVALID_ARGUMENT`
 *   when `options.window` is not an integer ≥ 1, `options.threshold` is NaN or not a number, or
 *   `options.vocabulary` is not iterable
 * @remarks
 * ## Numerics
 * Each μ_i is summed in index order in float64 and divided by w, exactly as {@link windowEntropy} with
 * `anchor: 'next'` computes W_i, so μ_i ≥ τ agrees with the HWE mask bit for bit. The released code summed
 * float32 values (`np.mean` of a float list); results can differ only at exact ties with τ. A NaN inside a judged
 * window makes μ_i NaN: the trigger counts as invalid (NaN ≥ τ is false, as released) and `softCost` becomes NaN
 * (propagation; the released Python `max(0.0, nan)` silently returned 0).
 * @example
 * ```ts
 * countTriggers(['so', 'wait', 'the', 'answer', 'but', 'is', 'x', 'hmm', '.'],
 *   [0.2, 0.5, 1.2, 1.4, 0.9, 1.6, 1.1, 0.3, 0.1],
 *   { vocabulary: ['wait', 'but', 'hmm'], window: 4, threshold: 1 }) // { valid: 1, invalid: 1, softCost: 0.275 }
 * ```
 * @see SPEC.md §2.2 (`countTriggers`, HWE positions and count); released code (shawn0728/ARES,
 *   verl/workers/rollout/vllm_rollout_spmd.py, `compute_reasoning_token_window_entropy`)
 */
export function countTriggers(
  tokens: readonly string[],
  entropies: ArrayLike<number>,
  options: CountTriggersOptions,
): TriggerCounts {
  const window = options.window ?? DEFAULT_COUNT_TRIGGERS_OPTIONS.window;
  assertInteger(window, 'options.window');
  assertThreshold(options.threshold, 'options.threshold');
  assertSameLength(tokens.length, entropies.length, 'tokens', 'entropies');
  const vocabulary = toVocabularySet(options.vocabulary, 'options.vocabulary');
  const threshold = options.threshold;
  const length = entropies.length;
  let valid = 0;
  let invalid = 0;
  let softCost = 0;
  // A trigger at i needs L − i − 1 ≥ w following tokens.
  for (let position = 0; position + window < length; position++) {
    if (!vocabulary.has(normalizeToken(tokens[position]!))) continue;
    let sum = 0;
    for (let index = position + 1; index <= position + window; index++) sum += entropies[index]!;
    const mean = sum / window;
    const excess = mean - threshold;
    softCost += excess > 0 || Number.isNaN(excess) ? excess : 0;
    if (mean >= threshold) valid++;
    else invalid++;
  }
  return { valid, invalid, softCost };
}
