import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AresError } from '@ares/core';
import type { BackendInfo, BackendName } from './backend';
import type { RunBenchOptions } from './bench';
import { main, type CliDependencies } from './main';
import { PRESETS, type TrainerConfig } from './pipeline/config';
import type { RunEnvironment } from './pipeline/run';
import type { RunSummary } from './report/types';

const SUMMARY: RunSummary = {
  backend: 'wasm',
  stages: { coldStart: { easy: { accuracy: 0.5, meanLength: 20, meanHweCount: 1.25, n: 4 }, medium: { accuracy: null, meanLength: null, meanHweCount: null, n: 0 }, hard: { accuracy: 0, meanLength: 40, meanHweCount: 3, n: 2 } } },
};

function harness(overrides: Partial<CliDependencies> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const calls: { backend?: BackendName; bench?: RunBenchOptions; run?: { config: TrainerConfig; environment: RunEnvironment }; resume?: RunEnvironment; evaluate?: RunEnvironment } = {};
  const dependencies: CliDependencies = {
    setupBackend: async (name: BackendName = 'wasm'): Promise<BackendInfo> => {
      calls.backend = name;
      return { name, tfBackend: name, threads: 1, description: `${name} (test)` };
    },
    runBench: async (options) => {
      calls.bench = options;
      return { trainTokensPerSec: 1234.5, genTokensPerSec: 987.6, backend: calls.backend ?? 'wasm' };
    },
    startRun: async (config, environment) => {
      calls.run = { config, environment };
      return SUMMARY;
    },
    resumeRun: async (environment) => {
      calls.resume = environment;
      return SUMMARY;
    },
    evaluateRun: async (environment) => {
      calls.evaluate = environment;
      return SUMMARY;
    },
    log: { write: () => true },
    ...overrides,
  };
  return { io: { stdout: (line: string) => stdout.push(line), stderr: (line: string) => stderr.push(line) }, dependencies, stdout, stderr, calls };
}

