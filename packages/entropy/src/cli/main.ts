import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AresError, assertOneOf } from '@ares/core';
import { analyzeResponses, extractChoices, type AnalyzeOptions } from './analyze';
import { reportHtml, reportJson } from './report';

const USAGE = `Usage: ares-entropy analyze --in FILE.jsonl [--out DIR] [--window 4] [--anchor inclusive|next]
                            [--threshold TAU | --estimator released|paper --quantile 0.95]
                            [--vocab-size V]
                            [--logprobs-mode raw_logprobs|processed_logprobs]

Reads OpenAI-compatible completion responses (one JSON object per line, requested with
logprobs: true and top_logprobs: k, e.g. from vLLM) and writes report.json and report.html:
per-token entropy bounds, window entropy, the HWE threshold, HWE positions and trigger words.`;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `--${name}`, value, message: `--${name}: expected a number, got ${JSON.stringify(value)}` });
  }
  return parsed;
}

function writeAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. @internal */
export function main(argv: readonly string[], log: (line: string) => void = console.log): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'analyze') {
    log(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 1;
  }
  const { values } = parseArgs({
    args: [...rest],
    options: {
      in: { type: 'string' },
      out: { type: 'string', default: 'entropy-report' },
      window: { type: 'string', default: '4' },
      anchor: { type: 'string', default: 'inclusive' },
      threshold: { type: 'string' },
      quantile: { type: 'string', default: '0.95' },
      estimator: { type: 'string', default: 'released' },
      'vocab-size': { type: 'string' },
      'logprobs-mode': { type: 'string', default: 'raw_logprobs' },
    },
    strict: true,
  });
  if (values.in === undefined) {
    log(`--in is required\n\n${USAGE}`);
    return 1;
  }
  const threshold = number(values.threshold, 'threshold');
  const vocabSize = number(values['vocab-size'], 'vocab-size');
  const options: AnalyzeOptions = {
    window: number(values.window, 'window')!,
    anchor: values.anchor as AnalyzeOptions['anchor'],
    quantile: number(values.quantile, 'quantile')!,
    estimator: values.estimator as AnalyzeOptions['estimator'],
    logprobsMode: values['logprobs-mode'] as AnalyzeOptions['logprobsMode'],
    ...(threshold === undefined ? {} : { threshold }),
    ...(vocabSize === undefined ? {} : { vocabSize }),
  };
  const input = resolve(values.in);
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (cause) {
    throw new AresError({ code: 'IO', parameter: '--in', value: values.in, message: `cannot read ${input}`, cause });
  }
  const choices = text
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .flatMap(({ line, number: lineNumber }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (cause) {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `line ${lineNumber}`, value: line.slice(0, 80), message: `${input}:${lineNumber}: not valid JSON`, cause });
      }
      return extractChoices(parsed, lineNumber);
    });
  assertOneOf(options.estimator, ['released', 'paper'] as const, '--estimator');
  assertOneOf(options.anchor, ['inclusive', 'next'] as const, '--anchor');
  const analysis = analyzeResponses(choices, options);
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  writeAtomic(join(out, 'report.json'), `${JSON.stringify(reportJson(analysis, values.in), null, 2)}\n`);
  writeAtomic(join(out, 'report.html'), reportHtml(analysis, values.in));
  const counts = analysis.traces.map((trace) => trace.hweCount);
  log(`${analysis.traces.length} responses, ${analysis.traces.reduce((sum, trace) => sum + trace.tokens.length, 0)} tokens; τ = ${analysis.threshold.toFixed(4)} (${analysis.thresholdSource})`);
  for (const trace of analysis.traces) {
    log(`  ${trace.id.padEnd(28)} ${String(trace.tokens.length).padStart(5)} tokens  mean H ${trace.meanEntropy.toFixed(3)}  N_HE ${String(trace.hweCount).padStart(3)}  triggers ≥ τ ${trace.triggers.valid}`);
  }
  log(`mean N_HE ${(counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length)).toFixed(2)}; wrote ${join(out, 'report.json')} and ${join(out, 'report.html')}`);
  return 0;
}
