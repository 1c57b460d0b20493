import '@ares/testing/setup-tf';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DIFFICULTY_BUCKETS } from '@ares/core';
import { readMetrics } from '../run/metrics';
import { evaluateRun, resumeRun, startRun, RUN_FILES, type RunEnvironment, type RunState } from './run';
import { TINY_OVERRIDES, tinyConfig } from './test-config';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

function environment(directory: string, onCheckpoint?: (state: RunState) => void): RunEnvironment {
  return { directory, backend: tf.getBackend(), log: { write: () => true }, ...(onCheckpoint === undefined ? {} : { onCheckpoint }) };
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

describe('the pipeline on a tiny configuration (cpu backend)', () => {
  const directory = join(mkdtempSync(join(tmpdir(), 'ares-run-')), 'run');
  const states: RunState[] = [];
  const done = startRun(tinyConfig(), environment(directory, (state) => states.push(state)));

  it('runs every phase and writes summary.json in the documented format', async () => {
    const summary = await done;
    expect(Object.keys(summary)).toEqual(['backend', 'stages']);
    expect(summary.backend).toBe('cpu');
    expect(Object.keys(summary.stages)).toEqual(['coldStart', 'grpo', 'aepo']);
    const onDisk = JSON.parse(read(join(directory, RUN_FILES.summary)));
    expect(onDisk).toEqual(summary);
    for (const stage of ['coldStart', 'grpo', 'aepo'] as const) {
      const buckets = summary.stages[stage]!;
      expect(Object.keys(buckets)).toEqual([...DIFFICULTY_BUCKETS]);
      // Every held-out sample lands in exactly one bucket.
      expect(DIFFICULTY_BUCKETS.reduce((total, bucket) => total + buckets[bucket].n, 0)).toBe(TINY_OVERRIDES.eval.problems * TINY_OVERRIDES.eval.samples);
      for (const bucket of DIFFICULTY_BUCKETS) {
        const entry = buckets[bucket];
        expect(Object.keys(entry)).toEqual(['accuracy', 'meanLength', 'meanHweCount', 'n']);
        if (entry.n === 0) expect([entry.accuracy, entry.meanLength, entry.meanHweCount]).toEqual([null, null, null]);
        else {
          expect(entry.accuracy! >= 0 && entry.accuracy! <= 1).toBe(true);
          expect(entry.meanLength! > 0 && entry.meanLength! <= TINY_OVERRIDES.maxNewTokens).toBe(true);
          expect(entry.meanHweCount! >= 0).toBe(true);
        }
      }
    }
  });

  it('checkpoints inside every training phase and at every phase boundary, in pipeline order', async () => {
    await done;
    const inside = states.filter((state) => state.step > 0).map((state) => `${state.phase}:${state.step}`);
    // checkpointEvery 2: base 6 steps → 2, 4; cold start 4 → 2; RL 3 → 2 (the last step ends the phase instead).
    expect(inside).toEqual(['base:2', 'base:4', 'coldStart:2', 'grpo:2', 'aepo:2']);
    expect(states.filter((state) => state.step === 0).map((state) => state.phase)).toEqual(['passRates', 'coldStart', 'evalColdStart', 'grpo', 'evalGrpo', 'aepo', 'evalAepo', 'report', 'done']);
    const aepoState = states.find((state) => state.phase === 'aepo' && state.step === 2)!;
    expect(aepoState.aepo!.steps).toBe(2);
    expect(aepoState.rng).not.toBeNull();
  });

  it('logs one metrics line per optimiser step and evaluation', async () => {
    await done;
    const metrics = readMetrics(join(directory, RUN_FILES.metrics)) as { type: string; stage: string; step?: number }[];
    const count = (type: string, stage: string) => metrics.filter((record) => record.type === type && record.stage === stage).length;
    expect([count('sft', 'base'), count('sft', 'coldStart'), count('rl', 'grpo'), count('rl', 'aepo')]).toEqual([6, 4, 3, 3]);
    expect(metrics.filter((record) => record.type === 'eval').map((record) => record.stage)).toEqual(['coldStart', 'grpo', 'aepo']);
    const grpo = metrics.filter((record) => record.type === 'rl' && record.stage === 'grpo') as unknown as { branches: number; buckets: Record<string, { alpha: number; klCoefficient: number }> }[];
    // The GRPO baseline: no branches, α = 0, the fixed KL coefficient.
    for (const record of grpo) {
      expect(record.branches).toBe(0);
      for (const bucket of DIFFICULTY_BUCKETS) expect(record.buckets[bucket]).toMatchObject({ alpha: 0, klCoefficient: 0.02 });
    }
  });

  it('writes the curation, the stage models and a report', async () => {
    await done;
    const curated = JSON.parse(read(join(directory, RUN_FILES.curated))) as { problems: { verbosity: string; problem: { id: string } }[] };
    expect(curated.problems.length).toBe(TINY_OVERRIDES.passRates.problems);
    for (const entry of curated.problems) expect(['terse', 'steps', 'recheck']).toContain(entry.verbosity);
    for (const model of ['base', 'coldStart', 'grpo', 'aepo'] as const) expect(existsSync(join(directory, RUN_FILES.model(model), 'weights.bin'))).toBe(true);
    const html = read(join(directory, RUN_FILES.report));
    expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('NaN');
  });

  it('refuses to start a second run in the same directory', async () => {
    await done;
    await expect(startRun(tinyConfig(), environment(directory))).rejects.toMatchObject({ code: 'INVALID_STATE', parameter: '--out' });
  });

  it('eval re-evaluates the saved models and reproduces summary.json', async () => {
    const summary = await done;
    expect(await evaluateRun(environment(directory))).toEqual(summary);
  });

  it('resume of a finished run does nothing and returns its summary', async () => {
    const summary = await done;
    expect(await resumeRun(environment(directory))).toEqual(summary);
  });

  it('resume refuses a config.json changed since the checkpoint, naming the file', async () => {
    await done;
    const copy = join(mkdtempSync(join(tmpdir(), 'ares-run-')), 'copy');
    cpSync(directory, copy, { recursive: true });
    const config = JSON.parse(read(join(copy, RUN_FILES.config)));
    writeFileSync(join(copy, RUN_FILES.config), JSON.stringify({ ...config, seed: config.seed + 1 }));
    await expect(resumeRun(environment(copy))).rejects.toMatchObject({ code: 'INVALID_STATE', parameter: RUN_FILES.config });
  });

  it('leaks no tensors', async () => {
    await done;
    const before = tf.memory().numTensors;
    const other = join(mkdtempSync(join(tmpdir(), 'ares-run-')), 'run');
    await startRun(tinyConfig(), environment(other));
    expect(tf.memory().numTensors).toBe(before);
  });
});

function runCli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
}

