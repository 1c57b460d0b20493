import { AresError } from '@ares/core';
import type { LogprobsMode } from '@ares/entropy';
import type { EvalItem } from './dataset';

/** A part of a multimodal chat message (OpenAI format). */
export type ChatContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

/** One chat message (OpenAI format). */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string | readonly ChatContentPart[];
}

/** What the runner asks a policy for: one sample of one item. */
export interface GenerationRequest {
  /** The item being answered. */
  readonly item: EvalItem;
  /** The prompt, ready to send. */
  readonly messages: readonly ChatMessage[];
  /** Index of this sample among the item's k samples. */
  readonly sampleIndex: number;
  /** A per-sample seed derived from the run seed, item id and sample index. */
  readonly seed: number;
  /** Aborted when the run is cancelled. */
  readonly signal?: AbortSignal;
}

/** A policy's answer to one {@link GenerationRequest}. */
export interface Generation {
  /** The response text. */
  readonly text: string;
  /** Response length in tokens (falls back to the number of per-token entropies, else to a whitespace count). */
  readonly tokenCount?: number;
  /** Per-token entropies in nats (the `lower` bound when computed from top-k log-probs). */
  readonly entropies?: ArrayLike<number>;
  /** The sampled tokens, one per entropy. */
  readonly tokens?: readonly string[];
  /** The server's `--logprobs-mode` behind `entropies`. */
  readonly logprobsMode?: LogprobsMode;
  /** Why generation stopped (`stop`, `length`, …). */
  readonly finishReason?: string;
}

/**
 * Anything that answers prompts: the OpenAI-compatible HTTP client ({@link createOpenAiCompatiblePolicy}) or an
 * in-process model ({@link createInProcessPolicy}), e.g. the trainer's current policy.
 */
export interface Policy {
  /** A name for reports (e.g. the model name). */
  readonly name: string;
  /** Generates one sample. May reject; the runner records nothing for a rejected request and re-asks on resume. */
  generate(request: GenerationRequest): Promise<Generation>;
}

/**
 * Wraps a function as a {@link Policy}: the hook through which an in-process model (the reference trainer's
 * policy) is evaluated without a server.
 *
 * @param name - a name for reports
 * @param generate - produces one sample; may be synchronous or asynchronous
 * @returns the policy
 * @throws {AresError} `INVALID_ARGUMENT` when `name` is empty or `generate` is not a function
 * @example
 * ```ts
 * const policy = createInProcessPolicy('echo', ({ item }) => ({ text: `\\boxed{${item.gold}}` }))
 * ```
 * @see SPEC.md §5.5
 */
export function createInProcessPolicy(name: string, generate: (request: GenerationRequest) => Generation | Promise<Generation>): Policy {
  if (typeof name !== 'string' || name.length === 0) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'name', value: name, message: 'name: expected a non-empty string' });
  if (typeof generate !== 'function') throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'generate', value: generate, message: 'generate: expected a function' });
  return {
    name,
    async generate(request) {
      const generation = await generate(request);
      if (generation === null || typeof generation !== 'object' || typeof generation.text !== 'string') {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'generate', value: generation, message: 'generate: must return { text: string, … }' });
      }
      return generation;
    },
  };
}

/**
 * The default prompt: the question, the lettered options when there are any, and an instruction to box the
 * final answer; an image becomes an `image_url` part (a path must already be a `data:` URL or an http(s) URL).
 *
 * @param item - the item
 * @returns the chat messages
 * @example
 * ```ts
 * defaultPrompt({ id: '1', benchmark: 'gsm8k', question: 'What is 2 + 3?', gold: '5' })[0].content
 * // 'What is 2 + 3?\n\nPlease reason step by step, and put your final answer within \\boxed{}.'
 * ```
 * @see SPEC.md §5.5
 */
export function defaultPrompt(item: EvalItem): ChatMessage[] {
  let text = item.question;
  if (item.choices !== undefined && item.choices.length > 0) {
    text += `\n\nOptions:\n${item.choices.map((choice, index) => `${'ABCDEFGHIJ'[index] ?? String(index + 1)}. ${choice}`).join('\n')}`;
    text += '\n\nPlease reason step by step, and put the letter of your final answer within \\boxed{}.';
  } else text += '\n\nPlease reason step by step, and put your final answer within \\boxed{}.';
  if (item.image === undefined) return [{ role: 'user', content: text }];
  return [{ role: 'user', content: [{ type: 'image_url', image_url: { url: item.image } }, { type: 'text', text }] }];
}
