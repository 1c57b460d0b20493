import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AresError } from '@ares/core';
import type { LogprobsMode } from '@ares/entropy';
import type { GradingProfile } from '../is-equivalent';
import { createOpenAiCompatiblePolicy } from '../open-ai-compatible-policy';
import { buildReport } from '../report';
import { runEvaluation, type RunProgress } from '../run-evaluation';
import { JsonlResultStore } from './jsonl-result-store';
import { readDatasetFile } from './read-dataset-file';
import { writeReport } from './write-report';

/** Output streams of the CLI (injectable for tests). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const USAGE = `Usage: ares-eval run --endpoint URL --model NAME --data FILE.jsonl --out DIR [options]

Options:
  --samples K            samples per item (default 1)
  --concurrency N        requests in flight (default 4)
  --temperature T        sampling temperature (default 1)
  --top-p P              nucleus sampling (default 1)
  --max-tokens N         maximum response tokens (default 4096)
  --top-logprobs K       top log-probs per token, 0 for none (default 20)
  --logprobs-mode MODE   raw_logprobs | processed_logprobs (default raw_logprobs)
  --vocab-size V         vocabulary size (entropy upper bound)
  --profile P            ares | minerva | mathruler (default ares)
  --benchmark NAME       benchmark for lines that do not name one
  --seed S               run seed (default 0)
  --timeout-ms MS        per-request timeout (default 300000)
  --retries N            retries per request (default 3)
  --api-key-env VAR      read the bearer token from this environment variable
  --hwe-threshold TAU    HWE threshold in nats (default: paper estimator)
  --random-choice-fallback  seeded random letter when no option parses (counted)

Results stream to DIR/results.jsonl; a re-run with the same DIR resumes. The report is written to
DIR/report.json, DIR/report.md and DIR/report.html. Exit status: 0 done, 1 some requests failed (re-run to
resume them), 2 usage or input error.
`;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `--${name}`, value, message: `--${name}: expected a number, got ${value}` });
  return parsed;
}

function progressBar(progress: RunProgress): string {
  const width = 30;
  const filled = Math.round((progress.done / Math.max(1, progress.total)) * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.done}/${progress.total}${progress.failed > 0 ? ` (${progress.failed} failed)` : ''}`;
}

/**
 * The `ares-eval` command line. Returns the exit status.
 * @internal
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'run') {
    io.stderr.write(`ares-eval: unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      options: {
        endpoint: { type: 'string' },
        model: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        samples: { type: 'string' },
        concurrency: { type: 'string' },
        temperature: { type: 'string' },
        'top-p': { type: 'string' },
        'max-tokens': { type: 'string' },
        'top-logprobs': { type: 'string' },
        'logprobs-mode': { type: 'string' },
        'vocab-size': { type: 'string' },
        profile: { type: 'string' },
        benchmark: { type: 'string' },
        seed: { type: 'string' },
        'timeout-ms': { type: 'string' },
        retries: { type: 'string' },
        'api-key-env': { type: 'string' },
        'hwe-threshold': { type: 'string' },
        'random-choice-fallback': { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr.write(`ares-eval: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const missing = ['endpoint', 'model', 'data', 'out'].filter((name) => typeof values[name] !== 'string');
  if (missing.length > 0) {
    io.stderr.write(`ares-eval: missing ${missing.map((name) => `--${name}`).join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const out = text('out')!;
  const temperature = number(text('temperature'), 'temperature') ?? 1;
  const topP = number(text('top-p'), 'top-p') ?? 1;
  const maxTokens = number(text('max-tokens'), 'max-tokens') ?? 4096;
  const topLogprobs = number(text('top-logprobs'), 'top-logprobs') ?? 20;
  const seed = number(text('seed'), 'seed') ?? 0;
  const vocabSize = number(text('vocab-size'), 'vocab-size');
  const apiKeyVariable = text('api-key-env');
  const apiKey = apiKeyVariable === undefined ? undefined : io.env[apiKeyVariable];
  const profile = (text('profile') ?? 'ares') as GradingProfile;
  const hweThreshold = number(text('hwe-threshold'), 'hwe-threshold');
  const timeoutMs = number(text('timeout-ms'), 'timeout-ms');
  const retries = number(text('retries'), 'retries');
  const policy = createOpenAiCompatiblePolicy({
    endpoint: text('endpoint')!,
    model: text('model')!,
    temperature,
    topP,
    maxTokens,
    topLogprobs,
    logprobsMode: (text('logprobs-mode') ?? 'raw_logprobs') as LogprobsMode,
    ...(vocabSize === undefined ? {} : { vocabSize }),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(retries === undefined ? {} : { retries }),
  });
  const benchmark = text('benchmark');
  const items = await readDatasetFile(text('data')!, benchmark === undefined ? {} : { benchmark });
  const decoding = { temperature, topP, maxTokens, topLogprobs };
  const samples = number(text('samples'), 'samples') ?? 1;
  const concurrency = number(text('concurrency'), 'concurrency') ?? 4;
  const showProgress = io.stderr.isTTY === true;
  const run = await runEvaluation({
    items,
    policy,
    samples,
    concurrency,
    seed,
    profile,
    decoding,
    store: new JsonlResultStore(join(out, 'results.jsonl')),
    randomChoiceFallback: values['random-choice-fallback'] === true,
    ...(showProgress ? { onProgress: (progress: RunProgress) => io.stderr.write(progressBar(progress)) } : {}),
  });
  if (showProgress) io.stderr.write('\n');
  for (const failure of run.failures) io.stderr.write(`ares-eval: ${failure.benchmark}/${failure.itemId}#${failure.sampleIndex} failed: ${failure.error}\n`);
  if (run.results.length > 0) {
    const report = buildReport(run.results, { model: policy.name, decoding, profile, seed, failedRequests: run.failures.length, ...(hweThreshold === undefined ? {} : { hweThreshold }) });
    const paths = await writeReport(out, report);
    io.stdout.write(`${run.results.length} results (${run.resumed} resumed, ${run.generated} new, ${run.failures.length} failed); accuracy ${(100 * report.summary.overall.accuracy).toFixed(1)}%\n`);
    io.stdout.write(`report: ${paths.html}\n`);
  } else io.stdout.write(`no results (${run.failures.length} failed)\n`);
  return run.failures.length > 0 ? 1 : 0;
}
