import { DIFFICULTY_BUCKETS, type DifficultyBucket } from '@ares/core';
import {
  STAGE_NAMES,
  type BucketEvaluation,
  type ReportData,
  type ResponseSample,
  type RlBucketRecord,
  type RlStepRecord,
  type StageName,
} from './types';

// ---------------------------------------------------------------------------------------------------------------
// Text and number formatting
// ---------------------------------------------------------------------------------------------------------------

/** What the report shows for a missing, null, NaN or infinite value: an en dash. */
export const MISSING_VALUE = '\u2013';

const HTML_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
});

/**
 * Escapes `&`, `<`, `>`, `"` and `'` so that `text` is safe both as element content and as a quoted attribute value.
 *
 * @param text - any string
 * @returns the escaped string
 * @example
 * ```ts
 * escapeHtml('<think>') // '&lt;think&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `value.toFixed(digits)` without a negative zero (`-0.0` → `0.0`); a dash for null and non-finite values. */
function formatFixed(value: number | null | undefined, digits: number): string {
  if (!isFiniteNumber(value)) return MISSING_VALUE;
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A fraction as a percentage with `digits` decimals: 0.675 → `67.5%`. */
function formatPercent(fraction: number | null | undefined, digits = 1): string {
  return isFiniteNumber(fraction) ? `${formatFixed(fraction * 100, digits)}%` : MISSING_VALUE;
}

/** A count, rounded to an integer. */
function formatCount(value: number | null | undefined): string {
  return formatFixed(value, 0);
}

/** Seconds: two decimals below 10 s, one above. */
function formatSeconds(value: number | null | undefined): string {
  return isFiniteNumber(value) ? formatFixed(value, Math.abs(value) < 10 ? 2 : 1) : MISSING_VALUE;
}

/** A free-standing number (τ, a step value): four significant digits, no exponent between 1e-3 and 1e6. */
function formatGeneral(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return MISSING_VALUE;
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(2);
  if (magnitude >= 1000) return formatFixed(value, 0);
  return String(Number(value.toPrecision(4)));
}

// ---------------------------------------------------------------------------------------------------------------
// Chart geometry
// ---------------------------------------------------------------------------------------------------------------

interface Domain {
  readonly min: number;
  readonly max: number;
  /** Distance between ticks. */
  readonly step: number;
}

/** The 1-2-5 step that splits `span` into about `count` intervals. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const factor = normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10;
  return factor * magnitude;
}

/** Decimals needed to print multiples of `step` exactly (step 0.05 → 2, step 2 → 0). */
function decimalsOf(step: number): number {
  return Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
}

/** Multiples of `domain.step` inside the domain. */
function ticksOf(domain: Domain): number[] {
  const first = Math.ceil(domain.min / domain.step - 1e-9);
  const last = Math.floor(domain.max / domain.step + 1e-9);
  if (!Number.isFinite(first) || !Number.isFinite(last)) return [];
  const ticks: number[] = [];
  for (let index = first; index <= last && ticks.length < 50; index++) ticks.push(index * domain.step);
  return ticks;
}

/** The range of the finite `values`, widened when empty or a single value. */
function extentOf(values: readonly number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max) || !Number.isFinite(max - min)) return [0, 1];
  if (max - min < 1e-300) {
    const pad = Math.abs(min) > 1e-300 ? Math.abs(min) * 0.5 : 1;
    return [min - pad, max + pad];
  }
  return [min, max];
}

/** A value axis: a fixed range if given, else the data range rounded out to whole ticks. */
function valueDomain(values: readonly number[], fixed: readonly [number, number] | undefined): Domain {
  if (fixed !== undefined && Number.isFinite(fixed[1] - fixed[0]) && fixed[1] > fixed[0]) {
    return { min: fixed[0], max: fixed[1], step: niceStep(fixed[1] - fixed[0], 5) };
  }
  const [low, high] = extentOf(values);
  const step = niceStep(high - low, 5);
  return { min: Math.floor(low / step) * step, max: Math.ceil(high / step) * step, step };
}

/** A step axis: exactly the data range, ticks at whole numbers when every x is an integer. */
function stepDomain(values: readonly number[]): Domain {
  const integers = values.every(Number.isInteger);
  const [low, high] = values.length > 0 && integers && values.every((value) => value === values[0])
    ? [values[0]! - 1, values[0]! + 1]
    : extentOf(values);
  const step = niceStep(high - low, 6);
  return { min: low, max: high, step: integers ? Math.max(1, step) : step };
}

/** `value` rounded to one decimal, the precision of every SVG coordinate (0.1 user units). */
function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Maps `value` from `domain` onto [from, to], clamped to it, rounded to 0.1. */
function scale(value: number, domain: Domain, from: number, to: number): number {
  const fraction = Math.min(1, Math.max(0, (value - domain.min) / (domain.max - domain.min)));
  return round1(from + (Number.isFinite(fraction) ? fraction : 0.5) * (to - from));
}

