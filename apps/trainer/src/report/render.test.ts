import { describe, expect, it } from 'vitest';
import { fixture } from './fixture';
import { barChart, escapeHtml, lineChart, MISSING_VALUE, renderReport, type LineSeries } from './render';
import type { ReportData } from './types';

const DASH = '\u2013';

/** The charts the fixture implies: SFT loss; RL: 4 metrics × 3 buckets, α, τ; held-out accuracy and length bars. */
const FIXTURE_CHARTS = 1 + (4 * 3 + 2) + 2;

/** Decodes the five entities the renderer writes (an independent inverse of the escaping). */
function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The inner HTML of `<section id="…">`. */
function sectionOf(html: string, id: string): string {
  const match = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
  if (match === null) throw new Error(`no section ${id}`);
  return match[1]!;
}

/** Every row of the tables in `html` as the text of its cells (tags stripped, entities decoded). */
function tableRows(html: string): string[][] {
  return [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => unescape(cell[1]!.replace(/<[^>]*>/g, ''))),
  );
}

/** The body row of the evaluation table that starts with `bucket`, without the bucket cell. */
function evaluationRow(html: string, bucket: string): string[] {
  const row = tableRows(sectionOf(html, 'evaluation')).find((cells) => cells[0] === bucket);
  if (row === undefined) throw new Error(`no row ${bucket}`);
  return row.slice(1);
}

function svgsOf(html: string): string[] {
  return [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map((match) => match[0]);
}

/**
 * Checks that `svg` has a viewBox and that every coordinate in it (x/y-type attributes, rect extents, path and
 * polyline points, translate() offsets) is a finite number inside the viewBox. Returns how many it checked.
 */
function expectCoordinatesInside(svg: string): number {
  const viewBox = /^<svg[^>]*\sviewBox="([^"]*)"/.exec(svg);
  expect(viewBox, 'viewBox').not.toBeNull();
  const [minX, minY, width, height] = viewBox![1]!.trim().split(/[\s,]+/).map(Number) as [number, number, number, number];
  for (const value of [minX, minY, width, height]) expect(Number.isFinite(value)).toBe(true);
  expect(width).toBeGreaterThan(0);
  expect(height).toBeGreaterThan(0);
  let checked = 0;
  const problems: string[] = [];
  const check = (axis: 'x' | 'y', text: string) => {
    const value = Number(text);
    const [low, high] = axis === 'x' ? [minX, minX + width] : [minY, minY + height];
    if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(value) || value < low || value > high) {
      problems.push(`${axis}=${text} outside [${low}, ${high}]`);
    }
    checked++;
  };
  const inner = svg.slice(svg.indexOf('>') + 1);
  for (const [, name, value] of inner.matchAll(/\s(x|y|x1|y1|x2|y2|cx|cy)="([^"]*)"/g)) check(name!.startsWith('x') || name === 'cx' ? 'x' : 'y', value!);
  for (const [tag] of inner.matchAll(/<rect\b[^>]*>/g)) {
    const attribute = (name: string) => Number(new RegExp(`\\s${name}="([^"]*)"`).exec(tag)![1]);
    check('x', String(attribute('x') + attribute('width')));
    check('y', String(attribute('y') + attribute('height')));
  }
  for (const [, d] of inner.matchAll(/\sd="([^"]*)"/g)) {
    expect(d).toMatch(/^M/);
    const numbers = d!.match(/-?\d+(\.\d+)?/g) ?? [];
    expect(numbers.length % 2).toBe(0);
    expect(d!.replace(/[ML]|-?\d+(\.\d+)?|\s/g, '')).toBe('');
    numbers.forEach((number, index) => check(index % 2 === 0 ? 'x' : 'y', number));
  }
  for (const [, points] of inner.matchAll(/\spoints="([^"]*)"/g)) {
    const numbers = points!.trim().split(/[\s,]+/);
    numbers.forEach((number, index) => check(index % 2 === 0 ? 'x' : 'y', number));
  }
  for (const [, x, y] of inner.matchAll(/translate\(([^\s,)]+)[\s,]+([^)\s]+)\)/g)) {
    check('x', x!);
    check('y', y!);
  }
  expect(problems, /<title>([^<]*)/.exec(svg)?.[1]).toEqual([]);
  return checked;
}

