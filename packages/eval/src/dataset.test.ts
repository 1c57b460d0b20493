import { readdirSync, readFileSync } from 'node:fs';
import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { parseDataset } from './dataset';

describe('parseDataset', () => {
  it('parses items with aliases and optional fields', () => {
    const text = [
      '{"id": 1, "benchmark": "GSM8K", "question": "1+1?", "answer": 2, "difficulty": 0.5}',
      '',
      '{"id": "d1", "benchmark": "dynamath", "question": "q", "gold": "x", "variant": "seed-1", "difficulty": "hard", "image": "a.png"}',
      '{"id": "c", "benchmark": "mathvista", "question": "q", "answer": "B", "choices": ["1", 2], "answer_type": "choice", "precision": 2}',
    ].join('\n');
    expect(parseDataset(text)).toEqual([
      { id: '1', benchmark: 'gsm8k', question: '1+1?', gold: '2', difficulty: 0.5 },
      { id: 'd1', benchmark: 'dynamath', question: 'q', gold: 'x', variantOf: 'seed-1', difficulty: 'hard', image: 'a.png' },
      { id: 'c', benchmark: 'mathvista', question: 'q', gold: 'B', choices: ['1', '2'], answerType: 'choice', precision: 2 },
    ]);
  });

  it('takes the benchmark from the options for lines without one', () => {
    expect(parseDataset('{"id": "a", "question": "q", "answer": "1"}', { benchmark: 'aime25' })[0]!.benchmark).toBe('aime25');
  });

  it('throws UNSUPPORTED for an unknown benchmark instead of falling back', () => {
    expectAresError(() => parseDataset('{"id": "a", "benchmark": "mathverse-x", "question": "q", "answer": "1"}'), 'UNSUPPORTED', 'dataset:1.benchmark');
  });

  it('names the line and field of malformed input', () => {
    expectAresError(() => parseDataset('{"id": "a", "benchmark": "gsm8k", "question": "q", "answer": "1"}\n{oops', { source: 'x.jsonl' }), 'INVALID_ARGUMENT', 'x.jsonl:2');
    expectAresError(() => parseDataset('{"benchmark": "gsm8k", "question": "q", "answer": "1"}'), 'INVALID_ARGUMENT', 'dataset:1.id');
    expectAresError(() => parseDataset('{"id": "a", "question": "q", "answer": "1"}'), 'INVALID_ARGUMENT', 'dataset:1.benchmark');
    expectAresError(() => parseDataset('{"id": "a", "benchmark": "gsm8k", "answer": "1"}'), 'INVALID_ARGUMENT', 'dataset:1.question');
    expectAresError(() => parseDataset('{"id": "a", "benchmark": "gsm8k", "question": "q"}'), 'INVALID_ARGUMENT', 'dataset:1.answer');
    expectAresError(() => parseDataset('[1]'), 'INVALID_ARGUMENT', 'dataset:1');
    expectAresError(() => parseDataset('{"id": "a", "benchmark": "gsm8k", "question": "q", "answer": "1", "difficulty": 1.5}'), 'INVALID_ARGUMENT', 'dataset:1.difficulty');
    expectAresError(() => parseDataset('{"id": "a", "benchmark": "gsm8k", "question": "q", "answer": "1", "precision": 0}'), 'INVALID_ARGUMENT', 'dataset:1.precision');
    expectAresError(() => parseDataset('{"id": "a", "benchmark": "gsm8k", "question": "q", "answer": "1", "choices": "AB"}'), 'INVALID_ARGUMENT', 'dataset:1.choices');
  });

  it('rejects duplicate ids within a benchmark', () => {
    const line = '{"id": "a", "benchmark": "gsm8k", "question": "q", "answer": "1"}';
    expectAresError(() => parseDataset(`${line}\n${line}`), 'INVALID_ARGUMENT', 'dataset:2.id');
  });

  it('parses every shipped fixture set', () => {
    const directory = new URL('../data/', import.meta.url);
    const files = readdirSync(directory).filter((name) => name.endsWith('.jsonl'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const items = parseDataset(readFileSync(new URL(file, directory), 'utf8'), { source: file });
      expect(items.length, file).toBeGreaterThan(0);
    }
  });
});
