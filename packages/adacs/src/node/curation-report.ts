import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AresError } from '@ares/core';
import type { BracketLengthSummary, CurationDiagnostics } from '../curator';
import type { CurateFileResult } from './curate-file';
import { bracketBars, escapeHtml, passRateChart, type ChartSeries } from './svg';

/** The JSON stats report of a `curateFile` run. */
export interface CurationReport {
  readonly generator: '@ares/adacs';
  readonly version: 1;
  readonly input: string;
  readonly output: string;
  readonly lines: number;
  readonly blankLines: number;
  readonly malformed: CurateFileResult['malformed'];
  readonly diagnostics: CurationDiagnostics;
}

/**
 * The JSON stats report of a curation run: paths, line counts, malformed lines and the full diagnostics.
 *
 * @param result - the result of `curateFile`
 * @returns a new plain object (`version: 1`), JSON-safe (no NaN: missing means are null)
 * @remarks
 * ## Numerics
 * No arithmetic; the diagnostics are copied by reference.
 * @example
 * ```ts
 * JSON.stringify(curationReport(await curateFile('in.jsonl', 'out.jsonl')), null, 2)
 * ```
 * @see SPEC.md §2.7
 */
export function curationReport(result: CurateFileResult): CurationReport {
  return {
    generator: '@ares/adacs',
    version: 1,
    input: result.input,
    output: result.output,
    lines: result.lines,
    blankLines: result.blankLines,
    malformed: result.malformed,
    diagnostics: result.diagnostics,
  };
}

const BEFORE = '#95a5a6';
const AFTER = '#2e86c1';
const TARGET = '#c0392b';

function lengthChart(title: string, perBracket: readonly BracketLengthSummary[], brackets: number): string {
  const series = (label: string, color: string, pick: (entry: BracketLengthSummary) => number | null, dashed = false): ChartSeries => ({
    label,
    color,
    dashed,
    points: perBracket.map((entry) => ({ x: entry.passRate, y: pick(entry) })),
  });
  return passRateChart({
    title,
    yLabel: 'mean length (tokens)',
    brackets,
    series: [
      series('before: all candidates', BEFORE, (entry) => entry.meanCandidateLength),
      series('after: chosen traces', AFTER, (entry) => entry.meanChosenLength),
      series('L_target(p)', TARGET, (entry) => entry.meanTargetLength, true),
    ],
  });
}

const format = (value: number | null, digits = 1): string => (value === null ? '–' : value.toFixed(digits));

/**
 * The self-contained HTML stats report of a curation run: summary, per-source anchors, length vs pass rate before
 * and after curation (overall and per source), counts per bracket, and the malformed lines.
 *
 * @param result - the result of `curateFile`
 * @returns one HTML document with inline CSS and SVG (no scripts, no external resources)
 * @remarks
 * ## Numerics
 * Plots per-bracket means: the mean length of all candidate traces (before), of the chosen traces (after) and of
 * L_target(p), at the bracket's grid pass rate; brackets without problems leave gaps.
 * @example
 * ```ts
 * await writeFile('report.html', curationReportHtml(result));
 * ```
 * @see SPEC.md §2.7
 */
