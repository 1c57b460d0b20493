import { AresError } from '@ares/core';
import { countTriggers } from '../count-triggers';
import { hweMask } from '../hwe-mask';
import { paperThreshold, ReleasedThresholdTracker } from '../hwe-threshold';
import { openAiLogprobEntropy, type LogprobsMode, type OpenAiLogprobs } from '../openai-logprob-entropy';
import { RELEASED_TRIGGER_VOCABULARY } from '../released-trigger-vocabulary';
import { windowEntropy, type WindowAnchor } from '../window-entropy';

/** Options of {@link analyzeResponses}. @internal */
export interface AnalyzeOptions {
  readonly window: number;
  readonly anchor: WindowAnchor;
  /** A fixed τ; when absent, `estimator` computes it from all traces. */
  readonly threshold?: number;
  /**
   * `released` (the trainer's default): median over traces of the released per-trace threshold (q-quantile of
   * padded `next` window means), i.e. the first batch of the released EMA; `paper`: mean over traces of the
   * q-quantile of single-token entropies.
   */
  readonly estimator: 'released' | 'paper';
  readonly quantile: number;
  readonly vocabSize?: number;
  readonly logprobsMode: LogprobsMode;
}

/** One analysed response choice. @internal */
export interface TraceAnalysis {
  readonly id: string;
  readonly tokens: readonly string[];
  readonly entropy: Float64Array;
  readonly upper: Float64Array;
  readonly windows: Float64Array;
  readonly upperWindows: Float64Array;
  readonly mask: Uint8Array;
  readonly hweCount: number;
  /** Windows below τ on the lower bound but not on the upper bound: HWE decisions the top-k truncation could flip. */
  readonly undecided: number;
  readonly events: readonly { readonly anchor: number; readonly branchPoint: number; readonly window: number; readonly token: string }[];
  readonly triggers: { readonly valid: number; readonly invalid: number; readonly softCost: number };
  readonly meanEntropy: number;
  readonly meanTailMass: number;
}

/** @internal */
export interface Analysis {
  readonly threshold: number;
  readonly thresholdSource: 'given' | 'paper' | 'released';
  readonly options: AnalyzeOptions;
  readonly traces: readonly TraceAnalysis[];
}

/** Finds `choices[].logprobs` in a response object (chat or legacy completion) or accepts a bare logprobs object. */
export function extractChoices(line: unknown, lineNumber: number): { id: string; logprobs: OpenAiLogprobs }[] {
  if (line === null || typeof line !== 'object') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `line ${lineNumber}`, value: line, message: `line ${lineNumber}: expected a JSON object` });
  }
  const record = line as Record<string, unknown>;
  const id = typeof record['id'] === 'string' ? record['id'] : `line-${lineNumber}`;
  const list: unknown = record['choices'];
  if (Array.isArray(list)) {
    return list.map((choice: unknown, index: number) => {
      const logprobs = (choice as Record<string, unknown> | null)?.['logprobs'];
      if (logprobs === null || typeof logprobs !== 'object') {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `line ${lineNumber}: choices[${index}].logprobs`, value: logprobs, message: `line ${lineNumber}: choices[${index}] has no logprobs (request logprobs: true, top_logprobs: k)` });
      }
      return { id: list.length > 1 ? `${id}#${index}` : id, logprobs: logprobs as OpenAiLogprobs };
    });
  }
  if ('logprobs' in record) return [{ id, logprobs: record['logprobs'] as OpenAiLogprobs }];
  if ('content' in record || 'tokens' in record) return [{ id, logprobs: record as unknown as OpenAiLogprobs }];
  throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `line ${lineNumber}`, value: Object.keys(record), message: `line ${lineNumber}: expected a completion response with choices[].logprobs` });
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Entropy bounds, window entropy, τ, HWE events and trigger counts for every response. @internal */
export function analyzeResponses(choices: readonly { id: string; logprobs: OpenAiLogprobs }[], options: AnalyzeOptions): Analysis {
  const bounds = choices.map((choice) => ({
    id: choice.id,
    ...openAiLogprobEntropy(choice.logprobs, options.vocabSize === undefined ? { logprobsMode: options.logprobsMode } : { vocabSize: options.vocabSize, logprobsMode: options.logprobsMode }),
  }));
  const nonEmpty = bounds.filter((trace) => trace.lower.length > 0).map((trace) => trace.lower);
  let threshold: number;
  let thresholdSource: Analysis['thresholdSource'];
  if (options.threshold !== undefined) {
    threshold = options.threshold;
    thresholdSource = 'given';
  } else {
    if (nonEmpty.length === 0) throw new AresError({ code: 'EMPTY_INPUT', parameter: 'responses', value: choices.length, message: 'no response has any generated token' });
    if (options.estimator === 'paper') threshold = paperThreshold(nonEmpty, { quantile: options.quantile });
    else threshold = new ReleasedThresholdTracker({ window: options.window, quantile: options.quantile }).update(nonEmpty).used;
    thresholdSource = options.estimator;
  }
  const vocabulary = new Set(RELEASED_TRIGGER_VOCABULARY);
  const traces = bounds.map((trace): TraceAnalysis => {
    const windows = windowEntropy(trace.lower, { window: options.window, anchor: options.anchor });
    const upperWindows = windowEntropy(trace.upper, { window: options.window, anchor: options.anchor });
    const mask = hweMask(trace.lower, threshold, { window: options.window, anchor: options.anchor, coverage: 'start' });
    const offset = options.anchor === 'next' ? 1 : 0;
    const events: { anchor: number; branchPoint: number; window: number; token: string }[] = [];
    let undecided = 0;
    for (let anchor = 0; anchor < windows.length; anchor++) {
      if (mask[anchor] === 1) events.push({ anchor, branchPoint: anchor + offset, window: windows[anchor]!, token: trace.tokens[anchor + offset]! });
      else if (upperWindows[anchor]! >= threshold) undecided++;
    }
    return {
      id: trace.id,
      tokens: trace.tokens,
      entropy: trace.lower,
      upper: trace.upper,
      windows,
      upperWindows,
      mask,
      hweCount: events.length,
      undecided,
      events,
      triggers: countTriggers(trace.tokens, trace.lower, { vocabulary, window: options.window, threshold }),
      meanEntropy: mean(trace.lower),
      meanTailMass: mean(trace.tailMass),
    };
  });
  return { threshold, thresholdSource, options, traces };
}
