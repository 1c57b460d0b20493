import { describe, expect, it } from 'vitest';
import { AresError } from '@ares/core';
import type { BackendInfo, BackendName } from './backend';
import type { RunBenchOptions } from './bench';
import { main, type CliDependencies } from './main';

function harness(overrides: Partial<CliDependencies> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const calls: { backend?: BackendName; bench?: RunBenchOptions } = {};
  const dependencies: CliDependencies = {
    setupBackend: async (name: BackendName = 'wasm'): Promise<BackendInfo> => {
      calls.backend = name;
      return { name, tfBackend: name, threads: 1, description: `${name} (test)` };
    },
    runBench: async (options) => {
      calls.bench = options;
      return { trainTokensPerSec: 1234.5, genTokensPerSec: 987.6, backend: calls.backend ?? 'wasm' };
    },
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

  it('refuses the commands of later sessions with exit code 2', async () => {
    for (const command of ['run', 'resume', 'eval']) {
      const { io, dependencies, stderr } = harness();
      expect(await main([command, '--preset', 'smoke'], io, dependencies)).toBe(2);
      expect(stderr[0]).toContain('not implemented yet');
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
