import { AresError, assertInRange, assertInteger, createRng } from '@ares/core';
import { type LogprobsMode, openAiLogprobEntropy, type OpenAiLogprobs } from '@ares/entropy';
import type { Generation, GenerationRequest, Policy } from './policy';

/** Options of {@link createOpenAiCompatiblePolicy}. */
export interface OpenAiCompatiblePolicyOptions {
  /** Base URL of the server (`http://127.0.0.1:8000/v1`) or the full `/chat/completions` URL. */
  readonly endpoint: string;
  /** Model name sent with every request. */
  readonly model: string;
  /** Bearer token, if the server needs one. */
  readonly apiKey?: string;
  /** Sampling temperature. @default 1 */
  readonly temperature?: number;
  /** Nucleus sampling. @default 1 */
  readonly topP?: number;
  /** Maximum response tokens. @default 4096 */
  readonly maxTokens?: number;
  /** `top_logprobs` k per position (capped by vLLM's `--max-logprobs`, DEFAULT 20); 0 requests no log-probs. @default 20 */
  readonly topLogprobs?: number;
  /** Vocabulary size V, for the upper entropy bound. */
  readonly vocabSize?: number;
  /** The server's `--logprobs-mode`, recorded with every trace. @default 'raw_logprobs' */
  readonly logprobsMode?: LogprobsMode;
  /** Per-attempt timeout in milliseconds (request and body). @default 300000 */
  readonly timeoutMs?: number;
  /** Retries after a network error, a timeout or HTTP 408/409/425/429/5xx. @default 3 */
  readonly retries?: number;
  /** First backoff in milliseconds, doubled per retry, jittered to [½, 1]×, capped by `maxBackoffMs`; a `Retry-After` header wins. @default 500 */
  readonly backoffMs?: number;
  /** Longest backoff in milliseconds. @default 30000 */
  readonly maxBackoffMs?: number;
  /** Requests in flight at once through this client. @default 8 */
  readonly maxConcurrency?: number;
  /** Extra JSON fields merged into every request body (e.g. `top_k`, `repetition_penalty`). */
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Jitter source. @default a generator seeded with 0 */
  readonly random?: () => number;
}

/** Defaults of {@link OpenAiCompatiblePolicyOptions}. */
export const DEFAULT_OPEN_AI_COMPATIBLE_POLICY_OPTIONS = Object.freeze({
  temperature: 1,
  topP: 1,
  maxTokens: 4096,
  topLogprobs: 20,
  logprobsMode: 'raw_logprobs' as LogprobsMode,
  timeoutMs: 300_000,
  retries: 3,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  maxConcurrency: 8,
});

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/** Counts requests in flight and queues the rest. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.active--;
  }
}

function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function chatUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

interface ChatCompletion {
  choices?: { message?: { content?: string | null }; logprobs?: OpenAiLogprobs | null; finish_reason?: string | null }[];
  usage?: { completion_tokens?: number };
}

/**
 * A {@link Policy} that calls an OpenAI-compatible `chat/completions` endpoint (vLLM, SGLang, llama.cpp server),
 * asking for `logprobs` / `top_logprobs` so that every response carries per-token entropies (the `lower` bound of
 * `@ares/entropy`'s `openAiLogprobEntropy`) for HWE statistics.
 *
 * Requests go through a concurrency limit; each attempt has a timeout; network errors, timeouts and HTTP
 * 408/409/425/429/5xx are retried with jittered exponential backoff (or the server's `Retry-After`); other HTTP
 * errors fail at once.
 *
 * @param options - endpoint, model and the request, retry and concurrency settings
 * @returns the policy
 * @throws {AresError} `INVALID_ARGUMENT` for a missing endpoint or model or an out-of-range setting. The
 *   returned policy's `generate` rejects with `TIMEOUT` when the last attempt timed out and with `IO` for other
 *   failures (the HTTP status in `value`)
 * @remarks
 * ## Numerics
 * Entropies are computed per position from the returned candidates (sampled token added when missing, vLLM's
 * −9999 mapped to −∞); see SPEC §4.4 for the bounds and the raw/processed distinction.
 * @example
 * ```ts
 * const policy = createOpenAiCompatiblePolicy({ endpoint: 'http://127.0.0.1:8000/v1', model: 'ares-7b' })
 * ```
 * @see SPEC.md §4.4, §5.5
 */
