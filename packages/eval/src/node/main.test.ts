import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletion, type StubRequest, type StubServer, startStubServer } from '../test-support/stub-server';
import { main } from './main';

const ITEMS = 12;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text), isTTY: false }, env: {} } };
}

/** The stub answers `Q<n>` with the boxed number n and a few log-probs. */
function questionNumber(request: StubRequest): number {
  const messages = request.body['messages'] as { content: string }[];
  return Number(/Q(\d+)/.exec(messages[0]!.content)![1]);
}

function answer(request: StubRequest) {
  const n = questionNumber(request);
  return chatCompletion(`Counting carefully gives \\boxed{${n}}.`, [
    { token: 'Count', logprob: Math.log(0.6), top: [['Count', Math.log(0.6)], ['So', Math.log(0.3)]] },
    { token: 'ing', logprob: Math.log(0.99), top: [['ing', Math.log(0.99)]] },
  ]);
}

function validLines(path: string): { itemId: string; sampleIndex: number }[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { itemId: string; sampleIndex: number }];
      } catch {
        return [];
      }
    });
}

let directory: string;
let dataset: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'ares-eval-cli-'));
  dataset = join(directory, 'data.jsonl');
  writeFileSync(dataset, Array.from({ length: ITEMS }, (_, index) => JSON.stringify({ id: `i${index}`, benchmark: 'generic', question: `Q${index}: how many?`, answer: String(index) })).join('\n'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('ares-eval run', () => {
  it('evaluates a dataset against an OpenAI-compatible server, writes results and the report, and resumes', async () => {
    const server = await startStubServer((request) => ({ json: answer(request) }));
    try {
      const out = join(directory, 'in-process');
      const first = io();
      const argv = ['run', '--endpoint', server.url, '--model', 'stub', '--data', dataset, '--out', out, '--samples', '2', '--concurrency', '3', '--top-logprobs', '2'];
      expect(await main(argv, first.io)).toBe(0);
      expect(server.requests).toHaveLength(2 * ITEMS);
      expect(validLines(join(out, 'results.jsonl'))).toHaveLength(2 * ITEMS);
      expect(first.out.join('')).toContain('24 results (0 resumed, 24 new, 0 failed); accuracy 100.0%');
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { summary: { overall: { accuracy: number } }; hwe: { threshold: number } };
      expect(report.summary.overall.accuracy).toBe(1);
      expect(report.hwe.threshold).toBeGreaterThan(0);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<table id="benchmarks">');
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| generic |');

      const second = io();
      expect(await main(argv, second.io)).toBe(0);
      expect(server.requests).toHaveLength(2 * ITEMS);
      expect(second.out.join('')).toContain('24 results (24 resumed, 0 new, 0 failed)');
    } finally {
      await server.close();
    }
  });

  it('exits with 1 and keeps going when requests fail, then resumes only the failed ones', async () => {
    let failing = true;
    const server = await startStubServer((request) => (failing && questionNumber(request) % 3 === 0 ? { status: 400 } : { json: answer(request) }));
    try {
      const out = join(directory, 'failures');
      const argv = ['run', '--endpoint', server.url, '--model', 'stub', '--data', dataset, '--out', out, '--retries', '0'];
      const first = io();
      expect(await main(argv, first.io)).toBe(1);
      expect(first.err.join('')).toContain('generic/i0#0 failed');
      expect(validLines(join(out, 'results.jsonl'))).toHaveLength(8);
      failing = false;
      const before = server.requests.length;
      expect(await main(argv, io().io)).toBe(0);
      expect(server.requests.slice(before).map(questionNumber).sort((a, b) => a - b)).toEqual([0, 3, 6, 9]);
    } finally {
      await server.close();
    }
  });

  it('prints usage and exits with 2 for bad arguments', async () => {
    const missing = io();
    expect(await main(['run', '--model', 'm'], missing.io)).toBe(2);
    expect(missing.err.join('')).toContain('missing --endpoint, --data, --out');
    expect(await main(['serve'], io().io)).toBe(2);
    expect(await main(['run', '--bogus'], io().io)).toBe(2);
    const help = io();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('Usage: ares-eval run');
  });

  it('loses no finished result and asks no finished item again after the runner is killed', async () => {
    const bundle = join(directory, 'cli.mjs');
    await build({ entryPoints: [new URL('../cli.ts', import.meta.url).pathname], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'silent' });
    const server = await startStubServer((request) => ({ delayMs: 40, json: answer(request) }));
    const out = join(directory, 'killed');
    const results = join(out, 'results.jsonl');
    const args = [bundle, 'run', '--endpoint', server.url, '--model', 'stub', '--data', dataset, '--out', out, '--concurrency', '2'];
    const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const child = spawn(process.execPath, args, { stdio: 'ignore' });
      const deadline = Date.now() + 15_000;
      while (validLines(results).length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      child.kill('SIGKILL');
      await exited(child);
      const recorded = new Set(validLines(results).map((line) => line.itemId));
      expect(recorded.size).toBeGreaterThanOrEqual(4);
      expect(recorded.size).toBeLessThan(ITEMS);
      const asked = server.requests.length;

      const rerun = spawn(process.execPath, args, { stdio: 'ignore' });
      expect(await exited(rerun)).toBe(0);
      const askedAgain = server.requests.slice(asked).map((request) => `i${questionNumber(request)}`);
      expect(askedAgain.filter((id) => recorded.has(id))).toEqual([]);
      const final = validLines(results);
      expect(final).toHaveLength(ITEMS);
      expect(new Set(final.map((line) => line.itemId)).size).toBe(ITEMS);
    } finally {
      await server.close();
    }
  }, 30_000);
});
