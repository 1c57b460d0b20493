import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAllClose, FLOAT64 } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { buildReport, renderHtml, renderMarkdown } from './report';
import type { SampleResult } from './run-evaluation';

function result(fields: Partial<SampleResult> & Pick<SampleResult, 'itemId' | 'benchmark' | 'correct' | 'tokens'>): SampleResult {
  return {
    version: 1,
    runId: 'r',
    sampleIndex: 0,
    model: 'test-model',
    text: '',
    timedOut: false,
    answered: true,
    extracted: null,
    method: null,
    reason: 'equivalent',
    profile: 'ares',
    fallback: false,
    difficulty: null,
    variantOf: null,
    entropies: null,
    logprobsMode: null,
    finishReason: null,
    elapsedMs: 1,
    ...fields,
  };
}

const results: SampleResult[] = [
  // Entropies constant per sequence: the 0.95-quantile is that constant, so the paper threshold is (1 + 3)/2 = 2.
  result({ itemId: 'e1', benchmark: 'gsm8k', correct: true, tokens: 100, difficulty: 'easy', entropies: [1, 1, 1, 1, 1, 1] }),
  result({ itemId: 'h1', benchmark: 'aime25', correct: false, tokens: 900, difficulty: 'hard', entropies: [3, 3, 3, 3, 3, 3] }),
  result({ itemId: 'h2', benchmark: 'aime25', correct: true, tokens: 700, difficulty: 'hard', answered: true, timedOut: false }),
  result({ itemId: 'h3', benchmark: 'aime25', correct: false, tokens: 50, difficulty: 'hard', answered: false, fallback: true }),
];

describe('buildReport', () => {
  const report = buildReport(results, { decoding: { temperature: 1 }, seed: 3, createdAt: '2026-01-01T00:00:00.000Z', failedRequests: 2 });

  it('derives the paper HWE threshold and per-bucket N_HE histograms', () => {
    expectAllClose([report.hwe.threshold!], [2], FLOAT64);
    expect(report.hwe.thresholdSource).toBe('paper');
    // Window 4 over 6 tokens: 3 anchors, all ≥ 2 for the hard response, none for the easy one.
    expect(report.hwe.histograms).toEqual([
      { bucket: 'easy', counts: [1, 0, 0, 0], binWidth: 1, responses: 1 },
      { bucket: 'hard', counts: [0, 0, 0, 1], binWidth: 1, responses: 1 },
    ]);
    expect(report.summary.benchmarks.find((entry) => entry.benchmark === 'aime25')!.buckets[0]!.meanHweCount).toBe(3);
  });

  it('uses a given threshold', () => {
    const fixed = buildReport(results, { hweThreshold: 0.5 });
    expect(fixed.hwe).toMatchObject({ threshold: 0.5, thresholdSource: 'option' });
    expect(fixed.hwe.histograms.find((histogram) => histogram.bucket === 'easy')!.counts[3]).toBe(1);
  });

  it('fills the header, counts and accuracy-versus-length points', () => {
    expect(report).toMatchObject({ model: 'test-model', profile: 'ares', seed: 3, decoding: { temperature: 1 }, runId: 'r' });
    expect(report.counts).toEqual({ graderTimeouts: 0, unanswered: 1, randomFallbacks: 1, failedRequests: 2 });
    expect(report.accuracyVersusLength).toEqual([
      { benchmark: 'aime25', bucket: 'hard', accuracy: 1 / 3, meanLength: 550, samples: 3 },
      { benchmark: 'gsm8k', bucket: 'easy', accuracy: 1, meanLength: 100, samples: 1 },
    ]);
  });

  it('has no HWE data without entropies', () => {
    const plain = buildReport([result({ itemId: 'x', benchmark: 'gsm8k', correct: true, tokens: 5 })]);
    expect(plain.hwe).toEqual({ threshold: null, thresholdSource: null, window: 4, histograms: [] });
  });
});

describe('renderMarkdown', () => {
  it('writes the header and both tables', () => {
    const markdown = renderMarkdown(buildReport(results, { decoding: { temperature: 1 } }));
    expect(markdown).toContain('- model: test-model');
    expect(markdown).toContain('- decoding: temperature=1');
    expect(markdown).toContain('| aime25 | 3 | 3 | 33.3% | 33.3% | 33.3% | – |');
    expect(markdown).toContain('| gsm8k | easy | 1 | 100.0% | 100.0 | 0.00 | 100.0 |');
    expect(markdown).toContain('- unanswered: 1');
  });
});

describe('renderHtml', () => {
  const html = renderHtml(buildReport(results));

  it('is one self-contained page: tables, inline SVG plots, no scripts or external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<table id="benchmarks">');
    expect(html).toContain('<table id="buckets">');
    expect(html).toContain('<svg id="accuracy-vs-length"');
    expect(html.match(/class="hwe-histogram"/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|<link|\ssrc=|\shref=/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('escapes model names', () => {
    const escaped = renderHtml(buildReport(results, { model: '<b>x</b>' }));
    expect(escaped).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(escaped).not.toContain('<b>x</b>');
  });

  const chromium = '/usr/bin/chromium';
  it.skipIf(!existsSync(chromium))(`shows its tables in headless Chromium (skipped: ${chromium} is not installed)`, () => {
    const directory = mkdtempSync(join(tmpdir(), 'ares-eval-html-'));
    try {
      const file = join(directory, 'report.html');
      writeFileSync(file, html);
      const dom = execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] });
      expect(dom).toContain('<table id="benchmarks">');
      expect(dom).toContain('aime25');
      expect(dom).toContain('33.3%');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
