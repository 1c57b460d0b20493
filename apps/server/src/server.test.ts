import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AepoStep } from '@ares/aepo';
import { expectAllClose, FLOAT64 } from '@ares/testing';
import { createServer, toJsonText, type AresServer, type ServerOptions } from './server';
import { STATE_FILE } from './state-store';

const servers: AresServer[] = [];
const directories: string[] = [];

async function start(options: ServerOptions = {}): Promise<AresServer> {
  const server = await createServer({ port: 0, ...options });
  servers.push(server);
  return server;
}

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'ares-server-'));
  directories.push(directory);
  return directory;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

async function post(server: AresServer, path: string, body: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

/** The SPEC §2.8 sigmoid, written out here as an independent reference. */
const sig = (x: number, s: number) => 1 / (1 + Math.exp(-x / s));

describe('GET /health and /metrics', () => {
  it('reports ok and counts requests and errors', async () => {
    const server = await start();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', steps: 0 });
    await post(server, '/v1/verl/reward', [{ data_source: 'x', solution_str: '\\boxed{2}', ground_truth: '2' }]);
    await post(server, '/v1/verl/reward', { not: 'an array' });
    const metrics = (await (await fetch(`${server.url}/metrics`)).json()) as any;
    expect(metrics.requests).toBe(3); // health + two rewards; the metrics request itself is recorded after it answers
    expect(metrics.errors).toBe(1);
    expect(metrics.byRoute['/v1/verl/reward']).toBe(2);
    expect(metrics.latencyMs.count).toBe(3);
    expect(metrics.latencyMs.p99).toBeGreaterThanOrEqual(metrics.latencyMs.p50);
  });

  it('binds to loopback by default', async () => {
    const server = await start();
    expect(server.url.startsWith('http://127.0.0.1:')).toBe(true);
  });
});

describe('POST /v1/openrlhf/reward', () => {
  it('grades the text after the prompt and returns accuracy as reward and score without shaping info', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/openrlhf/reward', {
      // The whole query "Compute 1+1. 2" would not grade as 2; the response "2" does.
      query: ['Compute 1+1. 2', 'Compute 2+2. \\boxed{5}'],
      prompts: ['Compute 1+1. ', 'Compute 2+2. '],
      labels: ['2', '4'],
    });
    expect(status).toBe(200);
    expect(json.rewards).toEqual([1, 0]);
    expect(json.scores).toEqual([1, 0]);
    expect(json.extra_logs).toEqual({ accuracy: [1, 0], hwe_count: [0, 0], bucket_index: [-1, -1], entropy_score: [0, 0] });
  });

  it('returns the shaped reward when the label carries N_HE as JSON', async () => {
    const server = await start();
    const label = (answer: string, bucket: string, hweCount: number) => JSON.stringify({ answer, bucket, hwe_count: hweCount, target: 10, alpha: 0.5 });
    const { status, json } = await post(server, '/v1/openrlhf/reward', {
      query: ['P\\boxed{2}', 'P\\boxed{3}', 'P\\boxed{2}'],
      prompts: ['P', 'P', 'P'],
      labels: [label('2', 'hard', 12), label('2', 'easy', 20), label('2', 'medium', 10)],
    });
    expect(status).toBe(200);
    // hard, correct, Δ = 2, m = 3.5, c = 0.6: e = sig(Δ + m)·c with s = 3.
    // easy, wrong, Δ = 10, m = 1.5, c = 0.5: e = sig(Δ − m)·c·0.6 with s = 2.
    // medium, correct, |Δ| = 0 ≤ m: e = −0.
    const hard = sig(5.5, 3) * 0.6;
    const easy = sig(8.5, 2) * 0.5 * 0.6;
    expectAllClose(json.rewards, [1 + hard, easy, 1], FLOAT64);
    expect(json.scores).toEqual([1, 0, 1]);
    expect(json.extra_logs.bucket_index).toEqual([2, 0, 1]);
    expect(json.extra_logs.hwe_count).toEqual([12, 20, 10]);
    expectAllClose(json.extra_logs.entropy_score, [hard, easy, 0], FLOAT64);
  });

  it('answers 400 naming the field for mismatched lengths and a bad JSON label', async () => {
    const server = await start();
    const lengths = await post(server, '/v1/openrlhf/reward', { query: ['a'], prompts: [], labels: ['1'] });
    expect(lengths.status).toBe(400);
    expect(lengths.json.field).toBe('body.prompts');
    const label = await post(server, '/v1/openrlhf/reward', {
      query: ['a'],
      prompts: [''],
      labels: [JSON.stringify({ answer: '1', bucket: 'huge', hwe_count: 1, target: 1, alpha: 0.5 })],
    });
    expect(label.status).toBe(400);
    expect(label.json.field).toBe('body.labels[0].bucket');
    const missing = await post(server, '/v1/openrlhf/reward', { query: ['a'], prompts: [''] });
    expect(missing.status).toBe(400);
    expect(missing.json.field).toBe('body.labels');
  });
});

