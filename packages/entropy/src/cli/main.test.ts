import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { main } from './main';

const work = mkdtempSync(join(tmpdir(), 'ares-entropy-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A position whose two returned candidates hold all the mass (p = 1/2, 1/2) has entropy exactly ln 2 and no tail;
// a position whose sampled token has log-prob 0 has entropy 0.
const half = Math.log(0.5);
const uncertain = (token: string) => ({ token, logprob: half, top_logprobs: [{ token, logprob: half }, { token: ' or', logprob: half }] });
const certain = (token: string) => ({ token, logprob: 0, top_logprobs: [{ token, logprob: 0 }] });

function write(name: string, lines: unknown[]): string {
  const path = join(work, name);
  writeFileSync(path, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'));
  return path;
}

describe('ares-entropy analyze', () => {
  it('finds the hand-derived HWE windows and trigger words in chat completions', () => {
    // Entropies [0, 0, ln2, ln2, ln2, ln2, 0, 0]; w = 2 inclusive windows [0, ln2/2, ln2, ln2, ln2, ln2/2, 0];
    // τ = 0.6 < ln 2 ≈ 0.693 marks anchors 2, 3, 4. " Wait" at position 1 is followed by the full next window
    // (ln2 + ln2)/2 ≥ τ: one valid trigger.
    const tokens = [certain(' so'), certain(' Wait'), uncertain(' x'), uncertain(' is'), uncertain(' 3'), uncertain(' or'), certain(' 4'), certain('.')];
    const input = write('chat.jsonl', [{ id: 'r1', choices: [{ index: 0, logprobs: { content: tokens } }] }, '']);
    const lines: string[] = [];
    const out = join(work, 'out-chat');
    expect(main(['analyze', '--in', input, '--out', out, '--window', '2', '--threshold', '0.6'], (line) => lines.push(line))).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.threshold).toBe(0.6);
    expect(report.thresholdSource).toBe('given');
    const [trace] = report.traces;
    expect(trace.hweCount).toBe(3);
    expect(trace.events.map((event: { anchor: number }) => event.anchor)).toEqual([2, 3, 4]);
    expect(trace.triggers).toEqual({ valid: 1, invalid: 0, softCost: Number((Math.log(2) - 0.6).toFixed(5)) });
    expectAllClose(trace.entropy, [0, 0, 0.69315, 0.69315, 0.69315, 0.69315, 0, 0], FLOAT64);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('<mark class="start"');
    expect(lines.at(-1)).toContain('report.html');
  });

  it('reads legacy completions, maps the vLLM −9999 sentinel to −∞ and uses the released estimator by default', () => {
    const legacy = {
      tokens: [' a', ' b', ' c', ' d', ' e'],
      token_logprobs: [0, half, half, half, -9999],
      top_logprobs: [{ ' a': 0 }, { ' b': half, ' z': half }, { ' c': half, ' z': half }, { ' d': half, ' z': half }, { ' f': 0, ' e': -9999 }],
    };
    const input = write('legacy.jsonl', [{ id: 'l1', choices: [{ logprobs: legacy }] }]);
    const out = join(work, 'out-legacy');
    expect(main(['analyze', '--in', input, '--out', out, '--window', '2'], () => undefined)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expectAllClose(report.traces[0].entropy, [0, 0.69315, 0.69315, 0.69315, 0], FLOAT64);
    // Released per-trace threshold, by hand: next-window means (w = 2) of [0, ln2, ln2, ln2, 0] are
    // [ln2, ln2, ln2/2], padding gives two more values equal to their running mean ((5/6)·ln2 each); the
    // 0.95-quantile of [ln2, ln2, ln2/2, 5ln2/6, 5ln2/6] is ln2 (float32-rounded).
    expect(report.thresholdSource).toBe('released');
    expect(report.threshold).toBe(Math.fround(Math.log(2)));
  });

  it('rejects malformed input with a typed error naming the line', () => {
    const input = write('bad.jsonl', ['{"id": "x", "choices": [{"logprobs": null}]}']);
    const error = expectAresError(() => main(['analyze', '--in', input, '--out', join(work, 'bad')], () => undefined), 'INVALID_ARGUMENT');
    expect(error.parameter).toContain('line 1');
    expectAresError(() => main(['analyze', '--in', write('json.jsonl', ['{oops']), '--out', join(work, 'bad2')], () => undefined), 'INVALID_ARGUMENT', 'line 1');
    expectAresError(() => main(['analyze', '--in', join(work, 'missing.jsonl')], () => undefined), 'IO', '--in');
    expectAresError(() => main(['analyze', '--in', input, '--window', 'four'], () => undefined), 'INVALID_ARGUMENT', '--window');
  });

  it('prints usage and fails for unknown commands', () => {
    const lines: string[] = [];
    expect(main(['summarise'], (line) => lines.push(line))).toBe(1);
    expect(lines[0]).toContain('unknown command');
    expect(main(['--help'], () => undefined)).toBe(0);
  });
});
