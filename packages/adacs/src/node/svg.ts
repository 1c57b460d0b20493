/** Dependency-free inline SVG charts for the self-contained HTML report. @internal */

/** Escapes text for HTML and SVG. @internal */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** One series of (x, y) points; null y values leave a gap. @internal */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
  readonly dashed?: boolean;
}

const WIDTH = 560;
const HEIGHT = 260;
const LEFT = 56;
const RIGHT = 14;
const TOP = 44;
const BOTTOM = 38;

function niceMaximum(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function frame(title: string, xLabel: string, yLabel: string, maxY: number, xTicks: readonly { x: number; label: string }[], x: (value: number) => number): string[] {
  const y = (value: number) => TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / maxY);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">`];
  parts.push(`<text x="${LEFT}" y="16" font-size="13" font-weight="600">${escapeHtml(title)}</text>`);
  for (let tick = 0; tick <= 4; tick++) {
    const value = (maxY * tick) / 4;
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${LEFT - 5}" y="${(y(value) + 4).toFixed(1)}" font-size="10" text-anchor="end">${Number(value.toPrecision(4))}</text>`);
  }
  for (const tick of xTicks) {
    parts.push(`<text x="${x(tick.x).toFixed(1)}" y="${HEIGHT - BOTTOM + 14}" font-size="10" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
  }
  parts.push(`<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 6}" font-size="11" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  const middle = TOP + (HEIGHT - TOP - BOTTOM) / 2;
  parts.push(`<text x="14" y="${middle}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${middle})">${escapeHtml(yLabel)}</text>`);
  return parts;
}

function legend(series: readonly { label: string; color: string }[]): string {
  let x = LEFT;
  return series
    .map((entry) => {
      const item = `<rect x="${x}" y="24" width="12" height="8" fill="${entry.color}"/><text x="${x + 16}" y="32" font-size="10">${escapeHtml(entry.label)}</text>`;
      x += 30 + entry.label.length * 6;
      return item;
    })
    .join('');
}

/** A line chart with markers over x ∈ [0, 1] (pass rate). @internal */
export function passRateChart(options: { readonly title: string; readonly yLabel: string; readonly series: readonly ChartSeries[]; readonly brackets: number }): string {
  let maxY = 0;
  for (const series of options.series) for (const point of series.points) if (point.y !== null && Number.isFinite(point.y)) maxY = Math.max(maxY, point.y);
  maxY = niceMaximum(maxY * 1.05);
  const x = (value: number) => LEFT + (WIDTH - LEFT - RIGHT) * value;
  const y = (value: number) => TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / maxY);
  const ticks = Array.from({ length: options.brackets }, (_, b) => ({ x: b / (options.brackets - 1), label: (b / (options.brackets - 1)).toFixed(2) }));
  const parts = frame(options.title, 'pass rate p', options.yLabel, maxY, ticks, x);
  for (const series of options.series) {
    const segments: string[][] = [[]];
    for (const point of series.points) {
      if (point.y === null || !Number.isFinite(point.y)) segments.push([]);
      else segments.at(-1)!.push(`${x(point.x).toFixed(1)},${y(point.y).toFixed(1)}`);
    }
    for (const segment of segments) {
      if (segment.length > 1) parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="6 4"' : ''} points="${segment.join(' ')}"/>`);
    }
    for (const point of series.points) {
      if (point.y !== null && Number.isFinite(point.y)) {
        parts.push(`<circle cx="${x(point.x).toFixed(1)}" cy="${y(point.y).toFixed(1)}" r="3" fill="${series.color}"><title>${escapeHtml(series.label)}: p = ${point.x.toFixed(3)}, ${point.y.toFixed(1)}</title></circle>`);
      }
    }
  }
  parts.push(legend(options.series), '</svg>');
  return parts.join('');
}

/** Grouped bars per bracket (e.g. available vs selected counts). @internal */
export function bracketBars(options: { readonly title: string; readonly groups: readonly { label: string; color: string; values: readonly number[] }[]; readonly brackets: number }): string {
  const maxY = niceMaximum(Math.max(1, ...options.groups.flatMap((group) => group.values)));
  const slot = (WIDTH - LEFT - RIGHT) / options.brackets;
  const x = (value: number) => LEFT + slot * (value * (options.brackets - 1) + 0.5);
  const y = (value: number) => TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / maxY);
  const ticks = Array.from({ length: options.brackets }, (_, b) => ({ x: b / (options.brackets - 1), label: (b / (options.brackets - 1)).toFixed(2) }));
  const parts = frame(options.title, 'pass rate p', 'problems', maxY, ticks, x);
  const barWidth = (slot * 0.8) / options.groups.length;
  options.groups.forEach((group, groupIndex) => {
    group.values.forEach((value, bracket) => {
      const left = LEFT + slot * bracket + slot * 0.1 + groupIndex * barWidth;
      parts.push(`<rect x="${left.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}" fill="${group.color}"><title>${escapeHtml(group.label)}: ${value}</title></rect>`);
    });
  });
  parts.push(legend(options.groups), '</svg>');
  return parts.join('');
}
