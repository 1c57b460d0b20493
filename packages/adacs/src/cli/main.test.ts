import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAresError } from '@ares/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProblems } from '../curation-test-utils';
import { main } from './main';

const work = mkdtempSync(join(tmpdir(), 'ares-adacs-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const input = join(work, 'in.jsonl');
writeFileSync(input, [...generateProblems(450, 'cli')].map((problem) => JSON.stringify(problem)).join('\n'));

describe('ares-adacs curate', () => {
  it('curates with --per-bracket and --seed and writes the report', async () => {
    const lines: string[] = [];
    const out = join(work, 'out.jsonl');
    expect(await main(['curate', '--in', input, '--out', out, '--per-bracket', '20', '--seed', '5', '--report', join(work, 'report')], (line) => lines.push(line))).toBe(0);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records).toHaveLength(9 * 20);
    expect(Object.keys(records[0]).sort()).toEqual(['answer', 'candidateIndex', 'id', 'passRate', 'question', 'response', 'source', 'targetLength', 'tokens'].concat('image' in records[0] ? ['image'] : []).sort());
    const report = JSON.parse(readFileSync(join(work, 'report', 'report.json'), 'utf8'));
    expect(report.diagnostics).toMatchObject({ quota: 20, selected: 180, lengthRule: true });
    expect(lines[0]).toContain('450 problems');
    expect(lines.at(-1)).toContain('report.html');
    // The same seed gives the same file; --vanilla changes the selection rule.
    const again = join(work, 'again.jsonl');
    await main(['curate', '--in', input, '--out', again, '--per-bracket', '20', '--seed', '5'], () => undefined);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
    const vanilla = join(work, 'vanilla.jsonl');
    await main(['curate', '--in', input, '--out', vanilla, '--per-bracket', '20', '--seed', '5', '--vanilla'], () => undefined);
    expect(readFileSync(vanilla, 'utf8')).not.toBe(readFileSync(out, 'utf8'));
  });

  it('prints usage and returns 1 for a missing command, unknown command or missing flags', async () => {
    const lines: string[] = [];
    expect(await main([], (line) => lines.push(line))).toBe(1);
    expect(await main(['--help'], (line) => lines.push(line))).toBe(0);
    expect(await main(['select'], (line) => lines.push(line))).toBe(1);
    expect(await main(['curate', '--in', input], (line) => lines.push(line))).toBe(1);
    expect(await main(['curate', '--in', input, '--out', 'x', '--bogus'], (line) => lines.push(line))).toBe(1);
    expect(lines.every((line) => line.includes('Usage: ares-adacs curate'))).toBe(true);
  });

  it('throws INVALID_ARGUMENT for a non-integer --per-bracket', async () => {
    const error = await main(['curate', '--in', input, '--out', join(work, 'x.jsonl'), '--per-bracket', 'many'], () => undefined).catch((caught: unknown) => caught);
    expectAresError(() => {
      throw error;
    }, 'INVALID_ARGUMENT', '--per-bracket');
  });
});
