import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAresError } from '@ares/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { curate, curatedRecord, type CurationProblem } from '../index';
import { generateProblems, problem } from '../curation-test-utils';
import { curateFile, curationReport, curationReportHtml, writeCurationReport } from './index';

const work = mkdtempSync(join(tmpdir(), 'ares-adacs-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let fileCounter = 0;
function write(lines: readonly unknown[], separator = '\n'): string {
  const path = join(work, `input-${++fileCounter}.jsonl`);
  writeFileSync(path, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join(separator));
  return path;
}
const readJsonl = (path: string) => readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));

/** Async rejection as an AresError check (expectAresError is synchronous). */
async function rejection(promise: Promise<unknown>): Promise<() => never> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  return () => {
    throw error ?? new Error('expected a rejection');
  };
}

describe('curateFile', () => {
  it('writes the same selection as curate for the same problems and seed', async () => {
    const problems = [...generateProblems(600, 'file')];
    const input = write(problems);
    const output = join(work, 'same.jsonl');
    for (const options of [{ perBracket: 30, seed: 7 }, { budget: 200, seed: 'x', redistribute: true }, { perBracket: 20, lengthRule: false, seed: 3 }]) {
      const result = await curateFile(input, output, options);
      const expected = curate(problems, options);
      expect(readJsonl(output)).toEqual(expected.selected.map((item) => JSON.parse(JSON.stringify(curatedRecord(item)))));
      expect(result.diagnostics).toEqual(expected.diagnostics);
      expect(result).toMatchObject({ lines: 600, blankLines: 0, malformed: { count: 0, listed: [], truncated: false } });
    }
  });

  it('skips malformed lines with their numbers and reasons, never silently', async () => {
    const good = (id: number, p: number) => problem(id, 's', p, [10 * (id + 1)]);
    const input = write([good(0, 0), '{"id": 1, "source": ', '', good(2, 1), { ...good(3, 0.5), candidates: [] }, '   ', '[1, 2]', { ...good(5, 0.5), passRate: 2 }, good(6, 0.5)]);
    const output = join(work, 'skip.jsonl');
    const result = await curateFile(input, output, { onMalformed: 'skip' });
    expect(result.lines).toBe(9);
    expect(result.blankLines).toBe(2);
    expect(result.malformed.count).toBe(4);
    expect(result.malformed.listed.map((entry) => entry.line)).toEqual([2, 5, 7, 8]);
    expect(result.malformed.listed[0]!.reason).toMatch(/^not valid JSON/);
    expect(result.malformed.listed[1]!.reason).toContain('line 5.candidates');
    expect(result.malformed.listed[2]!.reason).toContain('line 7');
    expect(result.malformed.listed[3]!.reason).toContain('line 8.passRate');
    expect(readJsonl(output).map((record) => record.id)).toEqual([0, 2, 6]);
    expect(result.diagnostics.problems).toBe(3);
    // The list is capped; the count is not.
    const capped = await curateFile(input, output, { onMalformed: 'skip', maxListedMalformed: 1 });
    expect(capped.malformed).toMatchObject({ count: 4, truncated: true });
    expect(capped.malformed.listed).toHaveLength(1);
  });

  it("fails at the first malformed line by default, naming it, and writes nothing", async () => {
    const input = write([problem(0, 's', 0, [1]), problem(1, 's', 1, [1]), '{oops}', problem(3, 's', 0.5, [1])]);
    const output = join(work, 'never.jsonl');
    const error = expectAresError(await rejection(curateFile(input, output)), 'INVALID_ARGUMENT', 'input');
    expect(error.value).toMatchObject({ line: 3 });
    expect(error.message).toContain(':3:');
    expect(existsSync(output)).toBe(false);
  });

  it('replaces the output atomically and leaves an old output intact on failure, without temporary files', async () => {
    const directory = mkdtempSync(join(work, 'atomic-'));
    const output = join(directory, 'out.jsonl');
    writeFileSync(output, 'old\n');
    const noAnchor = write([problem(0, 's', 0.5, [1])]);
    expectAresError(await rejection(curateFile(noAnchor, output)), 'EMPTY_INPUT', 'input');
    expect(readFileSync(output, 'utf8')).toBe('old\n');
    const ok = write([problem(0, 's', 0, [1]), problem(1, 's', 1, [2])]);
    await curateFile(ok, output);
    expect(readJsonl(output).map((record) => record.id)).toEqual([0, 1]);
    expect(readdirSync(directory)).toEqual(['out.jsonl']);
  });

  it('reads CRLF line endings and a byte-order mark', async () => {
    const input = write([problem('a', 's', 0, [4]), problem('b', 's', 1, [2])], '\r\n');
    writeFileSync(input, `\ufeff${readFileSync(input, 'utf8')}\r\n`);
    const result = await curateFile(input, join(work, 'crlf.jsonl'));
    expect(result).toMatchObject({ lines: 2, malformed: { count: 0 } });
  });

  it('throws IO for a missing input, INVALID_ARGUMENT when output is input, and option errors', async () => {
    expectAresError(await rejection(curateFile(join(work, 'missing.jsonl'), join(work, 'o.jsonl'))), 'IO', 'input');
    const input = write([problem(0, 's', 0, [1]), problem(1, 's', 1, [1])]);
    expectAresError(await rejection(curateFile(input, input)), 'INVALID_ARGUMENT', 'output');
    expectAresError(await rejection(curateFile(input, join(work, 'o.jsonl'), { onMalformed: 'ignore' as 'skip' })), 'UNSUPPORTED', 'options.onMalformed');
    expectAresError(await rejection(curateFile(input, join(work, 'o.jsonl'), { brackets: 0 })), 'INVALID_ARGUMENT', 'options.brackets');
    expectAresError(await rejection(curateFile(input, join(work, 'no-such-dir', 'o.jsonl'))), 'IO', 'output');
  });

  it('writes a JSON and a self-contained HTML report', async () => {
    const problems: CurationProblem[] = [...generateProblems(300, 'report')];
    const input = write([...problems.map((p) => JSON.stringify(p)), 'not json']);
    const result = await curateFile(input, join(work, 'r.jsonl'), { perBracket: 10, onMalformed: 'skip' });
    const paths = await writeCurationReport(join(work, 'report'), result);
    const json = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(curationReport(result))));
    expect(json.diagnostics.perBracket).toHaveLength(9);
    expect(json.malformed.listed).toEqual([{ line: 301, reason: expect.stringMatching(/^not valid JSON/) }]);
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toBe(curationReportHtml(result));
    expect(html.match(/<svg /g)).toHaveLength(2 + result.diagnostics.sources.length);
    expect(html).toContain('Malformed lines (1)');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
