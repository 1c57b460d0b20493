import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../report';
import type { SampleResult } from '../run-evaluation';
import { JsonlResultStore } from './jsonl-result-store';
import { readDatasetFile } from './read-dataset-file';
import { writeReport } from './write-report';

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'ares-eval-node-'));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const sample = (itemId: string): SampleResult => ({
  version: 1, runId: 'r', itemId, benchmark: 'generic', sampleIndex: 0, model: 'm', text: 'x', tokens: 1, correct: true, timedOut: false,
  answered: true, extracted: 'x', method: 'bare', reason: 'string-match', profile: 'ares', fallback: false, difficulty: null, variantOf: null,
  entropies: null, logprobsMode: null, finishReason: null, elapsedMs: 0,
});

describe('JsonlResultStore', () => {
  it('returns nothing for a missing file and creates it with its directory on append', async () => {
    const store = new JsonlResultStore(join(directory, 'nested', 'results.jsonl'));
    expect(await store.load()).toEqual([]);
    await store.append(sample('a'));
    expect(await store.load()).toEqual([sample('a')]);
  });

  it('turns a line cut by a kill into an invalid record and appends after a fresh newline', async () => {
    const path = join(directory, 'cut.jsonl');
    writeFileSync(path, `${JSON.stringify(sample('a'))}\n{"version": 1, "run`);
    const store = new JsonlResultStore(path);
    const records = await store.load();
    expect(records).toHaveLength(2);
    expect(records[1]).toEqual({ invalid: '{"version": 1, "run' });
    await store.append(sample('b'));
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(JSON.parse(lines[2]!)).toEqual(sample('b'));
  });

  it('throws IO when the path is a directory', async () => {
    const store = new JsonlResultStore(directory);
    await expect(store.load()).rejects.toMatchObject({ code: 'IO' });
  });
});

describe('readDatasetFile', () => {
  it('reads items and turns image paths into data URLs', async () => {
    writeFileSync(join(directory, 'pixel.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const path = join(directory, 'data.jsonl');
    writeFileSync(path, '{"id": "1", "benchmark": "mathvista", "question": "q", "answer": "1", "image": "pixel.png"}\n');
    appendFileSync(path, '{"id": "2", "benchmark": "mathvista", "question": "q", "answer": "1", "image": "data:image/png;base64,AA=="}\n');
    const items = await readDatasetFile(path);
    expect(items[0]!.image).toBe('data:image/png;base64,iVBORw==');
    expect(items[1]!.image).toBe('data:image/png;base64,AA==');
  });

  it('throws IO for a missing file or image', async () => {
    await expect(readDatasetFile(join(directory, 'absent.jsonl'))).rejects.toMatchObject({ code: 'IO' });
    const path = join(directory, 'missing-image.jsonl');
    writeFileSync(path, '{"id": "1", "benchmark": "mathvista", "question": "q", "answer": "1", "image": "absent.png"}\n');
    await expect(readDatasetFile(path)).rejects.toMatchObject({ code: 'IO', parameter: '1.image' });
  });
});

describe('writeReport', () => {
  it('writes JSON, Markdown and HTML', async () => {
    const paths = await writeReport(join(directory, 'report'), buildReport([sample('a')]));
    expect(JSON.parse(readFileSync(paths.json, 'utf8')).summary.overall.accuracy).toBe(1);
    expect(readFileSync(paths.markdown, 'utf8')).toContain('# Evaluation report');
    expect(readFileSync(paths.html, 'utf8')).toContain('<table id="benchmarks">');
  });

  it('throws IO when the directory cannot be created', async () => {
    const file = join(directory, 'a-file');
    writeFileSync(file, '');
    await expect(writeReport(join(file, 'sub'), buildReport([sample('a')]))).rejects.toMatchObject({ code: 'IO' });
  });
});
