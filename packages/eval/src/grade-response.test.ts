import { readFileSync } from 'node:fs';
import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { type EvalItem, parseDataset } from './dataset';
import { gradeResponse } from './grade-response';

const item = (fields: Partial<EvalItem> & Pick<EvalItem, 'benchmark' | 'gold'>): EvalItem => ({ id: 'x', question: 'q', ...fields });

describe('gradeResponse', () => {
  it('grades GSM8K strictly by #### and else by the last number', () => {
    const gsm = item({ benchmark: 'gsm8k', gold: '125 * 12 = 1500\n#### 1,500' });
    expect(gradeResponse(gsm, 'It costs $1,500.\n#### 1500')).toMatchObject({ correct: true, method: 'gsm8k', extracted: '1500' });
    expect(gradeResponse(gsm, 'So the total is 1500 dollars.')).toMatchObject({ correct: true, method: 'last-number' });
    expect(gradeResponse(gsm, '#### 1400\nor maybe 1500')).toMatchObject({ correct: false, extracted: '1400' });
    expect(gradeResponse(gsm, 'no idea')).toMatchObject({ correct: false, answered: false });
  });

  it('accepts leading zeros on AIME', () => {
    expect(gradeResponse(item({ benchmark: 'aime25', gold: '4' }), 'Thus \\boxed{004}').correct).toBe(true);
    expect(gradeResponse(item({ benchmark: 'aime25', gold: '40' }), 'Thus \\boxed{004}').correct).toBe(false);
  });

  it('grades MATH-500 by boxed answer and equivalence', () => {
    const math = item({ benchmark: 'math500', gold: '[2,5)' });
    expect(gradeResponse(math, 'The domain is $\\boxed{[2, 5)}$.').correct).toBe(true);
    expect(gradeResponse(math, 'The domain is $\\boxed{(2, 5)}$.').correct).toBe(false);
  });

  it('reads MMLU-Pro letters from the first "answer is (X)"', () => {
    const mmlu = item({ benchmark: 'mmlu-pro', gold: 'B', choices: ['Venus', 'Mercury', 'Earth', 'Mars'] });
    expect(gradeResponse(mmlu, 'the answer is (B). Later: the answer is (C).')).toMatchObject({ correct: true, extracted: 'B' });
    expect(gradeResponse(mmlu, 'I think Mercury')).toMatchObject({ correct: false, answered: false });
  });

  it('matches a multiple-choice letter to option text and back', () => {
    const mmmu = item({ benchmark: 'mmmu', gold: '56', choices: ['54', '56', '58', '64'] });
    expect(gradeResponse(mmmu, 'The answer is (B).')).toMatchObject({ correct: true, extracted: 'B' });
    expect(gradeResponse(mmmu, '7 × 8 = \\boxed{56}')).toMatchObject({ correct: true, method: 'option-text' });
    expect(gradeResponse(mmmu, 'The answer is (C).').correct).toBe(false);
  });

  it('uses a seeded, counted random letter only when the MMMU fallback is enabled', () => {
    const mmmu = item({ benchmark: 'mmmu', gold: 'A', choices: ['1', '2', '3', '4'] });
    expect(gradeResponse(mmmu, 'unclear').fallback).toBe(false);
    const first = gradeResponse(mmmu, 'unclear', { randomChoiceFallback: true, seed: 7 });
    const again = gradeResponse(mmmu, 'unclear', { randomChoiceFallback: true, seed: 7 });
    expect(first).toMatchObject({ fallback: true, method: 'random-fallback', answered: true });
    expect(again).toEqual(first);
  });

  it('reads DynaMath JSON answers with three significant digits', () => {
    const dyna = item({ benchmark: 'dynamath', gold: '12.566' });
    expect(gradeResponse(dyna, '{"solution": "pi r^2", "short answer": "12.57"}')).toMatchObject({ correct: true, method: 'json' });
    expect(gradeResponse(dyna, '{"solution": "…", "short answer": "12.7"}').correct).toBe(false);
  });

  it('grades MathVista floats with the item precision', () => {
    const vista = item({ benchmark: 'mathvista', gold: '1.25', answerType: 'float', precision: 2 });
    expect(gradeResponse(vista, 'about \\boxed{1.26}').correct).toBe(true);
    expect(gradeResponse({ ...vista, precision: 4 }, 'about \\boxed{1.26}').correct).toBe(false);
  });

  it('throws UNSUPPORTED for an unknown benchmark', () => {
    expectAresError(() => gradeResponse(item({ benchmark: 'unknown', gold: '1' }), '1'), 'UNSUPPORTED', 'item.benchmark');
  });

  it('grades every shipped math item correctly from its own gold answer', () => {
    const items = parseDataset(readFileSync(new URL('../data/math-mini.jsonl', import.meta.url), 'utf8'));
    for (const mathItem of items) expect(gradeResponse(mathItem, `Therefore $\\boxed{${mathItem.gold}}$.`).correct, mathItem.id).toBe(true);
  });
});
