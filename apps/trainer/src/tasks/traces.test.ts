import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { expectAresError } from '@ares/testing';
import { MAX_LEVEL, TASK_KINDS, generateProblem, generateProblems, type Problem } from './problems';
import { Tokenizer } from './tokenizer';
import { VERBOSITIES, parseResponse, teacherTrace, type Verbosity } from './traces';

const tokenizer = new Tokenizer();

/** True when a line `a+b=c`, `a-b=c` or `a*b=c` is arithmetically right. */
function equationHolds(line: string): boolean {
  const match = /^(\d+)([+\-*])(\d+)=(\d+)$/.exec(line);
  if (match === null) return false;
  const [a, b, c] = [Number(match[1]), Number(match[3]), Number(match[4])];
  return (match[2] === '+' ? a + b : match[2] === '-' ? a - b : a * b) === c;
}

/** Checks every line of a think block on its own terms; returns the step lines (without re-checks and conclusion). */
function checkThinking(problem: Problem, thinking: string): string[] {
  const lines = thinking.split('\n');
  expect(lines.at(-1)).toBe(`so ${problem.answer}`);
  const steps: string[] = [];
  for (const line of lines.slice(0, -1)) {
    const recheck = /^(wait|check) (.+) ok$/.exec(line);
    if (recheck !== null) {
      const body = recheck[2]!;
      if (problem.kind === 'count') expect(body).toBe(steps.at(-1));
      else expect(equationHolds(body)).toBe(true);
      continue;
    }
    steps.push(line);
  }
  return steps;
}

