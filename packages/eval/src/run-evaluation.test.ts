import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import type { EvalItem } from './dataset';
import { createInProcessPolicy, type GenerationRequest } from './policy';
import { MemoryResultStore, runEvaluation, runIdentity, type SampleResult } from './run-evaluation';

const items: EvalItem[] = [
  { id: 'a', benchmark: 'gsm8k', question: '2 + 3?', gold: '5', difficulty: 'easy' },
  { id: 'b', benchmark: 'math500', question: 'Half?', gold: '\\frac{1}{2}' },
  { id: 'c', benchmark: 'aime25', question: 'Ten?', gold: '10', variantOf: 'seed' },
];

/** Answers correctly except on item b, sample 1; counts calls per sample. */
function countingPolicy(calls: Map<string, number>, fail?: (request: GenerationRequest) => boolean, name = 'counting') {
  return createInProcessPolicy(name, ({ item, sampleIndex, ...rest }) => {
    const key = `${item.id}#${sampleIndex}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    if (fail?.({ item, sampleIndex, ...rest }) === true) throw new Error('server down');
    const answer = item.id === 'b' && sampleIndex === 1 ? '2' : item.gold;
    return { text: `Reasoning … so the answer is $\\boxed{${answer}}$.`, entropies: [0.1, 2, 2, 2, 2, 0.1], tokenCount: 6 };
  });
}

describe('runEvaluation', () => {
  it('asks every item k times, grades and stores each result', async () => {
    const calls = new Map<string, number>();
    const store = new MemoryResultStore();
    const run = await runEvaluation({ items, policy: countingPolicy(calls), samples: 2, store, decoding: { temperature: 1 } });
    expect(run.generated).toBe(6);
    expect(run.resumed).toBe(0);
    expect([...calls.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(store.records).toHaveLength(6);
    expect(run.results.map((result) => [result.itemId, result.sampleIndex, result.correct])).toEqual([
      ['a', 0, true],
      ['a', 1, true],
      ['b', 0, true],
      ['b', 1, false],
      ['c', 0, true],
      ['c', 1, true],
    ]);
    const first = run.results[0]!;
    expect(first).toMatchObject({ version: 1, runId: runIdentity('counting', { temperature: 1 }, 0), model: 'counting', tokens: 6, difficulty: 'easy', extracted: '5', method: 'last-number', profile: 'ares' });
    expect(first.entropies).toEqual([0.1, 2, 2, 2, 2, 0.1]);
    expect(run.results[4]!.variantOf).toBe('seed');
  });

  it('resumes without asking finished samples again', async () => {
    const store = new MemoryResultStore();
    const firstCalls = new Map<string, number>();
    await runEvaluation({ items: items.slice(0, 2), policy: countingPolicy(firstCalls), samples: 2, store });
    const secondCalls = new Map<string, number>();
    const run = await runEvaluation({ items, policy: countingPolicy(secondCalls), samples: 3, store });
    expect(run.resumed).toBe(4);
    expect(run.generated).toBe(5);
    expect([...secondCalls.keys()].sort()).toEqual(['a#2', 'b#2', 'c#0', 'c#1', 'c#2']);
    expect(run.results).toHaveLength(9);
  });

  it('keeps failures out of the store and asks them again on the next run', async () => {
    const store = new MemoryResultStore();
    const failing = await runEvaluation({ items, policy: countingPolicy(new Map(), ({ item }) => item.id === 'b'), store });
    expect(failing.failures).toEqual([{ itemId: 'b', benchmark: 'math500', sampleIndex: 0, error: 'server down' }]);
    expect(failing.results.map((result) => result.itemId)).toEqual(['a', 'c']);
    const calls = new Map<string, number>();
    const retry = await runEvaluation({ items, policy: countingPolicy(calls), store });
    expect([...calls.keys()]).toEqual(['b#0']);
    expect(retry.results).toHaveLength(3);
    expect(retry.failures).toEqual([]);
  });

  it('never mixes results of another model, decoding or seed', async () => {
    const store = new MemoryResultStore();
    await runEvaluation({ items, policy: countingPolicy(new Map()), store, decoding: { temperature: 1 } });
    const calls = new Map<string, number>();
    const run = await runEvaluation({ items, policy: countingPolicy(calls), store, decoding: { temperature: 0.3 } });
    expect(run.resumed).toBe(0);
    expect(run.ignored).toBe(3);
    expect(calls.size).toBe(3);
  });

  it('skips malformed stored records and counts them', async () => {
    const store = new MemoryResultStore();
    store.records.push({ invalid: '{"version": 1, "runId"' }, 42);
    const run = await runEvaluation({ items, policy: countingPolicy(new Map()), store });
    expect(run.ignored).toBe(2);
    expect(run.results).toHaveLength(3);
  });

  it('regrades resumed results when the profile changes, without generating again', async () => {
    const store = new MemoryResultStore();
    const policy = createInProcessPolicy('m', () => ({ text: '\\boxed{2/4}' }));
    const half: EvalItem[] = [{ id: 'h', benchmark: 'math500', question: 'q', gold: '1/2' }];
    expect((await runEvaluation({ items: half, policy, store })).results[0]!.correct).toBe(true);
    const calls = new Map<string, number>();
    const regraded = await runEvaluation({ items: half, policy: countingPolicy(calls, undefined, 'm'), store, profile: 'mathruler' });
    expect(calls.size).toBe(0);
    expect(regraded.results[0]).toMatchObject({ correct: false, profile: 'mathruler' });
  });

  it('respects the concurrency limit', async () => {
    let active = 0;
    let peak = 0;
    const policy = createInProcessPolicy('slow', async ({ item }) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
      return { text: `\\boxed{${item.gold}}` };
    });
    const many = Array.from({ length: 12 }, (_, index) => ({ id: String(index), benchmark: 'generic', question: 'q', gold: String(index) }));
    const run = await runEvaluation({ items: many, policy, concurrency: 3 });
    expect(peak).toBe(3);
    expect(run.results.every((result) => result.correct)).toBe(true);
  });

  it('stops taking samples when aborted and records nothing in flight', async () => {
    const controller = new AbortController();
    const store = new MemoryResultStore();
    const policy = createInProcessPolicy('abort', async ({ item, signal }) => {
      if (item.id === '2') controller.abort();
      if (signal?.aborted === true) throw new Error('aborted');
      return { text: `\\boxed{${item.gold}}` };
    });
    const many = Array.from({ length: 6 }, (_, index) => ({ id: String(index), benchmark: 'generic', question: 'q', gold: '1' }));
    const run = await runEvaluation({ items: many, policy, concurrency: 1, store, signal: controller.signal });
    expect(run.aborted).toBe(true);
    expect(run.results.map((result) => result.itemId)).toEqual(['0', '1']);
    expect(store.records).toHaveLength(2);
  });

  it('reports progress after every sample', async () => {
    const progress: number[] = [];
    await runEvaluation({ items, policy: countingPolicy(new Map()), onProgress: (state) => progress.push(state.done) });
    expect(progress).toEqual([1, 2, 3]);
  });

  it('counts whitespace-separated words when the policy gives no token count', async () => {
    const run = await runEvaluation({ items: items.slice(0, 1), policy: createInProcessPolicy('w', () => ({ text: 'so it is 5' })) });
    expect(run.results[0]!.tokens).toBe(4);
  });

  it('rejects bad options', async () => {
    const policy = countingPolicy(new Map());
    await expect(runEvaluation({ items, policy, samples: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.samples' });
    await expect(runEvaluation({ items, policy, profile: 'x' as never })).rejects.toMatchObject({ code: 'UNSUPPORTED', parameter: 'options.profile' });
    await expect(runEvaluation({ items: [items[0]!, items[0]!], policy })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.items[1].id' });
    await expect(runEvaluation({ items: [{ ...items[0]!, benchmark: 'nope' }], policy })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expectAresError(() => createInProcessPolicy('', () => ({ text: '' })), 'INVALID_ARGUMENT', 'name');
  });

  it('surfaces a failing store as IO and stops', async () => {
    const store = { load: async () => [], append: async (_result: SampleResult) => Promise.reject(new Error('disk full')) };
    await expect(runEvaluation({ items, policy: countingPolicy(new Map()), store })).rejects.toMatchObject({ code: 'IO', parameter: 'options.store' });
  });
});
