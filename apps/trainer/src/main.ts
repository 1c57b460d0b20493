import { parseArgs } from 'node:util';
import { AresError } from '@ares/core';
import { BACKEND_NAMES, setupBackend, type BackendName } from './backend';
import { runBench, type BenchResult, type RunBenchOptions } from './bench';
import { DEFAULT_GATHER_GRADIENT, GATHER_GRADIENTS, type GatherGradient } from './model/ops';

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** What the CLI calls (replaceable in tests). */
export interface CliDependencies {
  readonly setupBackend: typeof setupBackend;
  readonly runBench: (options: RunBenchOptions) => Promise<BenchResult>;
}

const USAGE = `usage: ares-train <command> [options]

commands:
  bench [--backend ${BACKEND_NAMES.join('|')}] [--json] [--train-steps N] [--generation-runs N] [--gather scatter|one-hot]
        throughput of the fixed bench model (vocab 64, width 128, 4 layers, 4 heads, context 128):
        training 32 x 128 tokens per step (forward, backward, Adam), generation 32 rows x (16 prompt + 112 new)
  run --preset smoke|small|full [--out DIR]   (not implemented yet)
  resume DIR                                  (not implemented yet)
  eval DIR                                    (not implemented yet)`;

/** Exit codes: 0 success, 1 bad usage or failure, 2 a command that is not implemented yet. */
const NOT_IMPLEMENTED = 2;

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
  dependencies: CliDependencies = { setupBackend, runBench },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'bench':
        return await bench(rest, io, dependencies);
      case 'run':
      case 'resume':
      case 'eval':
        io.stderr(`ares-train ${command}: not implemented yet (this build provides bench only)`);
        return NOT_IMPLEMENTED;
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
  const backend = values.backend as BackendName;
  if (!(BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: '--backend', value: backend, message: `unknown backend ${JSON.stringify(backend)}; expected one of ${BACKEND_NAMES.join(', ')}` });
  }
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