/** A report with no steps, no stages, no samples, no curation, no timings and no config. */
function emptyData(): ReportData {
  return {
    title: 'empty run',
    generatedAt: '2025-01-01T00:00:00.000Z',
    preset: 'tiny',
    backend: 'cpu',
    config: undefined,
    summary: { backend: 'cpu', stages: {} },
    evaluationThreshold: 1.5,
    sft: [],
    rl: [],
    samples: [],
    curation: [],
    timings: [],
  };
}

/** The fixture with NaN and ±Infinity sprinkled over every numeric field the report shows. */
function nonFiniteData(): ReportData {
  const data = fixture();
  const stages = data.summary.stages;
  return {
    ...data,
    evaluationThreshold: Number.NaN,
    summary: { ...data.summary, stages: { ...stages, coldStart: { ...stages.coldStart!, easy: { accuracy: Number.NaN, meanLength: Infinity, meanHweCount: -Infinity, n: Number.NaN } } } },
    sft: data.sft.map((record, index) => (index % 7 === 3 ? { ...record, loss: index % 2 === 0 ? Number.NaN : Infinity } : record)),
    rl: data.rl.map((record, index) =>
      index % 5 === 2
        ? { ...record, threshold: Number.NaN, buckets: { ...record.buckets, easy: { ...record.buckets.easy, accuracy: Number.NaN, meanLength: Infinity, alpha: Number.NaN, klCoefficient: -Infinity } } }
        : record,
    ),
    timings: [...data.timings, { phase: 'broken', seconds: Number.NaN }],
  };
}

