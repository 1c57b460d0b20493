/** Minimal, dependency-free SVG plots for self-contained HTML reports. @internal */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export interface LineSeries {
  readonly values: ArrayLike<number>;
  /** x offset of the first value (e.g. 0 for per-token values). */
  readonly start?: number;
  readonly color: string;
  readonly label: string;
  readonly width?: number;
}

/** A line chart over integer x positions with optional horizontal rule and marked points. */
export function lineChart(options: {
  readonly series: readonly LineSeries[];
  readonly length: number;
  readonly rule?: { readonly y: number; readonly label: string };
  readonly marks?: readonly { readonly x: number; readonly y: number }[];
  readonly title: string;
  readonly yLabel: string;
}): string {
  const width = 920;
  const height = 190;
  const left = 48;
  const right = 12;
  const top = 24;
  const bottom = 26;
  let maxY = options.rule?.y ?? 0;
  for (const series of options.series) {
    for (let index = 0; index < series.values.length; index++) {
      const value = series.values[index]!;
      if (Number.isFinite(value) && value > maxY) maxY = value;
    }
  }
  maxY = maxY > 0 ? maxY * 1.08 : 1;
  const spanX = Math.max(1, options.length - 1);
  const x = (position: number) => left + ((width - left - right) * position) / spanX;
  const y = (value: number) => top + (height - top - bottom) * (1 - value / maxY);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}">`);
  parts.push(`<text x="${left}" y="15" font-size="12" font-weight="600">${escapeHtml(options.title)}</text>`);
  for (let tick = 0; tick <= 4; tick++) {
    const value = (maxY * tick) / 4;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${left - 4}" y="${(y(value) + 4).toFixed(1)}" font-size="10" text-anchor="end">${value.toFixed(2)}</text>`);
  }
  parts.push(`<text x="${width - right}" y="${height - 6}" font-size="10" text-anchor="end">token position (0–${options.length - 1})</text>`);
  parts.push(`<text x="10" y="${top + (height - top - bottom) / 2}" font-size="10" transform="rotate(-90 10 ${top + (height - top - bottom) / 2})" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`);
  for (const series of options.series) {
    const start = series.start ?? 0;
    const points: string[] = [];
    for (let index = 0; index < series.values.length; index++) {
      const value = series.values[index]!;
      if (Number.isFinite(value)) points.push(`${x(start + index).toFixed(1)},${y(value).toFixed(1)}`);
    }
    parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="${series.width ?? 1}" points="${points.join(' ')}"><title>${escapeHtml(series.label)}</title></polyline>`);
  }
  if (options.rule !== undefined) {
    const ruleY = y(options.rule.y).toFixed(1);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${ruleY}" y2="${ruleY}" stroke="#c0392b" stroke-dasharray="5 4"/>`);
    parts.push(`<text x="${width - right}" y="${Number(ruleY) - 4}" font-size="10" fill="#c0392b" text-anchor="end">${escapeHtml(options.rule.label)}</text>`);
  }
  for (const mark of options.marks ?? []) {
    parts.push(`<circle cx="${x(mark.x).toFixed(1)}" cy="${y(mark.y).toFixed(1)}" r="2.6" fill="#c0392b"/>`);
  }
  let legendX = left + 380;
  for (const series of options.series) {
    parts.push(`<rect x="${legendX}" y="7" width="14" height="3" fill="${series.color}"/><text x="${legendX + 18}" y="12" font-size="10">${escapeHtml(series.label)}</text>`);
    legendX += 30 + series.label.length * 6;
  }
  parts.push('</svg>');
  return parts.join('');
}

/** A bar chart of integer-valued counts (a histogram with one bar per distinct value range). */
export function histogram(options: { readonly values: readonly number[]; readonly title: string; readonly xLabel: string; readonly bins?: number }): string {
  const width = 460;
  const height = 200;
  const left = 40;
  const bottom = 30;
  const top = 24;
  const values = options.values;
  const min = values.length > 0 ? Math.min(...values) : 0;
  const max = values.length > 0 ? Math.max(...values) : 0;
  const bins = Math.max(1, Math.min(options.bins ?? 12, max - min + 1));
  const binWidth = (max - min + 1) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) counts[Math.min(bins - 1, Math.floor((value - min) / binWidth))]! += 1;
  const maxCount = Math.max(1, ...counts);
  const barWidth = (width - left - 10) / bins;
  const parts: string[] = [`<svg class="histogram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}">`];
  parts.push(`<text x="${left}" y="15" font-size="12" font-weight="600">${escapeHtml(options.title)}</text>`);
  counts.forEach((count, index) => {
    const barHeight = ((height - top - bottom) * count) / maxCount;
    const x0 = left + index * barWidth;
    const low = Math.ceil(min + index * binWidth);
    const high = Math.ceil(min + (index + 1) * binWidth) - 1;
    parts.push(`<rect x="${(x0 + 1).toFixed(1)}" y="${(height - bottom - barHeight).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="#2e86c1"><title>${low === high ? low : `${low}–${high}`}: ${count}</title></rect>`);
    parts.push(`<text x="${(x0 + barWidth / 2).toFixed(1)}" y="${height - bottom + 12}" font-size="9" text-anchor="middle">${low === high ? low : `${low}–${high}`}</text>`);
    if (count > 0) parts.push(`<text x="${(x0 + barWidth / 2).toFixed(1)}" y="${(height - bottom - barHeight - 3).toFixed(1)}" font-size="9" text-anchor="middle">${count}</text>`);
  });
  parts.push(`<text x="${width / 2}" y="${height - 4}" font-size="10" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}
