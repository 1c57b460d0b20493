import { parseArgs } from 'node:util';
import { AresError } from '@ares/core';
import type { CurateFileOptions } from '../node/curate-file';
import { curateFile } from '../node/curate-file';
import { writeCurationReport } from '../node/curation-report';

const USAGE = `Usage: ares-adacs curate --in FILE.jsonl --out FILE.jsonl [--per-bracket N | --budget N] [--seed S]
                        [--report DIR] [--brackets 9] [--redistribute] [--vanilla]
                        [--missing-anchor pooled|throw] [--on-malformed fail|skip] [--unit whitespace|characters]

AdaCS cold-start curation (ARES paper §3.1). Reads one problem per line:
  {"id", "source", "question", "image"?, "answer", "candidates": [{"text", "tokens"?}], "passRate" | "correct": [..]}
and writes one SFT record per selected problem: the candidate closest to
L_target(p) = (1 − p)·L_s(0) + p·L_s(1) (per-source medians at p = 0 and 1), balanced over pass-rate
brackets with seeded sampling. --report DIR writes report.json and report.html.`;

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `--${name}`, value, message: `--${name}: expected an integer, got ${JSON.stringify(value)}` });
  }
  return parsed;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. @internal */
export async function main(argv: readonly string[], log: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'curate') {
    log(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 1;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        'per-bracket': { type: 'string' },
        budget: { type: 'string' },
        seed: { type: 'string', default: '0' },
        report: { type: 'string' },
        brackets: { type: 'string' },
        redistribute: { type: 'boolean', default: false },
        vanilla: { type: 'boolean', default: false },
        'missing-anchor': { type: 'string' },
        'on-malformed': { type: 'string' },
        unit: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (values.in === undefined || values.out === undefined) {
    log(`--in and --out are required\n\n${USAGE}`);
    return 1;
  }
  const seedText = values.seed;
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : seedText;
  const perBracket = integer(values['per-bracket'], 'per-bracket');
  const budget = integer(values.budget, 'budget');
  const brackets = integer(values.brackets, 'brackets');
  const options: CurateFileOptions = {
    seed,
    redistribute: values.redistribute,
    lengthRule: !values.vanilla,
    ...(perBracket === undefined ? {} : { perBracket }),
    ...(budget === undefined ? {} : { budget }),
    ...(brackets === undefined ? {} : { brackets }),
    ...(values['missing-anchor'] === undefined ? {} : { missingAnchor: values['missing-anchor'] as CurateFileOptions['missingAnchor'] & string }),
    ...(values['on-malformed'] === undefined ? {} : { onMalformed: values['on-malformed'] as CurateFileOptions['onMalformed'] & string }),
    ...(values.unit === undefined ? {} : { unit: values.unit as CurateFileOptions['unit'] & string }),
  };
  const started = performance.now();
  const result = await curateFile(values.in, values.out, options);
  const seconds = (performance.now() - started) / 1000;
  const d = result.diagnostics;
  log(`${d.problems} problems (${result.malformed.count} malformed lines skipped), ${d.selected} selected in ${seconds.toFixed(2)} s → ${result.output}`);
  for (const entry of result.malformed.listed.slice(0, 10)) log(`  malformed line ${entry.line}: ${entry.reason}`);
  if (result.malformed.count > 10) log(`  … ${result.malformed.count - 10} more malformed lines (see the report)`);
  for (const source of d.sources) {
    const a = source.anchors;
    const show = (value: number | null, pooled: boolean) => (value === null ? '–' : `${value}${pooled ? ' (pooled)' : ''}`);
    log(`  ${source.source}: ${source.problems} problems, ${source.selected} selected, L(0) = ${show(a.lengthAtZero, a.pooledAtZero)}, L(1) = ${show(a.lengthAtOne, a.pooledAtOne)}`);
  }
  log(`  per bracket selected: ${d.perBracket.map((entry) => entry.selected).join(' ')}${d.quota === null ? '' : ` (quota ${d.quota}, shortfall ${d.shortfall})`}`);
  if (values.report !== undefined) {
    const paths = await writeCurationReport(values.report, result);
    log(`  wrote ${paths.json} and ${paths.html}`);
  }
  return 0;
}