describe('renderReport', () => {
  it('returns one complete HTML5 document without scripts or external resources', () => {
    const html = renderReport(fixture());
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>ARES trainer: small preset</title>');
    for (const forbidden of ['<script', '<link', '<img', '<iframe', 'src=', 'url(', '@import', 'http://', 'https://']) {
      // The SVG namespace URI is an identifier, not a load.
      expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', ''), forbidden).not.toContain(forbidden);
    }
  });

  it('shows the header: title, generated time, preset, backend and the evaluation τ', () => {
    const html = renderReport(fixture());
    const header = /<header>([\s\S]*?)<\/header>/.exec(html)![1]!;
    expect(header).toContain('<h1>ARES trainer: small preset</h1>');
    expect(header).toContain('<dt>Generated</dt><dd>2025-03-14T09:26:53.589Z</dd>');
    expect(header).toContain('<dt>Preset</dt><dd>small</dd>');
    expect(header).toContain('<dt>Backend</dt><dd>wasm</dd>');
    expect(header).toContain('<dd>1.386</dd>'); // 1.3862 to four significant digits
  });

  it('keeps the sections in the documented order', () => {
    const html = renderReport(fixture());
    const order = ['evaluation', 'sft', 'rl', 'comparison', 'curation', 'samples', 'timings', 'config'].map((id) => html.indexOf(`<section id="${id}">`));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('escapes every user-derived string: a <script> token stays text, no tag is injected', () => {
    const data = fixture();
    const hostile: ReportData = {
      ...data,
      title: 'Run <b>&</b>',
      preset: '"><i>preset',
      config: { note: '</pre><script>alert(2)</script>' },
      samples: [
        ...data.samples,
        {
          stage: 'aepo',
          problemId: 'id"><img src=x onerror=alert(1)>',
          bucket: 'medium',
          prompt: 'a<b & "c" \'d\'',
          gold: '<u>1</u>',
          correct: false,
          tokens: ['<think>', '<script>alert(1)</script>', '&amp;', '\n', '</think>'],
          hwe: [false, true, false, false, false],
        },
      ],
      curation: [{ bucket: 'easy', verbosity: '<em>loud</em>', count: 3 }],
      timings: [{ phase: '<sub>phase</sub>', seconds: 1 }],
    };
    const html = renderReport(hostile);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('<title>Run &lt;b&gt;&amp;&lt;/b&gt;</title>');
    expect(html).toContain('&amp;amp;');
    expect(html).toContain('a&lt;b &amp; &quot;c&quot; &#39;d&#39;');
    for (const tag of ['<script', '<img', '<b>&', '<i>', '<u>', '<em>', '<sub>', '<think>', '</think>']) expect(html, tag).not.toContain(tag);
    expect(html).toContain('&lt;think&gt;');
  });

  it('writes each response exactly, wrapping the HWE tokens in <mark>', () => {
    const data = fixture();
    const html = renderReport(data);
    const responses = [...html.matchAll(/<pre class="response">([\s\S]*?)<\/pre>/g)].map((match) => match[1]!);
    expect(responses).toHaveLength(data.samples.length);
    data.samples.forEach((sample, index) => {
      const response = responses[index]!;
      expect(unescape(response.replace(/<\/?mark[^>]*>/g, ''))).toBe(sample.tokens.join(''));
      const marked = [...response.matchAll(/<mark class="hwe">([\s\S]*?)<\/mark>/g)].map((match) => unescape(match[1]!));
      expect(marked).toEqual(sample.tokens.filter((_token, position) => sample.hwe[position]));
    });
    // The third sample is AEPO, hard, correct, with its 4 flagged tokens '-', 'wait', 'check', '+'.
    expect(responses[2]!.match(/<mark/g)).toHaveLength(4);
    expect(html).toContain('<mark class="hwe">highlighted</mark> tokens are high-window-entropy (HWE) positions');
    const heads = [...html.matchAll(/<div class="sample-head">([\s\S]*?)<\/div>/g)].map((match) => match[1]!.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
    expect(heads[1]).toBe('GRPO medium count-5 ✗ incorrect 9 tokens, 1 HWE');
    expect(heads[2]).toBe('AEPO hard arithmetic-203 ✓ correct 44 tokens, 4 HWE');
    expect(html).toContain('<dt>Prompt</dt><dd class="prompt">12*3-7+5=?</dd><dt>Gold</dt><dd><code>34</code></dd>');
  });

  it('shows the held-out figures with the documented rounding', () => {
    const html = renderReport(fixture());
    // accuracy ×100 with one decimal + '%', length one decimal, HWE two decimals, n integer; coldStart | grpo | aepo
    expect(evaluationRow(html, 'easy')).toEqual(['67.5%', '38.4', '0.55', '40', '82.5%', '41.0', '0.30', '40', '87.5%', '29.6', '0.10', '40']);
    // 29/24 = 1.2083 → 1.21; 11/12 = 0.9167 → 0.92; 52.16 → 52.2; 44.28 → 44.3
    expect(evaluationRow(html, 'medium')).toEqual(['45.0%', '52.2', '1.21', '40', '52.5%', '48.7', '1.05', '40', '57.5%', '44.3', '0.92', '40']);
    // 197/60 = 3.2833 → 3.28; 66.38 → 66.4; 83.51 → 83.5
    expect(evaluationRow(html, 'hard')).toEqual(['12.5%', '71.9', '2.40', '40', '15.0%', '66.4', '1.90', '40', '22.5%', '83.5', '3.28', '40']);
    const head = tableRows(sectionOf(html, 'evaluation'));
    expect(head[0]).toEqual(['Bucket', 'Cold start', 'GRPO', 'AEPO']);
    expect(head[1]).toEqual(Array.from({ length: 3 }, () => ['Acc.', 'Len.', 'HWE', 'n']).flat());
    const caption = /<caption>([\s\S]*?)<\/caption>/.exec(sectionOf(html, 'evaluation'))![1]!;
    for (const term of ['Acc.', 'Len.', 'HWE', 'n', 'tokens', 'τ = 1.386']) expect(caption).toContain(term);
  });

  it('renders a missing stage and null figures as en dashes', () => {
    const data = fixture();
    const html = renderReport({
      ...data,
      summary: {
        backend: 'wasm',
        stages: {
          coldStart: data.summary.stages.coldStart!,
          grpo: { ...data.summary.stages.grpo!, hard: { accuracy: null, meanLength: null, meanHweCount: null, n: 0 } },
        },
      },
    });
    expect(MISSING_VALUE).toBe(DASH);
    expect(evaluationRow(html, 'hard')).toEqual(['12.5%', '71.9', '2.40', '40', DASH, DASH, DASH, '0', DASH, DASH, DASH, DASH]);
    expect(evaluationRow(html, 'easy').slice(8)).toEqual([DASH, DASH, DASH, DASH]);
    expect(evaluationRow(html, 'easy').slice(4, 8)).toEqual(['82.5%', '41.0', '0.30', '40']);
  });

  it('renders NaN and ±Infinity as en dashes and never prints NaN, Infinity, undefined or long floats', () => {
    for (const data of [fixture(), nonFiniteData(), emptyData()]) {
      const html = renderReport(data);
      expect(html).not.toMatch(/NaN|Infinity|undefined|null/);
      expect(html, 'a number with 7 or more decimals').not.toMatch(/\d\.\d{7}/);
    }
    const html = renderReport(nonFiniteData());
    expect(evaluationRow(html, 'easy').slice(0, 4)).toEqual([DASH, DASH, DASH, DASH]);
    expect(html).toContain(`<dd>${DASH}</dd>`); // the NaN evaluation τ
    const broken = tableRows(sectionOf(html, 'timings')).find((cells) => cells[0] === 'broken');
    expect(broken).toEqual(['broken', DASH, DASH]);
  });

  it(`draws the fixture's ${FIXTURE_CHARTS} charts, each with a viewBox and finite coordinates inside it`, () => {
    const html = renderReport(fixture());
    const svgs = svgsOf(html);
    expect(svgs).toHaveLength(FIXTURE_CHARTS);
    for (const svg of svgs) expect(expectCoordinatesInside(svg)).toBeGreaterThan(10);
    // Every line chart has both a path and data; the hard bucket's gap (GRPO step 3, AEPO step 7) breaks its lines.
    const hardAccuracy = svgs.find((svg) => svg.includes('<title>Accuracy · hard</title>'))!;
    const paths = [...hardAccuracy.matchAll(/\sd="([^"]*)"/g)].map((match) => match[1]!);
    expect(paths).toHaveLength(4); // two segments per stage
    for (const svg of [...svgs, ...svgsOf(renderReport(nonFiniteData())), ...svgsOf(renderReport(emptyData()))]) expectCoordinatesInside(svg);
  });

  it('draws SFT, RL, α, τ and the held-out bars with the stage legends', () => {
    const svgs = svgsOf(renderReport(fixture()));
    const titles = svgs.map((svg) => /<title>([^<]*)<\/title>/.exec(svg)![1]);
    expect(titles).toEqual([
      'SFT loss',
      ...['Accuracy', 'Mean response length', 'Mean HWE count', 'KL coefficient κ'].flatMap((metric) => ['easy', 'medium', 'hard'].map((bucket) => `${metric} · ${bucket}`)),
      'Entropy-shaping scale α (AEPO)',
      'HWE threshold τ',
      'Held-out accuracy',
      'Held-out mean response length',
    ]);
    expect(svgs[0]).toContain('>Base SFT</text>');
    expect(svgs[0]).toContain('>Cold start</text>');
    for (const svg of svgs.slice(1, 13)) {
      expect(svg).toContain('>GRPO</text>');
      expect(svg).toContain('>AEPO</text>');
    }
    for (const bucket of ['easy', 'medium', 'hard']) expect(svgs[13]).toContain(`>${bucket}</text>`);
    // Bars: 3 buckets × 3 stages; the labels above them are the table's figures.
    expect(svgs[15]!.match(/<rect/g)).toHaveLength(9);
    for (const label of ['67.5%', '82.5%', '87.5%', '12.5%', '15.0%', '22.5%']) expect(svgs[15]).toContain(`>${label}</text>`);
    for (const label of ['38.4', '41.0', '29.6', '83.5']) expect(svgs[16]).toContain(`>${label}</text>`);
  });

  it('tabulates the curation and the timings', () => {
    const html = renderReport(fixture());
    expect(tableRows(sectionOf(html, 'curation'))).toEqual([
      ['Bucket', 'terse', 'steps', 'recheck', 'Total'],
      ['easy', '20', '6', '2', '28'],
      ['medium', '5', '14', '7', '26'],
      ['hard', '1', '6', '15', '22'],
    ]);
    // Total 421.96 s; base SFT 63.84 / 421.96 = 15.13 %; GRPO 148.21 / 421.96 = 35.12 %.
    const timings = tableRows(sectionOf(html, 'timings'));
    expect(timings[0]).toEqual(['Phase', 'Seconds', 'Share']);
    expect(timings[1]).toEqual(['data', '0.42', '0.1%']);
    expect(timings[2]).toEqual(['base SFT', '63.8', '15.1%']);
    expect(timings[5]).toEqual(['GRPO', '148.2', '35.1%']);
    expect(timings.at(-1)).toEqual(['Total', '422.0', '100.0%']);
  });

  it('sums duplicate curation entries and fills absent pairs with 0', () => {
    const html = renderReport({ ...fixture(), curation: [{ bucket: 'hard', verbosity: 'recheck', count: 2 }, { bucket: 'hard', verbosity: 'recheck', count: 3 }] });
    expect(tableRows(sectionOf(html, 'curation')).slice(1)).toEqual([
      ['easy', '0', '0'],
      ['medium', '0', '0'],
      ['hard', '5', '5'],
    ]);
  });

  it('prints the configuration as indented JSON', () => {
    const html = renderReport(fixture());
    const config = /<pre class="config">([\s\S]*?)<\/pre>/.exec(html)![1]!;
    expect(JSON.parse(unescape(config))).toEqual(fixture().config);
    expect(unescape(config)).toContain('\n  "seed": 42,\n');
  });

  it('renders the configuration even when JSON cannot (a cycle, a bigint)', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(renderReport({ ...fixture(), config: cyclic })).toContain('could not be serialised');
    expect(renderReport({ ...fixture(), config: { big: 12n } })).toContain('&quot;big&quot;: &quot;12&quot;');
  });

  it('renders the empty report (no steps, no stages, nothing recorded) without throwing', () => {
    const html = renderReport(emptyData());
    for (const note of ['No supervised steps recorded.', 'No RL steps recorded.', 'No curation recorded.', 'No samples recorded.', 'No timings recorded.']) {
      expect(html).toContain(note);
    }
    for (const bucket of ['easy', 'medium', 'hard']) expect(evaluationRow(html, bucket)).toEqual(Array.from({ length: 12 }, () => DASH));
    const svgs = svgsOf(html);
    expect(svgs).toHaveLength(2); // the held-out bars, empty
    for (const svg of svgs) expect(svg).toContain('>No data</text>');
    expect(/<pre class="config">([\s\S]*?)<\/pre>/.exec(html)![1]).toBe(DASH);
  });

  it('renders a GRPO-only run: the AEPO lines and α are empty, nothing breaks', () => {
    const data = fixture();
    const html = renderReport({ ...data, rl: data.rl.filter((record) => record.stage === 'grpo') });
    const svgs = svgsOf(html);
    expect(svgs).toHaveLength(FIXTURE_CHARTS);
    expect(svgs.find((svg) => svg.includes('<title>Entropy-shaping scale α (AEPO)</title>'))).toContain('>No data</text>');
    for (const svg of svgs) expectCoordinatesInside(svg);
  });
});

describe('lineChart', () => {
  const base = { title: 'chart', xLabel: 'step', yLabel: 'value' };

  /** x of each x tick label and y of each y tick label, by label text. */
  function ticks(svg: string): { x: Map<string, number>; y: Map<string, number> } {
    const x = new Map<string, number>();
    const y = new Map<string, number>();
    for (const [, px, text] of svg.matchAll(/<text x="([^"]*)" y="[^"]*" text-anchor="middle" fill="#59636e">([^<]*)<\/text>/g)) x.set(text!, Number(px));
    for (const [, py, text] of svg.matchAll(/<text x="[^"]*" y="([^"]*)" dy="0.32em" text-anchor="end" fill="#59636e">([^<]*)<\/text>/g)) y.set(text!, Number(py));
    return { x, y };
  }

  it('maps data onto the ticks: a 0 → 40 % → 100 % line passes through those grid lines', () => {
    const svg = lineChart({ ...base, percent: true, yDomain: [0, 1], series: [{ name: 'a', color: '#000', points: [[1, 0], [2, 0.4], [3, 1]] }] });
    const d = /\sd="([^"]*)"/.exec(svg)![1]!;
    const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
    const { x, y } = ticks(svg);
    expect(numbers).toEqual([x.get('1'), y.get('0%'), x.get('2'), y.get('40%'), x.get('3'), y.get('100%')]);
    expect([...y.keys()]).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
  });

  it('draws a single point as a dot at its tick, without NaN', () => {
    const svg = lineChart({ ...base, series: [{ name: 'a', color: '#000', points: [[3, 0.5]] }] });
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).not.toContain('<path');
    const circle = /<circle cx="([^"]*)" cy="([^"]*)"/.exec(svg)!;
    const { x, y } = ticks(svg);
    expect(Number(circle[1])).toBe(x.get('3'));
    expect(Number(circle[2])).toBe(y.get('0.5'));
    expectCoordinatesInside(svg);
  });

  it('shows "No data" for no series, an empty series and an all-null series', () => {
    const cases: LineSeries[][] = [[], [{ name: 'a', color: '#000', points: [] }], [{ name: 'a', color: '#000', points: [[1, null], [2, Number.NaN]] }]];
    for (const series of cases) {
      const svg = lineChart({ ...base, series });
      expect(svg).toContain('>No data</text>');
      expect(svg).not.toMatch(/<path|<circle|NaN|Infinity|undefined/);
      expectCoordinatesInside(svg);
    }
  });

  it('breaks the line at null and non-finite y, and draws an isolated point as a dot', () => {
    const points = [[1, 1], [2, 2], [3, null], [4, 3], [5, 4], [6, Number.NaN], [7, 2], [8, Infinity]] as const;
    const svg = lineChart({ ...base, series: [{ name: 'a', color: '#000', points }] });
    const paths = [...svg.matchAll(/\sd="([^"]*)"/g)].map((match) => match[1]!);
    expect(paths).toHaveLength(2);
    expect(paths.every((d) => d.split('M').length === 2 && d.split('L').length === 2)).toBe(true);
    expect(svg.match(/<circle/g)).toHaveLength(5); // markers on the 5 finite points of a short series
    expectCoordinatesInside(svg);
  });

  it('handles a constant series, a single step and huge values without leaving the viewBox', () => {
    const cases = [[[1, 0], [2, 0]], [[5, 2], [5, 3]], [[1, 1e300], [2, -1e300]], [[1, 1e308], [2, -1e308]], [[1, 5e-324], [2, 1e-323]], [[1, 1e-12], [2, 3e-12]], [[0.1, 0.2], [0.3, 0.4]]] as const;
    for (const points of cases) {
      const svg = lineChart({ ...base, series: [{ name: 'a', color: '#000', points }] });
      expect(svg).not.toMatch(/NaN|Infinity|\d\.\d{7}/);
      expectCoordinatesInside(svg);
    }
  });

  it('escapes the title, labels, names and colours', () => {
    const svg = lineChart({ title: '<t>', xLabel: '<x>', yLabel: '<y>', series: [{ name: '<n>', color: '"><g', points: [[1, 1], [2, 2]] }] });
    for (const text of ['&lt;t&gt;', '&lt;x&gt;', '&lt;y&gt;', '&lt;n&gt;', '&quot;&gt;&lt;g']) expect(svg).toContain(text);
    expect(svg).not.toMatch(/<[txyn]>|"><g/);
  });
});