export function curationReportHtml(result: CurateFileResult): string {
  const d = result.diagnostics;
  const parts: string[] = [];
  parts.push('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AdaCS curation report</title>');
  parts.push('<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}.warn{color:#c0392b}code{background:#f4f4f4;padding:0 3px}</style></head><body>');
  parts.push('<h1>AdaCS curation report</h1>');
  parts.push(`<p>Input <code>${escapeHtml(result.input)}</code> → output <code>${escapeHtml(result.output)}</code>.</p>`);
  parts.push('<table><tr><th>quantity</th><th>value</th></tr>');
  const rows: [string, string][] = [
    ['lines (blank)', `${result.lines} (${result.blankLines})`],
    ['malformed lines', String(result.malformed.count)],
    ['problems', String(d.problems)],
    ['candidate traces', String(d.candidates)],
    ['selected', String(d.selected)],
    ['selection', d.lengthRule ? 'length rule (closest to L_target)' : 'vanilla (random candidate)'],
    ['brackets', String(d.brackets)],
    ['quota per bracket', d.quota === null ? 'none (all kept)' : String(d.quota)],
    ['redistribute', String(d.redistribute)],
    ['shortfall', String(d.shortfall)],
    ['redistributed', String(d.redistributed)],
    ['chosen traces not in <think>…</think> \\boxed{} format', String(d.formatMismatches)],
    ['pooled L(0) / L(1)', `${format(d.pooled.lengthAtZero)} / ${format(d.pooled.lengthAtOne)} (${d.pooled.tracesAtZero} / ${d.pooled.tracesAtOne} traces)`],
  ];
  for (const [name, value] of rows) parts.push(`<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(value)}</td></tr>`);
  parts.push('</table>');
  parts.push('<h2>Length vs pass rate</h2><div class="charts">');
  parts.push(lengthChart('all sources', d.perBracket, d.brackets));
  parts.push(bracketBars({
    title: 'problems per bracket',
    brackets: d.brackets,
    groups: [
      { label: 'available', color: BEFORE, values: d.perBracket.map((entry) => entry.available) },
      { label: 'selected', color: AFTER, values: d.perBracket.map((entry) => entry.selected) },
    ],
  }));
  for (const source of d.sources) parts.push(lengthChart(`source ${source.source}`, source.perBracket, d.brackets));
  parts.push('</div>');
  parts.push('<h2>Anchors per source</h2><table><tr><th>source</th><th>problems</th><th>selected</th><th>L(0)</th><th>traces at p = 0</th><th>L(1)</th><th>traces at p = 1</th></tr>');
  for (const source of d.sources) {
    const a = source.anchors;
    parts.push(
      `<tr><td>${escapeHtml(source.source)}</td><td>${source.problems}</td><td>${source.selected}</td><td${a.pooledAtZero ? ' class="warn" title="pooled"' : ''}>${format(a.lengthAtZero)}${a.pooledAtZero ? ' (pooled)' : ''}</td><td>${a.tracesAtZero}</td><td${a.pooledAtOne ? ' class="warn" title="pooled"' : ''}>${format(a.lengthAtOne)}${a.pooledAtOne ? ' (pooled)' : ''}</td><td>${a.tracesAtOne}</td></tr>`,
    );
  }
  parts.push('</table>');
  parts.push('<h2>Per bracket</h2><table><tr><th>p</th><th>available</th><th>allocated</th><th>selected</th><th>shortfall</th><th>mean candidate length</th><th>mean chosen length</th><th>mean target</th><th>mean |chosen − target|</th></tr>');
  for (const entry of d.perBracket) {
    parts.push(
      `<tr><td>${entry.passRate.toFixed(3)}</td><td>${entry.available}</td><td>${entry.allocated}</td><td>${entry.selected}</td><td${entry.shortfall > 0 ? ' class="warn"' : ''}>${entry.shortfall}</td><td>${format(entry.meanCandidateLength)}</td><td>${format(entry.meanChosenLength)}</td><td>${format(entry.meanTargetLength)}</td><td>${format(entry.meanAbsoluteDeviation)}</td></tr>`,
    );
  }
  parts.push('</table>');
  if (result.malformed.count > 0) {
    parts.push(`<h2 class="warn">Malformed lines (${result.malformed.count}${result.malformed.truncated ? `, first ${result.malformed.listed.length} listed` : ''})</h2><table><tr><th>line</th><th>reason</th></tr>`);
    for (const entry of result.malformed.listed) parts.push(`<tr><td>${entry.line}</td><td style="text-align:left">${escapeHtml(entry.reason)}</td></tr>`);
    parts.push('</table>');
  }
  parts.push('</body></html>\n');
  return parts.join('');
}

/**
 * Writes `report.json` and `report.html` for a curation run into a directory (created if needed), each atomically.
 *
 * @param directory - the report directory
 * @param result - the result of `curateFile`
 * @returns the absolute paths of the two files
 * @throws {AresError} `IO` (parameter `directory`) when the directory or a file cannot be written
 * @remarks
 * ## Numerics
 * No arithmetic. Each file is written to a temporary name in the directory and renamed.
 * @example
 * ```ts
 * await writeCurationReport('adacs-report', result);
 * ```
 * @see SPEC.md §2.7
 */
export async function writeCurationReport(directory: string, result: CurateFileResult): Promise<{ json: string; html: string }> {
  const root = resolve(directory);
  const json = join(root, 'report.json');
  const html = join(root, 'report.html');
  try {
    await mkdir(root, { recursive: true });
    for (const [path, text] of [[json, `${JSON.stringify(curationReport(result), null, 2)}\n`], [html, curationReportHtml(result)]] as const) {
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, path);
    }
  } catch (cause) {
    throw new AresError({ code: 'IO', parameter: 'directory', value: directory, message: `directory: cannot write the report into ${root}: ${(cause as Error).message}`, cause });
  }
  return { json, html };
}