describe('ares-train', () => {
  it('bench --json prints exactly one JSON line with the three fields, on wasm by default', async () => {
    const { io, dependencies, stdout, stderr, calls } = harness();
    expect(await main(['bench', '--json'], io, dependencies)).toBe(0);
    expect(stdout).toEqual(['{"trainTokensPerSec":1234.5,"genTokensPerSec":987.6,"backend":"wasm"}']);
    expect(JSON.parse(stdout[0]!)).toEqual({ trainTokensPerSec: 1234.5, genTokensPerSec: 987.6, backend: 'wasm' });
    expect(stderr).toEqual(['backend: wasm (test)']);
    expect(calls).toMatchObject({ backend: 'wasm', bench: { trainSteps: 5, generationRuns: 3, gatherGradient: 'scatter' } });
  });

  it('bench prints the backend first, then human-readable figures', async () => {
    const { io, dependencies, stdout, calls } = harness();
    expect(await main(['bench', '--backend', 'cpu', '--train-steps', '2', '--generation-runs', '1', '--gather', 'one-hot'], io, dependencies)).toBe(0);
    expect(stdout[0]).toBe('backend: cpu (test)');
    expect(stdout.slice(1).join('\n')).toMatch(/1234\.5 tokens\/s[\s\S]*987\.6 tokens\/s/);
    expect(calls).toMatchObject({ backend: 'cpu', bench: { trainSteps: 2, generationRuns: 1, gatherGradient: 'one-hot' } });
  });

  it('fails with exit code 1 and the error code for a bad backend, option or count', async () => {
    for (const argv of [['bench', '--backend', 'webgl'], ['bench', '--frobnicate'], ['bench', '--train-steps', '0'], ['bench', '--gather', 'segment'], ['frobnicate']]) {
      const { io, dependencies, stderr } = harness();
      expect(await main(argv, io, dependencies)).toBe(1);
      expect(stderr.join('\n').length).toBeGreaterThan(0);
    }
    const { io, dependencies, stderr } = harness();
    await main(['bench', '--backend', 'webgl'], io, dependencies);
    expect(stderr[0]).toContain('UNSUPPORTED (--backend)');
  });

  it('reports an unavailable backend with exit code 1', async () => {
    const { io, dependencies, stderr } = harness({
      setupBackend: async () => {
        throw new AresError({ code: 'UNSUPPORTED', parameter: 'backend', value: 'webgpu', message: 'not installed' });
      },
    });
    expect(await main(['bench', '--backend', 'webgpu'], io, dependencies)).toBe(1);
    expect(stderr).toEqual(['ares-train bench: UNSUPPORTED (backend): not installed']);
  });

  it('run validates the preset with overrides before the backend starts, then runs it and prints the table', async () => {
    const { io, dependencies, stdout, calls } = harness();
    const directory = mkdtempSync(join(tmpdir(), 'ares-cli-'));
    const overrides = join(directory, 'overrides.json');
    writeFileSync(overrides, JSON.stringify({ rl: { steps: 3 }, seed: 9 }));
    expect(await main(['run', '--preset', 'smoke', '--out', join(directory, 'out'), '--config', overrides], io, dependencies)).toBe(0);
    expect(calls.backend).toBe('wasm');
    expect(calls.run!.config).toEqual({ ...PRESETS.smoke, rl: { ...PRESETS.smoke.rl, steps: 3 }, seed: 9 });
    expect(calls.run!.environment.directory).toBe(join(directory, 'out'));
    expect(stdout[0]).toBe('backend: wasm (test)');
    const table = stdout[1]!.split('\n');
    expect(table).toContain('coldStart  easy       50.0%         20.0      1.25     4');
    expect(table).toContain('coldStart  medium         –            –         –     0');
  });

  it('run names the offending field of a bad config and never starts the backend', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ares-cli-'));
    const cases: [unknown, string][] = [
      [{ rl: { groupSize: 1 } }, 'config.rl.groupSize'],
      [{ model: { width: 50 } }, 'config.model.width'],
      [{ tasks: { levels: { add: [1, 9] } } }, 'config.tasks.levels.add[1]'],
      [{ aepo: { budget: { hard: 6 } } }, 'config.aepo.budget.hard'],
      [{ eval: { sample: 3 } }, 'config.eval.sample'],
      [{ maxNewTokens: 200 }, 'config.maxNewTokens'],
    ];
    for (const [overrides, field] of cases) {
      const { io, dependencies, stderr, calls } = harness();
      const path = join(directory, 'bad.json');
      writeFileSync(path, JSON.stringify(overrides));
      expect(await main(['run', '--preset', 'smoke', '--config', path], io, dependencies)).toBe(1);
      expect(stderr[0]).toContain(`INVALID_ARGUMENT (${field})`);
      expect(calls.backend).toBeUndefined();
      expect(calls.run).toBeUndefined();
    }
    const { io, dependencies, stderr } = harness();
    expect(await main(['run', '--preset', 'huge'], io, dependencies)).toBe(1);
    expect(stderr[0]).toContain('INVALID_ARGUMENT (--preset)');
  });

  it('resume and eval take one run directory', async () => {
    for (const command of ['resume', 'eval'] as const) {
      const { io, dependencies, calls } = harness();
      expect(await main([command, 'runs/x', '--backend', 'cpu'], io, dependencies)).toBe(0);
      expect(calls.backend).toBe('cpu');
      expect((command === 'resume' ? calls.resume : calls.evaluate)!.directory).toBe('runs/x');
      const missing = harness();
      expect(await main([command], missing.io, missing.dependencies)).toBe(1);
      expect(missing.stderr[0]).toContain('INVALID_ARGUMENT (DIR)');
    }
  });

  it('prints usage for help (exit 0) and without a command (exit 1)', async () => {
    const help = harness();
    expect(await main(['--help'], help.io, help.dependencies)).toBe(0);
    expect(help.stdout[0]).toContain('usage: ares-train');
    const none = harness();
    expect(await main([], none.io, none.dependencies)).toBe(1);
    expect(none.stderr[0]).toContain('usage: ares-train');
  });
});
