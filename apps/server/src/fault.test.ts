import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AepoStep } from '@ares/aepo';
import { STATE_FILE } from './state-store';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, '.vitest', 'fault-build', 'cli.mjs');

function batch(seed: number) {
  const rollouts = [];
  for (let index = 0; index < 8; index++) {
    const length = 5 + ((index * 3 + seed) % 7);
    const entropies = Array.from({ length }, (_, t) => ((t * 5 + index * 7 + seed * 3) % 13) / 6);
    rollouts.push({ promptId: `q${(index + seed) % 3}`, correct: (index * seed) % 4 === 1, entropies });
  }
  return { rollouts };
}

/** Starts the built CLI as a child process; resolves with its URL once it listens. */
function startChild(directory: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--state', directory], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function step(url: string, seed: number): Promise<number> {
  const response = await fetch(`${url}/v1/aepo/step`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch(seed)) });
  return response.status;
}

describe('fault: the server killed mid-stream (SIGKILL)', () => {
  let directory: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    await build({ entryPoints: [join(root, 'src', 'cli.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'silent' });
    directory = await mkdtemp(join(tmpdir(), 'ares-fault-'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
  });

  it('exits with status 1 and the usage when --port is missing', async () => {
    const child = spawn(process.execPath, [cli, '--state', directory], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--port is required/);
  });

  it('leaves the state of the last complete batch on disk, and a restart serves on to the uninterrupted result', async () => {
    const first = await startChild(directory);
    children.push(first.child);
    for (const seed of [1, 2, 3]) expect(await step(first.url, seed)).toBe(200);
    // Fire batch 4 and kill without waiting: it either completed (state 4) or not (state 3), never a torn file.
    const inFlight = step(first.url, 4).catch(() => 'killed');
    first.child.kill('SIGKILL');
    await killed(first.child);
    await inFlight;
    const onDisk = JSON.parse(await readFile(join(directory, STATE_FILE), 'utf8'));
    expect([3, 4]).toContain(onDisk.steps);

    const reference = new AepoStep();
    for (let seed = 1; seed <= onDisk.steps; seed++) reference.run(batch(seed));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(reference.toJSON())));

    const second = await startChild(directory);
    children.push(second.child);
    for (let seed = onDisk.steps + 1; seed <= 6; seed++) expect(await step(second.url, seed)).toBe(200);
    for (let seed = onDisk.steps + 1; seed <= 6; seed++) reference.run(batch(seed));
    second.child.kill('SIGTERM');
    await killed(second.child);
    const final = JSON.parse(await readFile(join(directory, STATE_FILE), 'utf8'));
    expect(final).toEqual(JSON.parse(JSON.stringify(reference.toJSON())));
    expect(final.steps).toBe(6);
  });
});