describe('teacherTrace', () => {
  const random = createRng(11);
  const problems: Problem[] = [];
  for (const kind of TASK_KINDS) for (let level = 1; level <= MAX_LEVEL[kind]; level++) for (let i = 0; i < 15; i++) problems.push(generateProblem(kind, level, random));

  it('ends every trace in <think>…</think> then the boxed gold answer, and tokenizes', () => {
    for (const problem of problems) {
      for (const verbosity of VERBOSITIES) {
        const trace = teacherTrace(problem, verbosity, random);
        const parsed = parseResponse(trace);
        expect(parsed?.answer).toBe(problem.answer);
        expect(trace.endsWith(`</think>\\boxed{${problem.answer}}`)).toBe(true);
        expect(tokenizer.decode(tokenizer.encode(trace))).toBe(trace);
      }
    }
  });

  it('writes arithmetic steps that replay the prompt chain, each equation right', () => {
    for (const problem of problems.filter((item) => item.kind === 'arithmetic')) {
      const steps = checkThinking(problem, parseResponse(teacherTrace(problem, 'steps', random))!.thinking);
      expect(steps.length).toBe(problem.level);
      expect(steps.every(equationHolds)).toBe(true);
      // Chained: each step starts from the previous result; operators and operands are the prompt's, in order.
      const fromPrompt = problem.prompt.slice(1, -2);
      expect(steps.map((step) => /^\d+([+\-*]\d+)=/.exec(step)![1]).join('')).toBe(fromPrompt);
      expect(steps[0]!.startsWith(problem.prompt[0]!)).toBe(true);
      for (let index = 1; index < steps.length; index++) {
        expect(steps[index]!.startsWith(`${steps[index - 1]!.split('=')[1]}`)).toBe(true);
      }
      expect(steps.at(-1)!.endsWith(`=${problem.answer}`)).toBe(true);
    }
  });

  it('counts objects 1..n and adds digits with right partial sums', () => {
    for (const problem of problems.filter((item) => item.kind !== 'arithmetic')) {
      const steps = checkThinking(problem, parseResponse(teacherTrace(problem, 'steps', random))!.thinking);
      if (problem.kind === 'count') {
        expect(steps).toEqual([Array.from({ length: problem.level }, (_, index) => index + 1).join(' ')]);
      } else if (problem.level === 1) {
        expect(steps).toEqual([problem.answer]);
      } else {
        expect(steps.length).toBe(problem.level - 1);
        expect(steps.every(equationHolds)).toBe(true);
        expect(steps.at(-1)!.endsWith(`=${problem.answer}`)).toBe(true);
      }
    }
  });

  it('adds at least one right re-checking line starting with wait or check in recheck traces only', () => {
    let wait = 0;
    let check = 0;
    for (const problem of problems) {
      const recheck = parseResponse(teacherTrace(problem, 'recheck', random))!.thinking;
      const lines = recheck.split('\n');
      const triggers = lines.filter((line) => /^(wait|check) /.test(line));
      expect(triggers.length).toBeGreaterThan(0);
      wait += triggers.filter((line) => line.startsWith('wait')).length;
      check += triggers.filter((line) => line.startsWith('check')).length;
      const withoutTriggers = lines.filter((line) => !/^(wait|check) /.test(line)).join('\n');
      expect(withoutTriggers).toBe(parseResponse(teacherTrace(problem, 'steps', random))!.thinking);
      checkThinking(problem, recheck);
      expect(parseResponse(teacherTrace(problem, 'steps', random))!.thinking).not.toMatch(/wait|check/);
    }
    expect(wait).toBeGreaterThan(0);
    expect(check).toBeGreaterThan(0);
  });

  it('writes terse traces with only the conclusion', () => {
    for (const problem of problems) expect(teacherTrace(problem, 'terse', random)).toBe(`<think>so ${problem.answer}</think>\\boxed{${problem.answer}}`);
  });

  it('orders lengths terse < steps < recheck', () => {
    for (const problem of problems) {
      const [terse, steps, recheck] = VERBOSITIES.map((verbosity) => tokenizer.encode(teacherTrace(problem, verbosity, random)).length);
      expect(terse!).toBeLessThan(steps!);
      expect(steps!).toBeLessThan(recheck!);
    }
  });

  it('grades difficulty monotonically: mean step-trace length strictly grows with level', () => {
    for (const kind of TASK_KINDS) {
      const means: number[] = [];
      for (let level = 1; level <= MAX_LEVEL[kind]; level++) {
        const sample = generateProblems(40, `monotone-${kind}-${level}`, { kinds: [kind], levels: [level] });
        const lengths = sample.map((problem) => tokenizer.encode(teacherTrace(problem, 'steps', random)).length);
        means.push(lengths.reduce((sum, length) => sum + length, 0) / lengths.length);
      }
      for (let level = 1; level < means.length; level++) expect(means[level]!).toBeGreaterThan(means[level - 1]!);
    }
  });

  it('is deterministic for the same random state', () => {
    const [problem] = generateProblems(1, 5, { kinds: ['arithmetic'], levels: [6] });
    expect(teacherTrace(problem!, 'recheck', createRng(3))).toBe(teacherTrace(problem!, 'recheck', createRng(3)));
  });

  it('throws UNSUPPORTED naming verbosity for an unknown verbosity', () => {
    expectAresError(() => teacherTrace(problems[0]!, 'chatty' as Verbosity, random), 'UNSUPPORTED', 'verbosity');
  });
});

describe('parseResponse', () => {
  it('splits thinking and answer', () => {
    expect(parseResponse('<think>1+1=2\nso 2</think>\\boxed{2}')).toEqual({ thinking: '1+1=2\nso 2', answer: '2' });
    expect(parseResponse('<think></think>\\boxed{}')).toEqual({ thinking: '', answer: '' });
  });

  it('rejects text around the format, a missing box or a nested think block', () => {
    for (const text of ['so 2</think>\\boxed{2}', '<think>so 2</think>', '<think>so 2</think>\\boxed{2} ', ' <think>so 2</think>\\boxed{2}', '<think><think>2</think>\\boxed{2}', '<think>2</think>2\\boxed{2}', '<think>2</think>\\boxed{2}}']) {
      expect(parseResponse(text)).toBeUndefined();
    }
  });
});