describe('POST /v1/verl/reward and /v1/easyr1/reward', () => {
  it('scores verl items, shaping those whose extra_info carries bucket, hwe_count, target and alpha', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/verl/reward', [
      { data_source: 'math', solution_str: 'so \\boxed{\\frac{1}{2}}', ground_truth: '\\frac{1}{2}', extra_info: { index: 3 } },
      { data_source: 'math', solution_str: '\\boxed{7}', ground_truth: '8', extra_info: { bucket: 'easy', hwe_count: 20, target: 10, alpha: 0.5 } },
      { data_source: 'math', solution_str: '\\boxed{8}', ground_truth: '8', extra_info: null },
    ]);
    expect(status).toBe(200);
    expect(json).toHaveLength(3);
    expect(json[0]).toEqual({ score: 1, accuracy: 1, entropy_score: 0, hwe_count: 0, bucket_index: -1 });
    expectAllClose([json[1].score], [sig(8.5, 2) * 0.5 * 0.6], FLOAT64);
    expect(json[1].accuracy).toBe(0);
    expect(json[2].score).toBe(1);
  });

  it('answers 400 when only some shaping fields are given', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/verl/reward', [
      { data_source: 'm', solution_str: '1', ground_truth: '1', extra_info: { bucket: 'hard', hwe_count: 3 } },
    ]);
    expect(status).toBe(400);
    expect(json.field).toBe('body[0].extra_info.target');
  });

  it('maps EasyR1 items onto shapedReward and rejects a missing difficulty', async () => {
    const server = await start();
    const item = {
      response: '<think>ok</think> \\boxed{2}',
      response_length: 9,
      ground_truth: '2',
      difficulty: 'hard',
      high_entropy_token_num: 12,
      target_high_entropy_token_num: 10,
      alpha_entropy: 0.5,
      reasoning_soft_cost: 0,
    };
    const { status, json } = await post(server, '/v1/easyr1/reward', [item]);
    expect(status).toBe(200);
    expectAllClose([json[0].overall, json[0].high_entropy_token_num_score], [1 + sig(5.5, 3) * 0.6, sig(5.5, 3) * 0.6], FLOAT64);
    expect(json[0].accuracy).toBe(1);
    expect(json[0].format).toBe(1);
    const { difficulty: _dropped, ...withoutDifficulty } = item;
    const missing = await post(server, '/v1/easyr1/reward', [withoutDifficulty]);
    expect(missing.status).toBe(400);
    expect(missing.json.field).toBe('body[0].difficulty');
  });
});

function batch(seed: number) {
  // Two prompts × 3 rollouts with deterministic entropies; correctness varies with the seed.
  const rollouts = [];
  for (let index = 0; index < 6; index++) {
    const length = 6 + ((index + seed) % 4);
    const entropies = Array.from({ length }, (_, t) => ((t * 7 + index * 3 + seed * 5) % 11) / 5);
    rollouts.push({ promptId: `p${index % 2}`, correct: (index + seed) % 3 === 0, entropies });
  }
  return { rollouts };
}

