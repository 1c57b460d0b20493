import { type DifficultyBucket, DIFFICULTY_BUCKETS } from '@ares/core';
import { hweCount, paperThreshold } from '@ares/entropy';
import type { GradingProfile } from './is-equivalent';
import type { SampleResult } from './run-evaluation';
import { bucketsOfItems, type EvaluationSummary, type GradedSample, summarizeEvaluation } from './summarize-evaluation';

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** Model name for the header. @default the `model` of the first result */
  readonly model?: string;
  /** Decoding parameters for the header. */
  readonly decoding?: Readonly<Record<string, unknown>>;
  /** Grading profile for the header. @default the profile of the first result */
  readonly profile?: GradingProfile;
  /** Run seed for the header. */
  readonly seed?: number;
  /** HWE threshold τ in nats; by default the paper estimator over all responses with entropies. */
  readonly hweThreshold?: number;
  /** Window w for HWE counts. @default 4 */
  readonly window?: number;
  /** pass@k values to report. @default [1, 4, 8, 16] */
  readonly passAtK?: readonly number[];
  /** Generation failures of the run (counted in the report). @default 0 */
  readonly failedRequests?: number;
  /** Timestamp for the header. @default now */
  readonly createdAt?: string;
}

/** An HWE-count histogram of one difficulty bucket. */
export interface HweHistogram {
  readonly bucket: DifficultyBucket;
  /** counts[i] = responses with N_HE in [i·binWidth, (i+1)·binWidth). */
  readonly counts: readonly number[];
  readonly binWidth: number;
  readonly responses: number;
}

/** The JSON report of an evaluation run (SPEC §5.4 tables plus plot data). */
export interface EvaluationReport {
  readonly version: 1;
  readonly createdAt: string;
  readonly model: string;
  readonly profile: GradingProfile | null;
  readonly seed: number | null;
  readonly decoding: Readonly<Record<string, unknown>>;
  readonly runId: string | null;
  readonly summary: EvaluationSummary;
  readonly hwe: { readonly threshold: number | null; readonly thresholdSource: 'option' | 'paper' | null; readonly window: number; readonly histograms: readonly HweHistogram[] };
  /** Accuracy against mean response length, one point per benchmark and bucket. */
  readonly accuracyVersusLength: readonly { readonly benchmark: string; readonly bucket: DifficultyBucket; readonly accuracy: number; readonly meanLength: number; readonly samples: number }[];
  readonly counts: { readonly graderTimeouts: number; readonly unanswered: number; readonly randomFallbacks: number; readonly failedRequests: number };
}

/**
 * Builds the JSON report of a run: the §5.4 summary (per benchmark and per bucket), the HWE threshold and
 * per-bucket N_HE histograms (when responses carry entropies), and the accuracy-versus-length points.
 *
 * @param results - the run's results
 * @param options - header fields, HWE settings, pass@k values
 * @returns the report
 * @throws {AresError} `EMPTY_INPUT` for no results
 * @example
 * ```ts
 * const report = buildReport(run.results, { decoding: { temperature: 1 } })
 * ```
 * @see SPEC.md §5.4, §5.5
 */