describe('barChart', () => {
  it('draws bars proportional to their values and a dash for a missing one', () => {
    const svg = barChart({
      title: 'bars',
      yLabel: 'value',
      groups: ['a', 'b'],
      yDomain: [0, 1],
      percent: true,
      series: [
        { name: 'one', color: '#111', values: [0.5, 1] },
        { name: 'two', color: '#222', values: [null, 0.25] },
      ],
    });
    const heights = [...svg.matchAll(/<rect [^>]*height="([^"]*)" fill="#(\d+)"/g)].map((match) => [match[2], Number(match[1])] as const);
    expect(heights.map(([color]) => color)).toEqual(['111', '111', '222']);
    const [half, full, quarter] = heights.map(([, height]) => height) as [number, number, number];
    // Each height is rounded to 0.1 from ends rounded to 0.1: at most 0.1 off.
    expect(Math.abs(full - 2 * half)).toBeLessThanOrEqual(0.35);
    expect(Math.abs(full - 4 * quarter)).toBeLessThanOrEqual(0.55);
    expect(svg).toContain(`>${DASH}</text>`);
    for (const label of ['50.0%', '100.0%', '25.0%']) expect(svg).toContain(`>${label}</text>`);
    expectCoordinatesInside(svg);
  });

  it('shows "No data" without groups or values', () => {
    for (const groups of [[], ['a']]) {
      const svg = barChart({ title: 'bars', yLabel: 'value', groups, series: [{ name: 'one', color: '#111', values: [null] }] });
      expect(svg).toContain('>No data</text>');
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
      expectCoordinatesInside(svg);
    }
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> τ ✓`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; τ ✓');
  });
});

describe('fixture', () => {
  it('is consistent: one HWE flag per token, steps 1-based and ascending, a fresh object per call', () => {
    const data = fixture();
    for (const sample of data.samples) expect(sample.hwe).toHaveLength(sample.tokens.length);
    for (const stage of ['grpo', 'aepo'] as const) expect(data.rl.filter((record) => record.stage === stage).map((record) => record.step)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
    expect(fixture()).not.toBe(data);
    expect(fixture()).toEqual(data);
  });
});