describe('POST /v1/aepo/step', () => {
  it('returns the AepoStep result in JSON, equal to an in-process step', async () => {
    const server = await start();
    const reference = new AepoStep();
    for (const seed of [1, 2]) {
      const { status, json } = await post(server, '/v1/aepo/step', batch(seed));
      expect(status).toBe(200);
      const expected = JSON.parse(toJsonText(reference.run(batch(seed))));
      const { state, ...result } = json;
      expect(result).toEqual(expected);
      expect(state).toEqual(JSON.parse(JSON.stringify(reference.toJSON())));
    }
    expect(((await (await fetch(`${server.url}/health`)).json()) as any).steps).toBe(2);
  });

  it('accepts per-position top-k log-probs instead of entropies', async () => {
    const server = await start();
    const topLogProbs = (shift: number) =>
      Array.from({ length: 6 }, (_, t) => {
        const logits = [0, -0.5 - ((t + shift) % 3), -2, -3];
        const normalizer = Math.log(logits.reduce((sum, value) => sum + Math.exp(value), 0));
        return logits.map((value) => value - normalizer - 0.01); // top-4 mass < 1: a tail is left
      });
    const body = { rollouts: [0, 1, 2, 3].map((index) => ({ promptId: index % 2, correct: index === 1, topLogProbs: topLogProbs(index) })) };
    const { status, json } = await post(server, '/v1/aepo/step', body);
    expect(status).toBe(200);
    const { state: _state, ...result } = json;
    expect(result).toEqual(JSON.parse(toJsonText(new AepoStep().run(body))));
    expect(json.rollouts[0].promptId).toBe('0');
  });

  it('continues across a restart on the same --state directory exactly as one uninterrupted server', async () => {
    const directory = await temporaryDirectory();
    const first = await start({ stateDirectory: directory });
    const results = [];
    for (const seed of [1, 2]) results.push((await post(first, '/v1/aepo/step', batch(seed))).json);
    await first.close();
    const second = await start({ stateDirectory: directory });
    for (const seed of [3, 4]) results.push((await post(second, '/v1/aepo/step', batch(seed))).json);

    const uninterrupted = await start();
    const expected = [];
    for (const seed of [1, 2, 3, 4]) expected.push((await post(uninterrupted, '/v1/aepo/step', batch(seed))).json);
    expect(results).toEqual(expected);
    const onDisk = JSON.parse(await readFile(join(directory, STATE_FILE), 'utf8'));
    expect(onDisk).toEqual(expected[3].state);
    expect(onDisk.steps).toBe(4);
  });

  it('rejects a batch that fails inside the step with 400 and leaves memory and disk unchanged', async () => {
    const directory = await temporaryDirectory();
    const server = await start({ stateDirectory: directory });
    await post(server, '/v1/aepo/step', batch(1));
    const before = await readFile(join(directory, STATE_FILE), 'utf8');
    const bad = batch(2);
    // Valid for the schema, invalid for the step: tokens shorter than the entropies (SHAPE_MISMATCH) on the last rollout.
    const rollouts = bad.rollouts.map((rollout, index) => (index === 5 ? { ...rollout, tokens: ['a'] } : rollout));
    const { status, json } = await post(server, '/v1/aepo/step', { rollouts });
    expect(status).toBe(400);
    expect(json.field).toBe('body.rollouts[5].tokens');
    expect(json.error).toMatch(/^SHAPE_MISMATCH/);
    expect(await readFile(join(directory, STATE_FILE), 'utf8')).toBe(before);
    // The next good batch gives what it gives after one step.
    const reference = new AepoStep();
    reference.run(batch(1));
    const next = await post(server, '/v1/aepo/step', batch(2));
    expect(next.json.state).toEqual(JSON.parse(JSON.stringify((reference.run(batch(2)), reference.toJSON()))));
  });

  it('answers 400 naming the field for a schema violation', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/aepo/step', { rollouts: [{ promptId: 'p', correct: 'yes', entropies: [1] }] });
    expect(status).toBe(400);
    expect(json.field).toBe('body.rollouts[0].correct');
    const negative = await post(server, '/v1/aepo/step', { rollouts: [{ promptId: 'p', correct: true, entropies: [1, -1] }] });
    expect(negative.json.field).toBe('body.rollouts[0].entropies[1]');
  });

  it('refuses to start on a state saved under another config', async () => {
    const directory = await temporaryDirectory();
    const server = await start({ stateDirectory: directory });
    await post(server, '/v1/aepo/step', batch(1));
    await expect(createServer({ port: 0, stateDirectory: directory, aepoConfig: { threshold: { estimator: 'paper' } } })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });
});

/** Sends headers and part of a body, then waits; resolves with the status and headers once the server answers. */
function partialRequest(server: AresServer, path: string, declaredLength: number, sent: string) {
  let release: () => void = () => undefined;
  const answered = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const request = httpRequest(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': declaredLength } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.write(sent);
    release = () => request.destroy();
  });
  return { answered, release: () => release() };
}

describe('options', () => {
  it('throws AresError naming the option for bad settings', async () => {
    await expect(createServer({ maxConcurrent: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.maxConcurrent' });
    await expect(createServer({ port: 70_000 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.port' });
    await expect(createServer({ gradingProfile: 'sympy' as never })).rejects.toMatchObject({ code: 'UNSUPPORTED', parameter: 'options.gradingProfile' });
  });
});

describe('robustness', () => {
  it('answers 413 beyond the body size limit, 400 for bad JSON, 404 and 405, and keeps serving', async () => {
    const server = await start({ maxBodyBytes: 1024 });
    const large = await fetch(`${server.url}/v1/verl/reward`, { method: 'POST', body: 'x'.repeat(4096) });
    expect(large.status).toBe(413);
    expect(((await large.json()) as any).field).toBe('body');
    const invalid = await fetch(`${server.url}/v1/verl/reward`, { method: 'POST', body: '{"a": ' });
    expect(invalid.status).toBe(400);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/v1/verl/reward`)).status).toBe(405);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers 503 with Retry-After beyond the concurrency limit', async () => {
    const server = await start({ maxConcurrent: 1 });
    const slow = partialRequest(server, '/v1/verl/reward', 100, '[');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const busy = await post(server, '/v1/verl/reward', [{ data_source: 'm', solution_str: '1', ground_truth: '1' }]);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    slow.release();
    await slow.answered.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await post(server, '/v1/verl/reward', [{ data_source: 'm', solution_str: '1', ground_truth: '1' }]);
    expect(after.status).toBe(200);
  });

  it('answers 408 when the body does not arrive within the request timeout', async () => {
    const server = await start({ requestTimeoutMs: 150 });
    const slow = partialRequest(server, '/v1/aepo/step', 100, '{"rollouts"');
    const { status, body } = await slow.answered;
    expect(status).toBe(408);
    expect(JSON.parse(body).error).toMatch(/timed out/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