/** A tick label: decimals from the tick step, as a percentage when `percent`; exponent form for extreme scales. */
function tickLabel(value: number, step: number, percent: boolean): string {
  const [shown, shownStep, suffix] = percent ? [value * 100, step * 100, '%'] : [value, step, ''];
  const decimals = decimalsOf(shownStep);
  if (decimals > 8 || Math.abs(shown) >= 1e9) return `${shown === 0 ? '0' : shown.toExponential(2)}${suffix}`;
  return `${formatFixed(shown, decimals)}${suffix}`;
}

/** Width of `text` at the charts' 11 px font, estimated (6.2 px a character). */
function textWidth(text: string): number {
  return text.length * 6.2;
}

interface LegendItem {
  readonly name: string;
  readonly color: string;
}

interface Layout {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Legend rows (wrapped at `maxWidth`) as SVG, and the height they take. */
function renderLegend(items: readonly LegendItem[], x0: number, y0: number, maxWidth: number): { svg: string; height: number } {
  const parts: string[] = [];
  let x = x0;
  let row = 0;
  for (const item of items) {
    const itemWidth = 18 + textWidth(item.name) + 14;
    if (x > x0 && x + itemWidth > x0 + maxWidth) {
      x = x0;
      row++;
    }
    const y = y0 + row * 15;
    const color = escapeHtml(item.color);
    parts.push(
      `<line x1="${round1(x)}" y1="${y}" x2="${round1(x + 14)}" y2="${y}" stroke="${color}" stroke-width="3" stroke-linecap="round"/>`,
      `<text x="${round1(x + 18)}" y="${y}" dy="0.32em">${escapeHtml(item.name)}</text>`,
    );
    x += itemWidth;
  }
  return { svg: parts.join(''), height: items.length === 0 ? 0 : (row + 1) * 15 };
}

/** The chart frame: `<svg>` with a viewBox, an accessible title, the visible title and the legend. */
function chartFrame(title: string, width: number, height: number, legend: readonly LegendItem[]): { open: string; legend: string; top: number } {
  const legendBlock = renderLegend(legend, 12, 38, width - 24);
  const open =
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" font-size="11" fill="#1f2328" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title>` +
    `<text x="12" y="20" font-size="13" font-weight="600">${escapeHtml(title)}</text>`;
  return { open, legend: legendBlock.svg, top: 38 + legendBlock.height + 6 };
}

/** Horizontal grid lines and labels of a value axis, plus the rotated axis label. */
function renderValueAxis(domain: Domain, layout: Layout, label: string, percent: boolean): string {
  const parts: string[] = [];
  for (const tick of ticksOf(domain)) {
    const y = scale(tick, domain, layout.height - layout.bottom, layout.top);
    parts.push(
      `<line x1="${layout.left}" y1="${y}" x2="${layout.width - layout.right}" y2="${y}" stroke="#e4e8ec"/>`,
      `<text x="${layout.left - 6}" y="${y}" dy="0.32em" text-anchor="end" fill="#59636e">${tickLabel(tick, domain.step, percent)}</text>`,
    );
  }
  const middle = Math.round((layout.top + layout.height - layout.bottom) / 2);
  parts.push(`<text transform="translate(14 ${middle}) rotate(-90)" x="0" y="0" text-anchor="middle" fill="#59636e">${escapeHtml(label)}</text>`);
  return parts.join('');
}

/** The bottom axis line and the axis label. */
function renderBaseAxis(layout: Layout, label: string): string {
  const y = layout.height - layout.bottom;
  return (
    `<line x1="${layout.left}" y1="${y}" x2="${layout.width - layout.right}" y2="${y}" stroke="#8c959f"/>` +
    `<text x="${Math.round((layout.left + layout.width - layout.right) / 2)}" y="${layout.height - 8}" text-anchor="middle" fill="#59636e">${escapeHtml(label)}</text>`
  );
}

/** "No data" in the middle of the plot area. */
function renderNoData(layout: Layout): string {
  const x = Math.round((layout.left + layout.width - layout.right) / 2);
  const y = Math.round((layout.top + layout.height - layout.bottom) / 2);
  return (
    `<rect x="${layout.left}" y="${layout.top}" width="${layout.width - layout.left - layout.right}" height="${layout.height - layout.bottom - layout.top}" fill="#f6f8fa" stroke="#d1d9e0"/>` +
    `<text x="${x}" y="${y}" dy="0.32em" text-anchor="middle" fill="#59636e">No data</text>`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Line chart
// ---------------------------------------------------------------------------------------------------------------

/** One line of a {@link lineChart}. */
export interface LineSeries {
  /** Legend text. */
  readonly name: string;
  /** Any SVG colour, e.g. `#0072B2`. */
  readonly color: string;
  /** `[x, y]` pairs in drawing order; a `null` or non-finite y (or x) breaks the line there. */
  readonly points: readonly (readonly [number, number | null])[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /**
   * Fixed y range, e.g. `[0, 1]` for accuracies; values outside are drawn at the edge.
   * @default the data range, rounded out to whole ticks
   */
  readonly yDomain?: readonly [number, number];
  /**
   * Label y ticks as percentages (0.25 → `25%`).
   * @default false
   */
  readonly percent?: boolean;
  /**
   * viewBox width.
   * @default 360
   */
  readonly width?: number;
  /**
   * viewBox height.
   * @default 240
   */
  readonly height?: number;
}

/** Series with at most this many points get a marker at every point. */
const MARKER_LIMIT = 24;

/** Splits a series into runs of consecutive finite points. */
function segmentsOf(points: LineSeries['points']): [number, number][][] {
  const segments: [number, number][][] = [];
  let current: [number, number][] = [];
  for (const [x, y] of points) {
    if (isFiniteNumber(x) && isFiniteNumber(y)) {
      current.push([x, y]);
    } else if (current.length > 0) {
      segments.push(current);
      current = [];
    }
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/** One series as SVG: a path per segment, and circles for isolated points (or every point of a short series). */
function renderLineSeries(series: LineSeries, xDomain: Domain, yDomain: Domain, layout: Layout): string {
  const segments = segmentsOf(series.points);
  const total = segments.reduce((sum, segment) => sum + segment.length, 0);
  const color = escapeHtml(series.color);
  const parts: string[] = [];
  for (const segment of segments) {
    const coordinates = segment.map(([x, y]) => [
      scale(x, xDomain, layout.left, layout.width - layout.right),
      scale(y, yDomain, layout.height - layout.bottom, layout.top),
    ] as const);
    if (coordinates.length > 1) {
      const d = coordinates.map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${x} ${y}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`);
    }
    if (coordinates.length === 1 || total <= MARKER_LIMIT) {
      for (const [x, y] of coordinates) parts.push(`<circle cx="${x}" cy="${y}" r="${coordinates.length === 1 ? 3 : 2.2}" fill="${color}"/>`);
    }
  }
  return `<g>${parts.join('')}</g>`;
}

/** Tick marks and labels of the step (x) axis. */
function renderStepTicks(domain: Domain, layout: Layout): string {
  const y = layout.height - layout.bottom;
  return ticksOf(domain)
    .map((tick) => {
      const x = scale(tick, domain, layout.left, layout.width - layout.right);
      return `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="#8c959f"/><text x="${x}" y="${y + 15}" text-anchor="middle" fill="#59636e">${tickLabel(tick, domain.step, false)}</text>`;
    })
    .join('');
}

/**
 * A line chart as one self-contained inline `<svg>` with a viewBox, axes, tick labels, grid lines and a legend.
 *
 * The x axis spans exactly the data's x range (whole-number ticks when every x is an integer); the y axis spans
 * `yDomain` or the data range rounded out to 1-2-5 ticks. Coordinates are rounded to 0.1 and clamped to the plot
 * area, so they are always finite and inside the viewBox.
 *
 * @param options - title, axis labels, series and layout; see {@link LineChartOptions}
 * @returns the `<svg>` element as an HTML string (user text escaped)
 * @remarks A `null`, NaN or infinite y breaks the line; an isolated point is drawn as a dot. A chart without any
 *   finite point shows "No data". A single x value gets a range of ±1 around it.
 * @example
 * ```ts
 * lineChart({ title: 'Loss', xLabel: 'step', yLabel: 'nats',
 *   series: [{ name: 'base', color: '#999', points: [[1, 3.2], [2, 2.9], [3, null], [4, 2.1]] }] })
 * ```
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 360;
  const height = options.height ?? 240;
  const frame = chartFrame(options.title, width, height, options.series);
  const layout: Layout = { width, height, left: 56, right: 14, top: frame.top, bottom: 44 };
  const finite = options.series.flatMap((series) => segmentsOf(series.points).flat());
  const body: string[] = [frame.open, frame.legend];
  if (finite.length === 0) {
    body.push(renderNoData(layout));
  } else {
    const xDomain = stepDomain(finite.map(([x]) => x));
    const yDomain = valueDomain(finite.map(([, y]) => y), options.yDomain);
    body.push(
      renderValueAxis(yDomain, layout, options.yLabel, options.percent ?? false),
      renderStepTicks(xDomain, layout),
      ...options.series.map((series) => renderLineSeries(series, xDomain, yDomain, layout)),
    );
  }
  body.push(renderBaseAxis(layout, options.xLabel), '</svg>');
  return body.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Bar chart
// ---------------------------------------------------------------------------------------------------------------

/** One bar colour of a {@link barChart}: a value per group. */
export interface BarSeries {
  readonly name: string;
  readonly color: string;
  /** One value per group, in group order; `null` or non-finite draws no bar but a dash. */
  readonly values: readonly (number | null)[];
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  /** Group labels along the x axis. */
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  /**
   * Fixed y range.
   * @default from min(0, data) to the data maximum, rounded out to whole ticks
   */
  readonly yDomain?: readonly [number, number];
  /**
   * Label ticks and bars as percentages.
   * @default false
   */
  readonly percent?: boolean;
  /**
   * Decimals of the value printed above each bar (after the percentage conversion).
   * @default 1
   */
  readonly valueDigits?: number;
  /**
   * viewBox width.
   * @default 520
   */
  readonly width?: number;
  /**
   * viewBox height.
   * @default 300
   */
  readonly height?: number;
}

/** One group's bars with their value labels. */
function renderBarGroup(options: BarChartOptions, group: number, domain: Domain, layout: Layout): string {
  const groupWidth = (layout.width - layout.left - layout.right) / options.groups.length;
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.series.length);
  const x0 = layout.left + group * groupWidth + groupWidth * 0.1;
  const baseline = scale(0, domain, layout.height - layout.bottom, layout.top);
  const parts: string[] = [];
  options.series.forEach((series, index) => {
    const value = series.values[group];
    const x = x0 + index * barWidth;
    const center = round1(x + barWidth / 2);
    if (!isFiniteNumber(value)) {
      parts.push(`<text x="${center}" y="${round1(baseline - 4)}" text-anchor="middle" fill="#59636e">${MISSING_VALUE}</text>`);
      return;
    }
    const top = scale(value, domain, layout.height - layout.bottom, layout.top);
    const y = Math.min(top, baseline);
    const label = options.percent ? formatPercent(value, options.valueDigits ?? 1) : formatFixed(value, options.valueDigits ?? 1);
    parts.push(
      `<rect x="${round1(x + 1)}" y="${y}" width="${round1(Math.max(0, barWidth - 2))}" height="${round1(Math.abs(baseline - top))}" fill="${escapeHtml(series.color)}"/>`,
      `<text x="${center}" y="${round1(Math.max(layout.top + 8, y - 4))}" text-anchor="middle" font-size="9.5">${label}</text>`,
    );
  });
  const labelX = Math.round(layout.left + (group + 0.5) * groupWidth);
  parts.push(`<text x="${labelX}" y="${layout.height - layout.bottom + 16}" text-anchor="middle">${escapeHtml(options.groups[group] ?? '')}</text>`);
  return parts.join('');
}

/**
 * A grouped bar chart as one self-contained inline `<svg>`: one group per entry of `groups`, one bar per series in
 * each group, the value printed above each bar.
 *
 * @param options - title, label, groups, series; see {@link BarChartOptions}
 * @returns the `<svg>` element as an HTML string (user text escaped)
 * @remarks A missing (null or non-finite) value draws a dash instead of a bar. Without groups or finite values
 *   the chart shows "No data".
 * @example
 * ```ts
 * barChart({ title: 'Accuracy', yLabel: 'accuracy', groups: ['easy', 'hard'], percent: true, yDomain: [0, 1],
 *   series: [{ name: 'GRPO', color: '#0072B2', values: [0.8, null] }] })
 * ```
 */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 300;
  const frame = chartFrame(options.title, width, height, options.series);
  const layout: Layout = { width, height, left: 56, right: 14, top: frame.top + 10, bottom: 40 };
  const values = options.series.flatMap((series) => series.values.filter(isFiniteNumber));
  const body: string[] = [frame.open, frame.legend];
  if (options.groups.length === 0 || values.length === 0) {
    body.push(renderNoData(layout));
    for (let group = 0; group < options.groups.length; group++) {
      const x = Math.round(layout.left + ((group + 0.5) * (width - layout.left - layout.right)) / options.groups.length);
      body.push(`<text x="${x}" y="${height - layout.bottom + 16}" text-anchor="middle">${escapeHtml(options.groups[group] ?? '')}</text>`);
    }
  } else {
    const domain = valueDomain([0, ...values], options.yDomain);
    body.push(renderValueAxis(domain, layout, options.yLabel, options.percent ?? false));
    for (let group = 0; group < options.groups.length; group++) body.push(renderBarGroup(options, group, domain, layout));
  }
  const y = height - layout.bottom;
  body.push(`<line x1="${layout.left}" y1="${y}" x2="${width - layout.right}" y2="${y}" stroke="#8c959f"/>`, '</svg>');
  return body.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Report sections
// ---------------------------------------------------------------------------------------------------------------

/** Display names of the stages. */
const STAGE_LABELS: Readonly<Record<StageName | 'base', string>> = Object.freeze({
  base: 'Base SFT',
  coldStart: 'Cold start',
  grpo: 'GRPO',
  aepo: 'AEPO',
});

/** Colours (Okabe-Ito, colour-blind safe) of the stages and buckets. */
const STAGE_COLORS: Readonly<Record<StageName | 'base', string>> = Object.freeze({
  base: '#8c8c8c',
  coldStart: '#009E73',
  grpo: '#0072B2',
  aepo: '#D55E00',
});
const BUCKET_COLORS: Readonly<Record<DifficultyBucket, string>> = Object.freeze({
  easy: '#56B4E9',
  medium: '#E69F00',
  hard: '#CC79A7',
});

/** viewBox size of the line charts shown two to a row. */
const WIDE_CHART = Object.freeze({ width: 520, height: 300 });

/** The RL stages, in pipeline order. */
const RL_STAGES = ['grpo', 'aepo'] as const;

/** A `<section>` with an id and a heading. */
function section(id: string, heading: string, content: string): string {
  return `<section id="${id}"><h2>${escapeHtml(heading)}</h2>${content}</section>`;
}

/** A paragraph for a section without data. */
function emptyNote(text: string): string {
  return `<p class="empty">${escapeHtml(text)}</p>`;
}

/** A figure holding charts in a responsive grid of `columns` columns. */
function chartGrid(charts: readonly string[], columns: 1 | 2 | 3): string {
  return `<div class="charts cols-${columns}">${charts.map((chart) => `<figure class="chart">${chart}</figure>`).join('')}</div>`;
}

function renderHeader(data: ReportData): string {
  const meta: [string, string][] = [
    ['Generated', data.generatedAt],
    ['Preset', data.preset],
    ['Backend', data.backend],
    ['HWE threshold τ (evaluation)', formatGeneral(data.evaluationThreshold)],
  ];
  const items = meta.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('');
  const links = [
    ['evaluation', 'Held-out evaluation'],
    ['sft', 'Supervised training'],
    ['rl', 'Reinforcement learning'],
    ['comparison', 'Held-out comparison'],
    ['curation', 'AdaCS curation'],
    ['samples', 'Samples'],
    ['timings', 'Timings'],
    ['config', 'Configuration'],
  ]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join(' · ');
  return `<header><h1>${escapeHtml(data.title)}</h1><dl class="meta">${items}</dl><nav>${links}</nav></header>`;
}

/** The evaluation of `stage` on `bucket`, if any. */
function evaluationOf(data: ReportData, stage: StageName, bucket: DifficultyBucket): BucketEvaluation | undefined {
  return data.summary.stages[stage]?.[bucket];
}

function renderEvaluationTable(data: ReportData): string {
  const groupHeads = STAGE_NAMES.map((stage) => `<th scope="colgroup" colspan="4" class="group">${STAGE_LABELS[stage]}</th>`).join('');
  const columnHeads = STAGE_NAMES.map(() => '<th scope="col" class="num group-start">Acc.</th><th scope="col" class="num">Len.</th><th scope="col" class="num">HWE</th><th scope="col" class="num">n</th>').join('');
  const rows = DIFFICULTY_BUCKETS.map((bucket) => {
    const cells = STAGE_NAMES.map((stage) => {
      const evaluation = evaluationOf(data, stage, bucket);
      return (
        `<td class="num group-start">${formatPercent(evaluation?.accuracy)}</td>` +
        `<td class="num">${formatFixed(evaluation?.meanLength, 1)}</td>` +
        `<td class="num">${formatFixed(evaluation?.meanHweCount, 2)}</td>` +
        `<td class="num">${formatCount(evaluation?.n)}</td>`
      );
    }).join('');
    return `<tr data-bucket="${bucket}"><th scope="row">${bucket}</th>${cells}</tr>`;
  }).join('');
  const caption =
    `Held-out responses per difficulty bucket (rows) after each stage (column groups). ` +
    `<b>Acc.</b>: share of correct answers; <b>Len.</b>: mean response length in tokens; ` +
    `<b>HWE</b>: mean number of high-window-entropy positions per response (window entropy ≥ τ = ${escapeHtml(formatGeneral(data.evaluationThreshold))}); ` +
    `<b>n</b>: responses evaluated. ${MISSING_VALUE} marks a stage not evaluated or a bucket without responses.`;
  const table =
    `<div class="table-wrap"><table class="evaluation"><caption>${caption}</caption>` +
    `<thead><tr><th scope="col" rowspan="2">Bucket</th>${groupHeads}</tr><tr>${columnHeads}</tr></thead>` +
    `<tbody>${rows}</tbody></table></div>`;
  return section('evaluation', 'Held-out evaluation', table);
}

function renderSft(data: ReportData): string {
  if (data.sft.length === 0) return section('sft', 'Supervised training', emptyNote('No supervised steps recorded.'));
  const series = (['base', 'coldStart'] as const).map((stage) => ({
    name: STAGE_LABELS[stage],
    color: STAGE_COLORS[stage],
    points: data.sft.filter((record) => record.stage === stage).map((record) => [record.step, record.loss] as const),
  }));
  const chart = lineChart({ title: 'SFT loss', xLabel: 'step', yLabel: 'cross-entropy (nats)', series, ...WIDE_CHART });
  return section('sft', 'Supervised training', chartGrid([chart], 2));
}

type RlBucketMetric = 'accuracy' | 'meanLength' | 'meanHweCount' | 'alpha' | 'klCoefficient';

/** `[step, value]` of one bucket metric over the steps of one RL stage. */
function rlPoints(data: ReportData, stage: RlStepRecord['stage'], bucket: DifficultyBucket, metric: RlBucketMetric): (readonly [number, number | null])[] {
  return data.rl
    .filter((record) => record.stage === stage)
    .map((record) => {
      const figures: RlBucketRecord | undefined = record.buckets[bucket];
      return [record.step, figures?.[metric] ?? null] as const;
    });
}

/** The shared y range of one metric over all buckets and RL stages, so the per-bucket charts compare. */
function sharedRange(data: ReportData, metric: RlBucketMetric): readonly [number, number] | undefined {
  const values = data.rl.flatMap((record) => DIFFICULTY_BUCKETS.map((bucket) => record.buckets[bucket]?.[metric])).filter(isFiniteNumber);
  if (values.length === 0) return undefined;
  const domain = valueDomain(values, undefined);
  return [domain.min, domain.max];
}

interface RlMetricRow {
  readonly metric: RlBucketMetric;
  readonly heading: string;
  readonly yLabel: string;
  readonly percent: boolean;
}

const RL_METRIC_ROWS: readonly RlMetricRow[] = Object.freeze([
  { metric: 'accuracy', heading: 'Accuracy', yLabel: 'accuracy', percent: true },
  { metric: 'meanLength', heading: 'Mean response length', yLabel: 'tokens', percent: false },
  { metric: 'meanHweCount', heading: 'Mean HWE count', yLabel: 'HWE positions', percent: false },
  { metric: 'klCoefficient', heading: 'KL coefficient κ', yLabel: 'κ', percent: false },
]);

/** One metric: a chart per bucket, GRPO and AEPO in each. */
function renderRlMetricRow(data: ReportData, row: RlMetricRow): string {
  const yDomain = row.metric === 'accuracy' ? ([0, 1] as const) : sharedRange(data, row.metric);
  const charts = DIFFICULTY_BUCKETS.map((bucket) =>
    lineChart({
      title: `${row.heading} · ${bucket}`,
      xLabel: 'step',
      yLabel: row.yLabel,
      percent: row.percent,
      ...(yDomain === undefined ? {} : { yDomain }),
      series: RL_STAGES.map((stage) => ({ name: STAGE_LABELS[stage], color: STAGE_COLORS[stage], points: rlPoints(data, stage, bucket, row.metric) })),
    }),
  );
  return `<h3>${escapeHtml(row.heading)}</h3>${chartGrid(charts, 3)}`;
}

function renderRl(data: ReportData): string {
  if (data.rl.length === 0) return section('rl', 'Reinforcement learning', emptyNote('No RL steps recorded.'));
  const intro =
    '<p class="note">GRPO (baseline) and AEPO, each over its own steps; one chart per difficulty bucket. ' +
    'A gap in a line is a step without a rollout of that bucket.</p>';
  const alpha = lineChart({
    title: 'Entropy-shaping scale α (AEPO)',
    ...WIDE_CHART,
    xLabel: 'step',
    yLabel: 'α',
    series: DIFFICULTY_BUCKETS.map((bucket) => ({ name: bucket, color: BUCKET_COLORS[bucket], points: rlPoints(data, 'aepo', bucket, 'alpha') })),
  });
  const threshold = lineChart({
    title: 'HWE threshold τ',
    ...WIDE_CHART,
    xLabel: 'step',
    yLabel: 'τ (nats)',
    series: RL_STAGES.map((stage) => ({
      name: STAGE_LABELS[stage],
      color: STAGE_COLORS[stage],
      points: data.rl.filter((record) => record.stage === stage).map((record) => [record.step, record.threshold] as const),
    })),
  });
  const rows = RL_METRIC_ROWS.map((row) => renderRlMetricRow(data, row)).join('');
  return section('rl', 'Reinforcement learning', `${intro}${rows}<h3>α and τ</h3>${chartGrid([alpha, threshold], 2)}`);
}

function renderComparison(data: ReportData): string {
  const series = (metric: 'accuracy' | 'meanLength') =>
    STAGE_NAMES.map((stage) => ({
      name: STAGE_LABELS[stage],
      color: STAGE_COLORS[stage],
      values: DIFFICULTY_BUCKETS.map((bucket) => evaluationOf(data, stage, bucket)?.[metric] ?? null),
    }));
  const accuracy = barChart({ title: 'Held-out accuracy', yLabel: 'accuracy', groups: DIFFICULTY_BUCKETS, series: series('accuracy'), percent: true, yDomain: [0, 1] });
  const length = barChart({ title: 'Held-out mean response length', yLabel: 'tokens', groups: DIFFICULTY_BUCKETS, series: series('meanLength') });
  return section('comparison', 'Held-out comparison', chartGrid([accuracy, length], 2));
}

function renderCuration(data: ReportData): string {
  if (data.curation.length === 0) return section('curation', 'AdaCS curation', emptyNote('No curation recorded.'));
  const verbosities = [...new Set(data.curation.map((entry) => entry.verbosity))];
  const counts = new Map<string, number>();
  for (const entry of data.curation) {
    const key = `${entry.bucket}\u0000${entry.verbosity}`;
    counts.set(key, (counts.get(key) ?? 0) + entry.count);
  }
  const countOf = (bucket: DifficultyBucket, verbosity: string) => counts.get(`${bucket}\u0000${verbosity}`) ?? 0;
  const head = `<tr><th scope="col">Bucket</th>${verbosities.map((verbosity) => `<th scope="col" class="num">${escapeHtml(verbosity)}</th>`).join('')}<th scope="col" class="num">Total</th></tr>`;
  const rows = DIFFICULTY_BUCKETS.map((bucket) => {
    const cells = verbosities.map((verbosity) => `<td class="num">${formatCount(countOf(bucket, verbosity))}</td>`).join('');
    const total = verbosities.reduce((sum, verbosity) => sum + countOf(bucket, verbosity), 0);
    return `<tr><th scope="row">${bucket}</th>${cells}<td class="num total">${formatCount(total)}</td></tr>`;
  }).join('');
  const note = '<p class="note">Problems per difficulty bucket (rows) by the verbosity of the cold-start trace AdaCS picked for them (columns).</p>';
  return section('curation', 'AdaCS curation', `${note}<div class="table-wrap"><table class="curation"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`);
}

/** The response tokens, HWE tokens wrapped in `<mark>`. */
function renderTokens(sample: ResponseSample): string {
  return sample.tokens
    .map((token, index) => (sample.hwe[index] === true ? `<mark class="hwe">${escapeHtml(token)}</mark>` : escapeHtml(token)))
    .join('');
}

function renderSample(sample: ResponseSample): string {
  const verdict = sample.correct ? '<span class="verdict ok">✓ correct</span>' : '<span class="verdict bad">✗ incorrect</span>';
  const stage = STAGE_LABELS[sample.stage] ?? sample.stage;
  const hweCount = sample.tokens.reduce((count, _token, index) => count + (sample.hwe[index] === true ? 1 : 0), 0);
  return (
    `<article class="sample"><div class="sample-head"><span class="tag">${escapeHtml(stage)}</span><span class="tag">${escapeHtml(sample.bucket)}</span>` +
    `<code>${escapeHtml(sample.problemId)}</code>${verdict}<span class="muted">${sample.tokens.length} tokens, ${hweCount} HWE</span></div>` +
    `<dl class="qa"><dt>Prompt</dt><dd class="prompt">${escapeHtml(sample.prompt)}</dd><dt>Gold</dt><dd><code>${escapeHtml(sample.gold)}</code></dd></dl>` +
    `<pre class="response">${renderTokens(sample)}</pre></article>`
  );
}

function renderSamples(data: ReportData): string {
  if (data.samples.length === 0) return section('samples', 'Sample responses', emptyNote('No samples recorded.'));
  const legend =
    `<p class="legend"><mark class="hwe">highlighted</mark> tokens are high-window-entropy (HWE) positions: the window ` +
    `of tokens starting there has mean entropy ≥ τ = ${escapeHtml(formatGeneral(data.evaluationThreshold))}.</p>`;
  return section('samples', 'Sample responses', legend + data.samples.map(renderSample).join(''));
}

function renderTimings(data: ReportData): string {
  if (data.timings.length === 0) return section('timings', 'Timings', emptyNote('No timings recorded.'));
  const total = data.timings.reduce((sum, timing) => sum + (isFiniteNumber(timing.seconds) ? timing.seconds : 0), 0);
  const rows = data.timings
    .map((timing) => {
      const share = total > 0 && isFiniteNumber(timing.seconds) ? timing.seconds / total : null;
      return `<tr><th scope="row">${escapeHtml(timing.phase)}</th><td class="num">${formatSeconds(timing.seconds)}</td><td class="num">${formatPercent(share)}</td></tr>`;
    })
    .join('');
  const foot = `<tr><th scope="row">Total</th><td class="num">${formatSeconds(total)}</td><td class="num">${total > 0 ? '100.0%' : MISSING_VALUE}</td></tr>`;
  return section(
    'timings',
    'Timings',
    `<table class="timings"><thead><tr><th scope="col">Phase</th><th scope="col" class="num">Seconds</th><th scope="col" class="num">Share</th></tr></thead><tbody>${rows}</tbody><tfoot>${foot}</tfoot></table>`,
  );
}

/** `config` as indented JSON; bigints as strings; a note when it cannot be serialised (e.g. a cycle). */
function configJson(config: unknown): string {
  try {
    const json = JSON.stringify(config, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
    return json ?? MISSING_VALUE;
  } catch {
    return '(the configuration could not be serialised as JSON)';
  }
}

function renderConfig(data: ReportData): string {
  return section('config', 'Configuration', `<pre class="config">${escapeHtml(configJson(data.config))}</pre>`);
}

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --alt: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main { max-width: 1160px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 8px; }
h1 { font-size: 1.7rem; margin: 1.2rem 0 .4rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .7rem; padding-bottom: .3rem; border-bottom: 1px solid var(--border); }
h3 { font-size: 1rem; margin: 1.3rem 0 .4rem; }
.meta { display: flex; flex-wrap: wrap; gap: .2rem 1.6rem; margin: 0 0 .6rem; color: var(--muted); }
.meta div { display: flex; gap: .4rem; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
nav { font-size: .9rem; }
a { color: #0969da; text-decoration: none; }
.note, .empty, .muted, .legend { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: .4rem 0 1rem; }
th, td { padding: .3rem .65rem; border-bottom: 1px solid var(--border); text-align: left; }
thead th { background: var(--alt); font-weight: 600; }
tfoot th, tfoot td { font-weight: 600; border-top: 2px solid var(--border); }
.num { text-align: right; }
.group { text-align: center; }
.group, .group-start { border-left: 1px solid var(--border); }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .85rem; padding-top: .4rem; }
.charts { display: grid; gap: 14px 22px; }
.cols-1 { grid-template-columns: minmax(0, 1fr); }
.cols-2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.cols-3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
@media (max-width: 820px) { .cols-2, .cols-3 { grid-template-columns: minmax(0, 1fr); } }
figure.chart { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
mark.hwe { background: #ffd8a8; color: inherit; border-radius: 2px; box-shadow: inset 0 -2px 0 #e8590c; }
.sample { border: 1px solid var(--border); border-radius: 8px; padding: .7rem .9rem; margin: .8rem 0; }
.sample-head { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin-bottom: .4rem; }
.tag { background: var(--alt); border: 1px solid var(--border); border-radius: 999px; padding: 0 .55rem; font-size: .85rem; }
.verdict.ok { color: #1a7f37; font-weight: 600; }
.verdict.bad { color: #cf222e; font-weight: 600; }
.qa { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: 0 0 .5rem; }
.qa dt { font-weight: 600; color: var(--muted); }
.qa dd { margin: 0; white-space: pre-wrap; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .85rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--alt); border: 1px solid var(--border);
  border-radius: 6px; padding: .6rem .8rem; margin: 0; line-height: 1.45; }
pre.config { max-height: none; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10.5pt; }
  header, main { max-width: none; padding: 0; }
  nav { display: none; }
  h2, h3 { break-after: avoid; }
  figure.chart, table, .sample, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; }
}
`;

/**
 * Renders the trainer's report as one complete, self-contained HTML5 document: no scripts, no external fonts,
 * images or style sheets, so it opens offline and prints cleanly.
 *
 * Sections, in order: header (title, time, preset, backend, τ); held-out evaluation table (bucket × stage:
 * accuracy %, mean length, mean HWE count, n); SFT loss chart; RL charts per bucket (accuracy, length, HWE count,
 * KL coefficient; GRPO against AEPO), α per bucket and τ; grouped bar charts of held-out accuracy and length;
 * AdaCS curation table; sample responses with HWE tokens highlighted; timings; the configuration as JSON.
 *
 * @param data - everything the report shows
 * @returns the HTML document, starting with `<!DOCTYPE html>`
 * @throws never: missing, `null`, NaN and infinite values render as an en dash ({@link MISSING_VALUE}) and a
 *   configuration that JSON cannot express renders as a note
 * @remarks Every user-derived string (title, prompts, tokens, config, …) is HTML-escaped; a Content-Security-Policy
 *   meta tag additionally forbids scripts and external loads. Formats: accuracy with one decimal as a percentage,
 *   mean length one decimal, mean HWE count two decimals, n and curation counts as integers, seconds with two
 *   decimals below 10 s and one above. Sample tokens with `hwe[i] === true` are wrapped in `<mark class="hwe">`;
 *   `hwe` entries beyond `tokens` are ignored and missing ones count as false.
 * @example
 * ```ts
 * await writeFile('report.html', renderReport(data));
 * ```
 */
export function renderReport(data: ReportData): string {
  const body = [
    renderEvaluationTable(data),
    renderSft(data),
    renderRl(data),
    renderComparison(data),
    renderCuration(data),
    renderSamples(data),
    renderTimings(data),
    renderConfig(data),
  ].join('\n');
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(data.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n` +
    `${renderHeader(data)}\n<main>\n${body}\n</main>\n</body>\n</html>\n`
  );
}