export function createOpenAiCompatiblePolicy(options: OpenAiCompatiblePolicyOptions): Policy {
  if (typeof options.endpoint !== 'string' || !/^https?:\/\//.test(options.endpoint)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.endpoint', value: options.endpoint, message: 'options.endpoint: expected an http(s) URL' });
  }
  if (typeof options.model !== 'string' || options.model.length === 0) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.model', value: options.model, message: 'options.model: expected a non-empty string' });
  }
  const settings = { ...DEFAULT_OPEN_AI_COMPATIBLE_POLICY_OPTIONS, ...definedOnly(options) };
  assertInRange(settings.temperature, 'options.temperature', { min: 0 });
  assertInRange(settings.topP, 'options.topP', { min: 0, max: 1, lowerOpen: true });
  assertInteger(settings.maxTokens, 'options.maxTokens');
  assertInteger(settings.topLogprobs, 'options.topLogprobs', 0);
  assertInRange(settings.timeoutMs, 'options.timeoutMs', { min: 0, lowerOpen: true });
  assertInteger(settings.retries, 'options.retries', 0);
  assertInRange(settings.backoffMs, 'options.backoffMs', { min: 0 });
  assertInRange(settings.maxBackoffMs, 'options.maxBackoffMs', { min: 0 });
  assertInteger(settings.maxConcurrency, 'options.maxConcurrency');
  if (options.vocabSize !== undefined) assertInteger(options.vocabSize, 'options.vocabSize');
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const random = options.random ?? createRng(0);
  const semaphore = new Semaphore(settings.maxConcurrency);
  const url = chatUrl(options.endpoint);

  async function attempt(request: GenerationRequest): Promise<Generation> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, settings.timeoutMs);
    const onAbort = (): void => controller.abort(request.signal!.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const body: Record<string, unknown> = {
        model: options.model,
        messages: request.messages,
        temperature: settings.temperature,
        top_p: settings.topP,
        max_tokens: settings.maxTokens,
        seed: request.seed,
        ...(settings.topLogprobs > 0 ? { logprobs: true, top_logprobs: settings.topLogprobs } : {}),
        ...options.extraBody,
      };
      let response: Response;
      try {
        response = await fetchFunction(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }) },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
      } catch (error) {
        throw transportError(error, timedOut, url);
      }
      if (!response.ok) {
        const detail = await response.text().catch(() => '');
        throw new HttpStatusError(response.status, detail.slice(0, 500), response.headers.get('retry-after'));
      }
      let payload: ChatCompletion;
      try {
        payload = (await response.json()) as ChatCompletion;
      } catch (error) {
        throw transportError(error, timedOut, url);
      }
      return parseCompletion(payload, options.vocabSize, settings.logprobsMode);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    name: options.model,
    async generate(request) {
      await semaphore.acquire();
      try {
        let lastError: unknown;
        for (let attemptIndex = 0; attemptIndex <= settings.retries; attemptIndex++) {
          if (isAborted(request.signal)) throw request.signal!.reason;
          try {
            return await attempt(request);
          } catch (error) {
            if (isAborted(request.signal)) throw request.signal!.reason;
            if (error instanceof HttpStatusError && !RETRYABLE_STATUS.has(error.status)) {
              throw new AresError({ code: 'IO', parameter: 'response.status', value: error.status, message: `HTTP ${error.status} from ${url}: ${error.detail}` });
            }
            if (AresError.isInstance(error) && error.code === 'INVALID_ARGUMENT') throw error;
            lastError = error;
            if (attemptIndex === settings.retries) break;
            const retryAfter = error instanceof HttpStatusError ? parseRetryAfter(error.retryAfter) : undefined;
            const backoff = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** attemptIndex) * (0.5 + random() / 2);
            await sleep(retryAfter ?? backoff, request.signal);
          }
        }
        if (lastError instanceof HttpStatusError) {
          throw new AresError({ code: 'IO', parameter: 'response.status', value: lastError.status, message: `HTTP ${lastError.status} from ${url} after ${settings.retries + 1} attempts: ${lastError.detail}` });
        }
        throw lastError;
      } finally {
        semaphore.release();
      }
    },
  };
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

class HttpStatusError extends Error {
  constructor(readonly status: number, readonly detail: string, readonly retryAfter: string | null) {
    super(`HTTP ${status}`);
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 60_000) : undefined;
}

function transportError(error: unknown, timedOut: boolean, url: string): AresError {
  if (timedOut) return new AresError({ code: 'TIMEOUT', parameter: 'options.timeoutMs', value: url, message: `request to ${url} timed out`, cause: error });
  return new AresError({ code: 'IO', parameter: 'options.endpoint', value: url, message: `request to ${url} failed: ${error instanceof Error ? error.message : String(error)}`, cause: error });
}

function parseCompletion(payload: ChatCompletion, vocabSize: number | undefined, logprobsMode: LogprobsMode): Generation {
  const choice = payload.choices?.[0];
  if (choice === undefined || choice.message === undefined) {
    throw new AresError({ code: 'IO', parameter: 'response.choices', value: payload, message: 'response.choices: the completion has no message' });
  }
  const text = choice.message.content ?? '';
  let entropies: Float64Array | undefined;
  let tokens: readonly string[] | undefined;
  if (choice.logprobs !== undefined && choice.logprobs !== null) {
    const bounds = openAiLogprobEntropy(choice.logprobs, { logprobsMode, ...(vocabSize === undefined ? {} : { vocabSize }) });
    entropies = bounds.lower;
    tokens = bounds.tokens;
  }
  const completionTokens = payload.usage?.completion_tokens;
  const tokenCount = typeof completionTokens === 'number' ? completionTokens : entropies?.length;
  return {
    text,
    ...(tokenCount === undefined ? {} : { tokenCount }),
    ...(entropies === undefined ? {} : { entropies, tokens: tokens!, logprobsMode }),
    ...(typeof choice.finish_reason === 'string' ? { finishReason: choice.finish_reason } : {}),
  };
}