export function buildReport(results: readonly SampleResult[], options: BuildReportOptions = {}): EvaluationReport {
  const window = options.window ?? 4;
  const withEntropies = results.filter((result) => result.entropies !== null && result.entropies.length > 0);
  let threshold: number | null = null;
  let thresholdSource: 'option' | 'paper' | null = null;
  if (options.hweThreshold !== undefined) {
    threshold = options.hweThreshold;
    thresholdSource = 'option';
  } else if (withEntropies.length > 0) {
    threshold = paperThreshold(withEntropies.map((result) => result.entropies!));
    thresholdSource = 'paper';
  }
  const graded: GradedSample[] = results.map((result) => ({
    itemId: result.itemId,
    benchmark: result.benchmark,
    correct: result.correct,
    tokens: result.tokens,
    timedOut: result.timedOut,
    answered: result.answered,
    hweCount: threshold !== null && result.entropies !== null ? hweCount(result.entropies, threshold, { window }) : null,
    difficulty: result.difficulty,
    variantOf: result.variantOf,
  }));
  const summary = summarizeEvaluation(graded, options.passAtK === undefined ? {} : { passAtK: options.passAtK });
  const buckets = bucketsOfItems(graded);
  const histograms: HweHistogram[] = [];
  if (threshold !== null) {
    const maximum = Math.max(0, ...graded.map((sample) => sample.hweCount ?? 0));
    const binWidth = Math.max(1, Math.ceil((maximum + 1) / 30));
    for (const bucket of DIFFICULTY_BUCKETS) {
      const counts = new Array<number>(Math.floor(maximum / binWidth) + 1).fill(0);
      let responses = 0;
      for (const sample of graded) {
        if (sample.hweCount === null || sample.hweCount === undefined || buckets.get(`${sample.benchmark}\u0000${sample.itemId}`) !== bucket) continue;
        counts[Math.floor(sample.hweCount / binWidth)]!++;
        responses++;
      }
      if (responses > 0) histograms.push({ bucket, counts, binWidth, responses });
    }
  }
  const accuracyVersusLength = summary.benchmarks.flatMap((benchmark) =>
    benchmark.buckets.map((bucket) => ({ benchmark: benchmark.benchmark, bucket: bucket.bucket, accuracy: bucket.accuracy, meanLength: bucket.length.all.mean, samples: bucket.samples })),
  );
  const first = results[0];
  return {
    version: 1,
    createdAt: options.createdAt ?? new Date().toISOString(),
    model: options.model ?? first?.model ?? '',
    profile: options.profile ?? first?.profile ?? null,
    seed: options.seed ?? null,
    decoding: options.decoding ?? {},
    runId: first?.runId ?? null,
    summary,
    hwe: { threshold, thresholdSource, window, histograms },
    accuracyVersusLength,
    counts: {
      graderTimeouts: results.filter((result) => result.timedOut).length,
      unanswered: results.filter((result) => !result.answered).length,
      randomFallbacks: results.filter((result) => result.fallback).length,
      failedRequests: options.failedRequests ?? 0,
    },
  };
}

function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toFixed(digits);
}

function percent(value: number): string {
  return Number.isNaN(value) ? '–' : `${(100 * value).toFixed(1)}%`;
}

function headerLines(report: EvaluationReport): string[] {
  const decoding = Object.entries(report.decoding).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ') || '–';
  return [`model: ${report.model}`, `decoding: ${decoding}`, `grader profile: ${report.profile ?? '–'}`, `seed: ${report.seed ?? '–'}`, `created: ${report.createdAt}`];
}

