import { AresError, assertInteger, assertOneOf } from '@ares/core';
import { topKEntropy } from './top-k-entropy';

/** One generated position of an OpenAI-compatible chat completion (`choices[i].logprobs.content[t]`). */
export interface ChatLogprobToken {
  readonly token: string;
  readonly logprob: number;
  readonly top_logprobs?: readonly { readonly token: string; readonly logprob: number }[] | null;
}

/** `choices[i].logprobs` of a chat completion (`content`) or of a legacy `/v1/completions` response. */
export type OpenAiLogprobs =
  | { readonly content: readonly ChatLogprobToken[] | null }
  | {
      readonly tokens: readonly string[];
      readonly token_logprobs: readonly (number | null)[];
      readonly top_logprobs?: readonly (Readonly<Record<string, number>> | null)[] | null;
    };

/** vLLM's `--logprobs-mode`; only the log-probability modes carry entropies. */
export type LogprobsMode = 'raw_logprobs' | 'processed_logprobs';

/** Options of {@link openAiLogprobEntropy}. */
export interface OpenAiLogprobEntropyOptions {
  /**
   * V, the model's vocabulary size; needed for the `upper` bound (without it `upper` is +∞ wherever tail mass
   * is left).
   */
  readonly vocabSize?: number;
  /**
   * The server's `--logprobs-mode`, recorded with the result. `raw_logprobs` (vLLM's default) is the model's
   * entropy; `processed_logprobs` is the sampler's, after temperature and top-p. Logit-valued modes are rejected.
   * @default 'raw_logprobs'
   */
  readonly logprobsMode?: LogprobsMode;
}

/** Defaults of {@link OpenAiLogprobEntropyOptions}. */
export const DEFAULT_OPEN_AI_LOGPROB_ENTROPY_OPTIONS: Readonly<{ logprobsMode: LogprobsMode }> = Object.freeze({
  logprobsMode: 'raw_logprobs',
});

/** Per-position entropy bounds of one response, from {@link openAiLogprobEntropy}. */
export interface OpenAiLogprobEntropy {
  /** The sampled tokens, as the server spelled them. */
  readonly tokens: readonly string[];
  /** Log-probability of each sampled token (−∞ for vLLM's −9999 sentinel). */
  readonly logProbs: Float64Array;
  /** Truncated entropy −Σ q ln q over the returned candidates. */
  readonly plain: Float64Array;
  /** Lower bound: the tail as one extra outcome (the released "tail-corrected" entropy; the ARES-TS default). */
  readonly lower: Float64Array;
  /** Upper bound: the tail spread evenly over the V − k unseen tokens. */
  readonly upper: Float64Array;
  /** Probability left outside the returned candidates. */
  readonly tailMass: Float64Array;
  /** Number of distinct candidates k at each position (the sampled token included). */
  readonly candidates: Uint16Array;
  /** The `--logprobs-mode` the values came from. */
  readonly logprobsMode: LogprobsMode;
}

const VLLM_NEGATIVE_INFINITY = -9999;

function fromServer(logprob: number | null | undefined, parameter: string): number {
  if (typeof logprob !== 'number') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: logprob, message: `${parameter}: expected a number, got ${String(logprob)}` });
  }
  return logprob <= VLLM_NEGATIVE_INFINITY ? -Infinity : logprob;
}