/** The run's deterministic output: metrics lines and the summary. */
function outcome(directory: string): { metrics: string; summary: string } {
  return { metrics: read(join(directory, RUN_FILES.metrics)), summary: read(join(directory, RUN_FILES.summary)) };
}

describe.skipIf(!existsSync(CLI))('kill -9 and resume (the built CLI, cpu backend)', () => {
  it('continues as if never stopped: the same metrics and summary as an uninterrupted run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ares-kill-'));
    const overrides = join(root, 'tiny.json');
    writeFileSync(overrides, JSON.stringify(TINY_OVERRIDES));
    const common = ['--preset', 'smoke', '--backend', 'cpu', '--config', overrides];

    const straight = await finished(runCli(['run', ...common, '--out', join(root, 'straight')]));
    expect(straight.code, straight.output).toBe(0);

    // Kill the second run right after its AEPO checkpoint at step 2 (optimizer, AEPO state, RNG all mid-stage).
    const killed = join(root, 'killed');
    const child = runCli(['run', ...common, '--out', killed]);
    const exit = finished(child);
    const statePath = join(killed, RUN_FILES.runState);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          const state = existsSync(statePath) ? (JSON.parse(read(statePath)) as RunState) : null;
          if (state !== null && state.phase === 'aepo' && state.step === 2) {
            child.kill('SIGKILL');
            clearInterval(timer);
            resolve();
          }
        } catch {
          // The file is being replaced; look again.
        }
        if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error('the run finished before it could be killed'));
        }
      }, 5);
    });
    expect((await exit).signal).toBe('SIGKILL');
    expect(existsSync(join(killed, RUN_FILES.summary)) && Object.keys(JSON.parse(read(join(killed, RUN_FILES.summary))).stages)).not.toContain('aepo');

    const resumed = await finished(runCli(['resume', killed, '--backend', 'cpu']));
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toContain('resuming aepo at step 2');
    expect(outcome(killed)).toEqual(outcome(join(root, 'straight')));
    expect(readdirSync(killed).filter((name) => name.includes('.tmp'))).toEqual([]);
  }, 240_000);
});
