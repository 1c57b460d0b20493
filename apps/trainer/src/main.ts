import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AresError } from '@ares/core';
import { BACKEND_NAMES, setupBackend } from './backend';
import { runBench, type BenchResult, type RunBenchOptions } from './bench';
import { DEFAULT_GATHER_GRADIENT, GATHER_GRADIENTS, type GatherGradient } from './model/ops';
import { DEFAULT_BACKEND, PRESET_NAMES, parseBackend, presetConfig } from './pipeline/config';
import { evaluateRun, resumeRun, startRun, type RunEnvironment } from './pipeline/run';
import type { RunSummary } from './report/types';

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** What the CLI calls (replaceable in tests). */
export interface CliDependencies {
  readonly setupBackend: typeof setupBackend;
  readonly runBench: (options: RunBenchOptions) => Promise<BenchResult>;
  readonly startRun: typeof startRun;
  readonly resumeRun: typeof resumeRun;
  readonly evaluateRun: typeof evaluateRun;
  /** Where progress goes (stderr). */
  readonly log: RunEnvironment['log'];
}

const USAGE = `usage: ares-train <command> [options]

commands:
  bench [--backend ${BACKEND_NAMES.join('|')}] [--json] [--train-steps N] [--generation-runs N] [--gather scatter|one-hot]
        throughput of the fixed bench model (vocab 64, width 128, 4 layers, 4 heads, context 128):
        training 32 x 128 tokens per step (forward, backward, Adam), generation 32 rows x (16 prompt + 112 new)
  run --preset ${PRESET_NAMES.join('|')} [--out DIR] [--backend B] [--config FILE]
        the whole ARES pipeline: base model, pass rates, AdaCS cold start, GRPO baseline and AEPO from the cold
        start, held-out evaluation of each; writes checkpoints, metrics.jsonl, summary.json and report.html to DIR
        (default runs/<preset>-<time>); FILE holds JSON overrides of the preset (e.g. {"rl":{"steps":10}})
  resume DIR [--backend B]    continue a stopped run from its last checkpoint
  eval DIR [--backend B]      re-evaluate the saved stage models of a run; rewrites summary.json and report.html`;

/**
 * The `ares-train` command line: parses `argv` (without node and script), runs the command, returns the exit code.
 *
 * @param argv - the arguments after the script name
 * @param io - output lines
 * @param dependencies - backend setup and the benchmark
 * @returns the process exit code
 */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: (line) => process.stdout.write(`${line}\n`), stderr: (line) => process.stderr.write(`${line}\n`) },
  dependencies: CliDependencies = { setupBackend, runBench, startRun, resumeRun, evaluateRun, log: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'bench':
        return await bench(rest, io, dependencies);
      case 'run':
      case 'resume':
      case 'eval':
        return await pipeline(command, rest, io, dependencies);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        (command === undefined ? io.stderr : io.stdout)(USAGE);
        return command === undefined ? 1 : 0;
      default:
        io.stderr(`ares-train: unknown command ${JSON.stringify(command)}\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (AresError.isInstance(error)) {
      io.stderr(`ares-train ${command}: ${error.code}${error.parameter === undefined ? '' : ` (${error.parameter})`}: ${error.message}`);
      return 1;
    }
    io.stderr(`ares-train ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: name, value: text, message: `${name} must be a positive integer, got ${JSON.stringify(text)}` });
  }
  return value;
}