interface Table {
  readonly id: string;
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function tables(report: EvaluationReport): Table[] {
  const ks = [...new Set(report.summary.benchmarks.flatMap((benchmark) => Object.keys(benchmark.passAtK)))].sort((a, b) => Number(a) - Number(b));
  const benchmarkTable: Table = {
    id: 'benchmarks',
    title: 'Per benchmark',
    head: ['benchmark', 'items', 'samples', 'accuracy', 'avg@k', ...ks.map((k) => `pass@${k}`), 'worst case', 'mean length', 'median', 'p90', 'length (correct)', 'length (wrong)', 'tokens/correct', 'timeouts', 'unanswered'],
    rows: report.summary.benchmarks.map((benchmark) => [
      benchmark.benchmark,
      String(benchmark.items),
      String(benchmark.samples),
      percent(benchmark.accuracy),
      percent(benchmark.averageAtK),
      ...ks.map((k) => (benchmark.passAtK[k] === undefined ? '–' : percent(benchmark.passAtK[k]!))),
      benchmark.worstCase === null ? '–' : percent(benchmark.worstCase.worstCase),
      formatNumber(benchmark.length.all.mean),
      formatNumber(benchmark.length.all.median),
      formatNumber(benchmark.length.all.p90),
      formatNumber(benchmark.length.correct.mean),
      formatNumber(benchmark.length.wrong.mean),
      formatNumber(benchmark.tokensPerCorrect),
      String(benchmark.timeouts),
      String(benchmark.unanswered),
    ]),
  };
  const bucketRows = report.summary.benchmarks.flatMap((benchmark) =>
    benchmark.buckets.map((bucket) => [
      benchmark.benchmark,
      bucket.bucket,
      String(bucket.items),
      percent(bucket.accuracy),
      formatNumber(bucket.length.all.mean),
      formatNumber(bucket.meanHweCount, 2),
      formatNumber(bucket.tokensPerCorrect),
    ]),
  );
  const overallBuckets = report.summary.buckets.map((bucket) => [
    'all',
    bucket.bucket,
    String(bucket.items),
    percent(bucket.accuracy),
    formatNumber(bucket.length.all.mean),
    formatNumber(bucket.meanHweCount, 2),
    formatNumber(bucket.tokensPerCorrect),
  ]);
  return [
    benchmarkTable,
    { id: 'buckets', title: 'Per difficulty bucket', head: ['benchmark', 'bucket', 'items', 'accuracy', 'mean length', 'mean N_HE', 'tokens/correct'], rows: [...bucketRows, ...overallBuckets] },
  ];
}

function markdownTable(table: Table): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [`| ${table.head.map(escape).join(' | ')} |`, `| ${table.head.map(() => '---').join(' | ')} |`, ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

/**
 * The report as Markdown: a header (model, decoding, grader profile, seed) and the per-benchmark and
 * per-bucket tables.
 * @param report - from {@link buildReport}
 * @returns Markdown text
 * @example
 * ```ts
 * writeFileSync('report.md', renderMarkdown(report))
 * ```
 * @see SPEC.md §5.4 (Tables)
 */
export function renderMarkdown(report: EvaluationReport): string {
  const parts = ['# Evaluation report', '', ...headerLines(report).map((line) => `- ${line}`), ''];
  for (const table of tables(report)) parts.push(`## ${table.title}`, '', markdownTable(table), '');
  const { counts, hwe } = report;
  parts.push('## Counts', '', `- grader timeouts: ${counts.graderTimeouts}`, `- unanswered: ${counts.unanswered}`, `- random fallbacks: ${counts.randomFallbacks}`, `- failed requests: ${counts.failedRequests}`);
  parts.push(`- HWE threshold: ${hwe.threshold === null ? '–' : `${hwe.threshold.toFixed(4)} nats (${hwe.thresholdSource}, window ${hwe.window})`}`, '');
  return parts.join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const BUCKET_COLORS: Readonly<Record<DifficultyBucket, string>> = { easy: '#2a9d8f', medium: '#e9c46a', hard: '#e76f51' };

function scatterSvg(report: EvaluationReport): string {
  const width = 420;
  const height = 260;
  const margin = { left: 48, right: 12, top: 12, bottom: 36 };
  const points = report.accuracyVersusLength.filter((point) => Number.isFinite(point.meanLength) && Number.isFinite(point.accuracy));
  const maxLength = Math.max(1, ...points.map((point) => point.meanLength));
  const x = (length: number): number => margin.left + (length / maxLength) * (width - margin.left - margin.right);
  const y = (accuracy: number): number => height - margin.bottom - accuracy * (height - margin.top - margin.bottom);
  const circles = points
    .map((point) => `<circle cx="${x(point.meanLength).toFixed(1)}" cy="${y(point.accuracy).toFixed(1)}" r="5" fill="${BUCKET_COLORS[point.bucket]}"><title>${escapeHtml(`${point.benchmark} ${point.bucket}: ${percent(point.accuracy)} at ${point.meanLength.toFixed(0)} tokens`)}</title></circle>`)
    .join('');
  const axes = `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="#333"/><line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="#333"/>`;
  const labels = `<text x="${width / 2}" y="${height - 6}" text-anchor="middle" font-size="12">mean response length (tokens, max ${maxLength.toFixed(0)})</text><text x="12" y="${height / 2}" font-size="12" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">accuracy</text><text x="${margin.left - 4}" y="${y(1) + 4}" font-size="10" text-anchor="end">100%</text><text x="${margin.left - 4}" y="${y(0)}" font-size="10" text-anchor="end">0%</text>`;
  return `<svg id="accuracy-vs-length" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="accuracy versus length per bucket">${axes}${labels}${circles}</svg>`;
}

function histogramSvg(histogram: HweHistogram): string {
  const width = 260;
  const height = 140;
  const margin = { left: 8, right: 8, top: 18, bottom: 22 };
  const maximum = Math.max(1, ...histogram.counts);
  const barWidth = (width - margin.left - margin.right) / histogram.counts.length;
  const bars = histogram.counts
    .map((count, index) => {
      const barHeight = (count / maximum) * (height - margin.top - margin.bottom);
      return `<rect x="${(margin.left + index * barWidth).toFixed(1)}" y="${(height - margin.bottom - barHeight).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${BUCKET_COLORS[histogram.bucket]}"><title>N_HE ${index * histogram.binWidth}–${(index + 1) * histogram.binWidth - 1}: ${count}</title></rect>`;
    })
    .join('');
  return `<svg class="hwe-histogram" data-bucket="${histogram.bucket}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="HWE count histogram, ${histogram.bucket}"><text x="${margin.left}" y="12" font-size="12">${histogram.bucket} (${histogram.responses} responses)</text>${bars}<text x="${margin.left}" y="${height - 6}" font-size="10">0</text><text x="${width - margin.right}" y="${height - 6}" font-size="10" text-anchor="end">N_HE ${histogram.counts.length * histogram.binWidth - 1}</text></svg>`;
}

/**
 * The report as one self-contained HTML page (inline CSS and SVG, no scripts, no external resources): header,
 * tables, accuracy versus length per bucket, and HWE-count histograms per bucket.
 * @param report - from {@link buildReport}
 * @returns the HTML document
 * @example
 * ```ts
 * writeFileSync('report.html', renderHtml(report))
 * ```
 * @see SPEC.md §5.4, §5.5
 */
export function renderHtml(report: EvaluationReport): string {
  const htmlTables = tables(report)
    .map((table) => `<h2>${escapeHtml(table.title)}</h2><table id="${table.id}"><thead><tr>${table.head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`)
    .join('');
  const histograms = report.hwe.histograms.length === 0 ? '<p>No per-token entropies in these results.</p>' : report.hwe.histograms.map(histogramSvg).join('');
  const threshold = report.hwe.threshold === null ? '' : `<p>HWE threshold τ = ${report.hwe.threshold.toFixed(4)} nats (${report.hwe.thresholdSource}), window ${report.hwe.window}.</p>`;
  const counts = report.counts;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation report: ${escapeHtml(report.model)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child,td:nth-child(2){text-align:left}th{background:#f4f4f4}svg{margin:.5rem;background:#fafafa}.legend span{display:inline-block;margin-right:1rem}</style>
</head><body>
<h1>Evaluation report</h1>
<ul id="header">${headerLines(report).map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
${htmlTables}
<h2>Accuracy versus length per bucket</h2>
<p class="legend">${DIFFICULTY_BUCKETS.map((bucket) => `<span style="color:${BUCKET_COLORS[bucket]}">● ${bucket}</span>`).join('')}</p>
${scatterSvg(report)}
<h2>HWE-count histograms</h2>
${threshold}${histograms}
<h2>Counts</h2>
<ul id="counts"><li>grader timeouts: ${counts.graderTimeouts}</li><li>unanswered: ${counts.unanswered}</li><li>random fallbacks: ${counts.randomFallbacks}</li><li>failed requests: ${counts.failedRequests}</li></ul>
</body></html>
`;
}