/**
 * Entropy bounds at every position of one response from the log-probabilities an OpenAI-compatible server
 * (vLLM, SGLang, llama.cpp server) returned with `logprobs: true, top_logprobs: k`.
 *
 * Per position: deduplicate the candidates by token, add the sampled token when it came back outside the top-k,
 * map vLLM's −9999.0 sentinel to −∞, and apply `topKEntropy`: plain ≤ lower ≤ H ≤ upper.
 *
 * @param logprobs - `choices[i].logprobs` of a chat completion (`{content}`) or of a legacy completion
 *   (`{tokens, token_logprobs, top_logprobs}`)
 * @param options - `vocabSize` (for `upper`), `logprobsMode` (default `'raw_logprobs'`)
 * @returns new arrays, one value per generated position
 * @throws {AresError} `INVALID_ARGUMENT` for a missing or malformed log-probability, a positive log-probability
 *   above 1e-6, or a bad `vocabSize`; `UNSUPPORTED` for a logit-valued `logprobsMode`
 * @remarks
 * ## Numerics
 * Float64 throughout; per position O(k). The upper − lower gap r·ln(V − k) can rival an HWE threshold (r = 0.05,
 * V = 151,665 → 0.60 nats): report it next to window means when deciding HWE positions from API log-probs.
 * @example
 * ```ts
 * const { lower } = openAiLogprobEntropy(response.choices[0].logprobs, { vocabSize: 151_665 })
 * ```
 * @see SPEC.md §4.4 (vLLM OpenAI-compatible log-probs), §2.2 (Top-k entropy)
 */
export function openAiLogprobEntropy(
  logprobs: OpenAiLogprobs,
  options: OpenAiLogprobEntropyOptions = {},
): OpenAiLogprobEntropy {
  const logprobsMode = options.logprobsMode ?? DEFAULT_OPEN_AI_LOGPROB_ENTROPY_OPTIONS.logprobsMode;
  assertOneOf(logprobsMode, ['raw_logprobs', 'processed_logprobs'] as const, 'options.logprobsMode');
  if (options.vocabSize !== undefined) assertInteger(options.vocabSize, 'options.vocabSize');
  const positions: { token: string; logprob: number; top: [string, number][] }[] = [];
  if (logprobs !== null && typeof logprobs === 'object' && 'content' in logprobs) {
    for (const [index, entry] of (logprobs.content ?? []).entries()) {
      positions.push({
        token: entry.token,
        logprob: fromServer(entry.logprob, `logprobs.content[${index}].logprob`),
        top: (entry.top_logprobs ?? []).map((candidate, rank) => [
          candidate.token,
          fromServer(candidate.logprob, `logprobs.content[${index}].top_logprobs[${rank}].logprob`),
        ]),
      });
    }
  } else if (logprobs !== null && typeof logprobs === 'object' && 'tokens' in logprobs && 'token_logprobs' in logprobs) {
    logprobs.tokens.forEach((token, index) => {
      const top = logprobs.top_logprobs?.[index] ?? {};
      positions.push({
        token,
        logprob: fromServer(logprobs.token_logprobs[index], `logprobs.token_logprobs[${index}]`),
        top: Object.entries(top).map(([candidate, value]) => [candidate, fromServer(value, `logprobs.top_logprobs[${index}]`)]),
      });
    });
  } else {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'logprobs', value: logprobs, message: 'logprobs: expected {content: [...]} or {tokens, token_logprobs, top_logprobs}' });
  }

  const count = positions.length;
  const result = {
    tokens: positions.map((position) => position.token),
    logProbs: new Float64Array(count),
    plain: new Float64Array(count),
    lower: new Float64Array(count),
    upper: new Float64Array(count),
    tailMass: new Float64Array(count),
    candidates: new Uint16Array(count),
    logprobsMode,
  };
  const seen = new Map<string, number>();
  const values: number[] = [];
  for (let index = 0; index < count; index++) {
    const position = positions[index]!;
    seen.clear();
    for (const [token, value] of position.top) if (!seen.has(token)) seen.set(token, value);
    if (!seen.has(position.token)) seen.set(position.token, position.logprob);
    values.length = 0;
    for (const value of seen.values()) values.push(value);
    const bounds = topKEntropy(values, options.vocabSize === undefined ? {} : { vocabSize: options.vocabSize });
    result.logProbs[index] = position.logprob;
    result.plain[index] = bounds.plain;
    result.lower[index] = bounds.lower;
    result.upper[index] = bounds.upper;
    result.tailMass[index] = bounds.tailMass;
    result.candidates[index] = values.length;
  }
  return result;
}
