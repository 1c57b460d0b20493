import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvalItem } from './dataset';
import { createOpenAiCompatiblePolicy } from './open-ai-compatible-policy';
import { defaultPrompt, type GenerationRequest } from './policy';
import { chatCompletion, type StubServer, startStubServer } from './test-support/stub-server';

const item: EvalItem = { id: 'q1', benchmark: 'gsm8k', question: 'What is 2 + 3?', gold: '5' };
const request = (overrides: Partial<GenerationRequest> = {}): GenerationRequest => ({ item, messages: defaultPrompt(item), sampleIndex: 0, seed: 42, ...overrides });

// Two positions: p = (0.5, 0.25) returned, tail 0.25; p = (0.9, 0.1) returned, no tail.
const TOKENS = [
  { token: 'The', logprob: Math.log(0.5), top: [['The', Math.log(0.5)], ['A', Math.log(0.25)]] as const },
  { token: ' 5', logprob: Math.log(0.9), top: [[' 5', Math.log(0.9)], [' 6', Math.log(0.1)]] as const },
];

let server: StubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createOpenAiCompatiblePolicy', () => {
  it('posts a chat completion with log-probs and returns text, tokens and per-token entropies', async () => {
    server = await startStubServer(() => ({ json: chatCompletion('The \\boxed{5}', TOKENS) }));
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'stub-model', topLogprobs: 5, temperature: 0.6, apiKey: 'secret' });
    const generation = await policy.generate(request());
    expect(generation.text).toBe('The \\boxed{5}');
    expect(generation.tokenCount).toBe(2);
    expect(generation.tokens).toEqual(['The', ' 5']);
    expect(generation.logprobsMode).toBe('raw_logprobs');
    // lower = −Σ q ln q − r ln r (hand derivation): position 1 with r = 0.25, position 2 with r = 0.
    const first = -(0.5 * Math.log(0.5) + 0.25 * Math.log(0.25)) - 0.25 * Math.log(0.25);
    const second = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));
    expectAllClose(Array.from(generation.entropies!), [first, second], FLOAT64);
    const sent = server.requests[0]!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.authorization).toBe('Bearer secret');
    expect(sent.body).toMatchObject({ model: 'stub-model', logprobs: true, top_logprobs: 5, temperature: 0.6, seed: 42 });
    expect(sent.body['messages']).toEqual(defaultPrompt(item));
  });

  it('omits log-probs when topLogprobs is 0', async () => {
    server = await startStubServer(() => ({ json: { choices: [{ message: { content: '5' } }] } }));
    const generation = await createOpenAiCompatiblePolicy({ endpoint: `${server.url}/chat/completions`, model: 'm', topLogprobs: 0 }).generate(request());
    expect(generation).toEqual({ text: '5' });
    expect(server.requests[0]!.body['logprobs']).toBeUndefined();
  });

  it('retries HTTP 500 and 429 with backoff, then succeeds', async () => {
    server = await startStubServer((_request, index) => (index === 0 ? { status: 500, json: { error: 'boom' } } : index === 1 ? { status: 429, headers: { 'retry-after': '0' } } : { json: chatCompletion('ok') }));
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'm', retries: 3, backoffMs: 5 });
    expect((await policy.generate(request())).text).toBe('ok');
    expect(server.requests).toHaveLength(3);
  });

  it('fails at once with IO on a non-retryable status', async () => {
    server = await startStubServer(() => ({ status: 400, json: { error: 'bad request' } }));
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'm', retries: 3, backoffMs: 5 });
    const error = await policy.generate(request()).catch((caught: unknown) => caught);
    expectAresError(() => {
      throw error;
    }, 'IO', 'response.status');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up with IO after the last retry of a failing server', async () => {
    server = await startStubServer(() => ({ status: 503 }));
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'm', retries: 2, backoffMs: 1 });
    await expect(policy.generate(request())).rejects.toMatchObject({ code: 'IO', value: 503 });
    expect(server.requests).toHaveLength(3);
  });

  it('times out a stalled request, retries it, and reports TIMEOUT', async () => {
    server = await startStubServer(() => ({ stall: true }));
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'm', timeoutMs: 150, retries: 1, backoffMs: 1 });
    const started = Date.now();
    await expect(policy.generate(request())).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000); // two 150 ms timeouts; generous for a loaded CI machine
    expect(server.requests).toHaveLength(2);
  });

  it('recovers when a stalled attempt is followed by an answer', async () => {
    server = await startStubServer((_request, index) => (index === 0 ? { stall: true } : { json: chatCompletion('late but fine') }));
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'm', timeoutMs: 150, retries: 2, backoffMs: 1 });
    expect((await policy.generate(request())).text).toBe('late but fine');
  });

  it('limits the number of requests in flight', async () => {
    server = await startStubServer(() => ({ delayMs: 40, json: chatCompletion('5') }));
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'm', maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, (_, index) => policy.generate(request({ sampleIndex: index }))));
    expect(server.requests).toHaveLength(6);
    expect(server.maxInFlight()).toBe(2);
  });

  it('stops retrying when the caller aborts', async () => {
    server = await startStubServer(() => ({ stall: true }));
    const controller = new AbortController();
    const policy = createOpenAiCompatiblePolicy({ endpoint: server.url, model: 'm', timeoutMs: 10_000, retries: 5 });
    // Abort once the first attempt has reached the server (a fixed delay races with a loaded machine).
    const abortWhenReceived = setInterval(() => {
      if (server!.requests.length > 0) {
        clearInterval(abortWhenReceived);
        controller.abort(new Error('cancelled'));
      }
    }, 5);
    await expect(policy.generate(request({ signal: controller.signal }))).rejects.toThrow('cancelled');
    clearInterval(abortWhenReceived);
    expect(server.requests).toHaveLength(1);
  });

  it('reports IO when nothing listens', async () => {
    server = await startStubServer(() => ({ json: {} }));
    const url = server.url;
    await server.close();
    server = undefined;
    const policy = createOpenAiCompatiblePolicy({ endpoint: url, model: 'm', retries: 1, backoffMs: 1 });
    await expect(policy.generate(request())).rejects.toMatchObject({ code: 'IO' });
  });

  it('validates its options', () => {
    expectAresError(() => createOpenAiCompatiblePolicy({ endpoint: 'localhost:8000', model: 'm' }), 'INVALID_ARGUMENT', 'options.endpoint');
    expectAresError(() => createOpenAiCompatiblePolicy({ endpoint: 'http://127.0.0.1:1/v1', model: '' }), 'INVALID_ARGUMENT', 'options.model');
    expectAresError(() => createOpenAiCompatiblePolicy({ endpoint: 'http://127.0.0.1:1/v1', model: 'm', maxConcurrency: 0 }), 'INVALID_ARGUMENT', 'options.maxConcurrency');
    expectAresError(() => createOpenAiCompatiblePolicy({ endpoint: 'http://127.0.0.1:1/v1', model: 'm', topP: 0 }), 'INVALID_ARGUMENT', 'options.topP');
    expectAresError(() => createOpenAiCompatiblePolicy({ endpoint: 'http://127.0.0.1:1/v1', model: 'm', retries: -1 }), 'INVALID_ARGUMENT', 'options.retries');
  });
});
