import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { MetricsLog, readMetrics } from './metrics';

let root: string;
let path: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ares-metrics-'));
  path = join(root, 'logs', 'metrics.jsonl');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const records = [
  { step: 1, loss: 2.5 },
  { step: 2, loss: 2.25, note: 'two\nlines' },
  { step: 3, loss: 2, note: 'größer ✓' },
  { step: 4, loss: 1.75 },
  { step: 5, loss: 1.5 },
];
// Written by hand: JSON.stringify escapes the newline inside the string, so each record stays on one line.
const expectedText = [
  '{"step":1,"loss":2.5}',
  '{"step":2,"loss":2.25,"note":"two\\nlines"}',
  '{"step":3,"loss":2,"note":"größer ✓"}',
  '{"step":4,"loss":1.75}',
  '{"step":5,"loss":1.5}',
]
  .map((line) => `${line}\n`)
  .join('');

function writeAll(log: MetricsLog, items: readonly object[]): void {
  for (const item of items) log.append(item);
}

describe('MetricsLog', () => {
  it('appends one JSON line per record (creating the directory) and reads them back', () => {
    const log = MetricsLog.open(path);
    expect(log.lines).toBe(0);
    writeAll(log, records);
    expect(log.lines).toBe(5);
    log.close();
    expect(readFileSync(path, 'utf8')).toBe(expectedText);
    expect(readMetrics(path)).toEqual(records);
  });

  it('on resume keeps the first keepLines lines, so the resumed log equals an uninterrupted one', () => {
    const interrupted = MetricsLog.open(path, { keepLines: 0 });
    writeAll(interrupted, records.slice(0, 4)); // a checkpoint was saved after line 3; line 4 came after it
    interrupted.close();

    const resumed = MetricsLog.open(path, { keepLines: 3 });
    expect(resumed.lines).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe(expectedText.split('\n').slice(0, 3).join('\n') + '\n');
    writeAll(resumed, records.slice(3));
    expect(resumed.lines).toBe(5);
    resumed.close();
    expect(readFileSync(path, 'utf8')).toBe(expectedText);
  });

  it('drops a partial last line left by a crash', () => {
    const torn = join(root, 'torn.jsonl');
    writeFileSync(torn, '{"step":1}\n{"step":2}\n{"step":3,"lo');
    const log = MetricsLog.open(torn);
    expect(log.lines).toBe(2);
    expect(readFileSync(torn, 'utf8')).toBe('{"step":1}\n{"step":2}\n');
    log.append({ step: 3 });
    log.close();
    expect(readFileSync(torn, 'utf8')).toBe('{"step":1}\n{"step":2}\n{"step":3}\n');
  });

  it('does not count a partial line towards keepLines', () => {
    const torn = join(root, 'torn.jsonl');
    writeFileSync(torn, '{"step":1}\n{"step":2}\n{"step":3}');
    const kept = MetricsLog.open(torn, { keepLines: 2 });
    expect(kept.lines).toBe(2);
    kept.close();
    writeFileSync(torn, '{"step":1}\n{"step":2}\n{"step":3}');
    const error = expectAresError(() => MetricsLog.open(torn, { keepLines: 3 }), 'INVALID_STATE', torn);
    expect(error.value).toEqual({ keepLines: 3, lines: 2 });
  });

  it('counts lines by bytes correctly with multi-byte characters', () => {
    const log = MetricsLog.open(path);
    writeAll(log, records);
    log.close();
    const resumed = MetricsLog.open(path, { keepLines: 3 });
    resumed.close();
    expect(readMetrics(path)).toEqual(records.slice(0, 3));
  });

  it('keepLines 0 starts an empty log', () => {
    const log = MetricsLog.open(path);
    writeAll(log, records);
    log.close();
    const fresh = MetricsLog.open(path, { keepLines: 0 });
    fresh.close();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(readMetrics(path)).toEqual([]);
  });

  it('throws INVALID_ARGUMENT for a keepLines that is not a non-negative integer', () => {
    expectAresError(() => MetricsLog.open(path, { keepLines: -1 }), 'INVALID_ARGUMENT', 'options.keepLines');
    expectAresError(() => MetricsLog.open(path, { keepLines: 1.5 }), 'INVALID_ARGUMENT', 'options.keepLines');
  });

  it('throws INVALID_ARGUMENT for a record JSON cannot hold, and INVALID_STATE after close', () => {
    const log = MetricsLog.open(path);
    expectAresError(() => log.append({ big: 1n }), 'INVALID_ARGUMENT', 'record');
    expect(log.lines).toBe(0);
    log.close();
    log.close();
    expectAresError(() => log.append({ step: 1 }), 'INVALID_STATE', path);
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});

describe('readMetrics', () => {
  it('names the 1-based line of a line that is not JSON', () => {
    writeFileSync(join(root, 'bad.jsonl'), '{"step":1}\n{"step":2\n{"step":3}\n');
    const error = expectAresError(() => readMetrics(join(root, 'bad.jsonl')), 'INVALID_STATE', `${join(root, 'bad.jsonl')}:2`);
    expect(error.value).toBe('{"step":2');
  });

  it('names a last line without its newline (a torn write)', () => {
    writeFileSync(join(root, 'torn.jsonl'), '{"step":1}\n{"step":2}\n{"step":3}');
    expectAresError(() => readMetrics(join(root, 'torn.jsonl')), 'INVALID_STATE', `${join(root, 'torn.jsonl')}:3`);
  });

  it('throws IO naming the path of a missing file', () => {
    expectAresError(() => readMetrics(join(root, 'missing.jsonl')), 'IO', join(root, 'missing.jsonl'));
  });
});