async function bench(argv: readonly string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        backend: { type: 'string', default: 'wasm' },
        json: { type: 'boolean', default: false },
        'train-steps': { type: 'string' },
        'generation-runs': { type: 'string' },
        gather: { type: 'string', default: DEFAULT_GATHER_GRADIENT },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'argv', value: argv, message: (error as Error).message });
  }
  const backend = parseBackend(values.backend);
  if (!(GATHER_GRADIENTS as readonly string[]).includes(values.gather)) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: '--gather', value: values.gather, message: `unknown gather gradient ${JSON.stringify(values.gather)}; expected one-hot or scatter` });
  }
  const trainSteps = positiveInteger(values['train-steps'], '--train-steps', 5);
  const generationRuns = positiveInteger(values['generation-runs'], '--generation-runs', 3);
  const info = await dependencies.setupBackend(backend);
  // The backend goes to stderr in JSON mode so that stdout stays exactly one JSON line.
  (values.json ? io.stderr : io.stdout)(`backend: ${info.description}`);
  const result = await dependencies.runBench({ trainSteps, generationRuns, gatherGradient: values.gather as GatherGradient });
  if (values.json) {
    io.stdout(JSON.stringify({ trainTokensPerSec: result.trainTokensPerSec, genTokensPerSec: result.genTokensPerSec, backend: result.backend }));
  } else {
    io.stdout(`training:   ${result.trainTokensPerSec.toFixed(1)} tokens/s (batch 32 x 128, forward + backward + Adam)`);
    io.stdout(`generation: ${result.genTokensPerSec.toFixed(1)} tokens/s (batch 32, 16 prompt + 112 new tokens, KV cache)`);
  }
  return 0;
}

function parseOrThrow(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, positionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals });
  } catch (error) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'argv', value: argv, message: (error as Error).message });
  }
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

async function pipeline(command: 'run' | 'resume' | 'eval', argv: readonly string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseOrThrow(
    argv,
    command === 'run'
      ? { preset: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string', default: DEFAULT_BACKEND }, config: { type: 'string' } }
      : { backend: { type: 'string', default: DEFAULT_BACKEND } },
    command !== 'run',
  );
  const backend = parseBackend(values.backend as string);
  let directory: string;
  let config;
  if (command === 'run') {
    if (values.preset === undefined) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: '--preset', value: undefined, message: `--preset is required: one of ${PRESET_NAMES.join(', ')}` });
    }
    let overrides: unknown = {};
    if (values.config !== undefined) {
      const path = values.config as string;
      try {
        overrides = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        throw new AresError({ code: 'IO', parameter: '--config', value: path, message: `--config: cannot read ${path}: ${(error as Error).message}` });
      }
    }
    // Validated before the backend starts: a bad config fails before any work.
    config = presetConfig(values.preset as string, overrides);
    directory = (values.out as string | undefined) ?? join('runs', `${config.preset}-${timestamp(new Date())}`);
  } else {
    if (positionals.length !== 1) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'DIR', value: positionals, message: `ares-train ${command} takes one run directory, got ${positionals.length}` });
    }
    directory = positionals[0]!;
  }
  const info = await dependencies.setupBackend(backend);
  io.stdout(`backend: ${info.description}`);
  const environment: RunEnvironment = { directory, backend: info.tfBackend, log: dependencies.log };
  const summary: RunSummary =
    command === 'run' ? await dependencies.startRun(config!, environment) : command === 'resume' ? await dependencies.resumeRun(environment) : await dependencies.evaluateRun(environment);
  io.stdout(formatSummary(summary));
  io.stdout(`wrote ${join(directory, 'summary.json')} and ${join(directory, 'report.html')}`);
  return 0;
}

/** The held-out table as text: one line per stage and bucket. */
export function formatSummary(summary: RunSummary): string {
  const lines = [`held-out evaluation (${summary.backend}):`, 'stage      bucket  accuracy  mean length  mean HWE     n'];
  for (const [stage, buckets] of Object.entries(summary.stages)) {
    for (const [bucket, entry] of Object.entries(buckets ?? {})) {
      const cell = (value: number | null, digits: number, scale = 1) => (value === null ? '–' : (value * scale).toFixed(digits));
      lines.push(`${stage.padEnd(10)} ${bucket.padEnd(7)} ${(entry.accuracy === null ? '–' : `${cell(entry.accuracy, 1, 100)}%`).padStart(8)}  ${cell(entry.meanLength, 1).padStart(11)}  ${cell(entry.meanHweCount, 2).padStart(8)}  ${String(entry.n).padStart(4)}`);
    }
  }
  return lines.join('\n');
}
