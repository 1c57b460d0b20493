import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { expectAresError } from '@ares/testing';
import { IMAGE_SIZE, MAX_LEVEL, TASK_KINDS, generateProblem, generateProblems, type Problem } from './problems';

// Independent evaluators: they read only the prompt text or the image pixels, never the generator's spec.

/** Left-to-right value of a prompt like `3+4-2*2=?`, with every intermediate value. */
function evaluatePrompt(prompt: string): { values: number[]; operations: number } {
  const match = /^(\d)((?:[+\-*]\d)*)=\?$/.exec(prompt);
  if (match === null) throw new Error(`malformed prompt ${prompt}`);
  const values = [Number(match[1])];
  for (const [, operator, operand] of match[2]!.matchAll(/([+\-*])(\d)/g)) {
    const value = values.at(-1)!;
    values.push(operator === '+' ? value + Number(operand) : operator === '-' ? value - Number(operand) : value * Number(operand));
  }
  return { values, operations: values.length - 1 };
}

/** Connected components of lit pixels (8-neighbourhood), each as its list of pixel indices. */
function components(image: Float32Array): number[][] {
  const seen = new Uint8Array(image.length);
  const found: number[][] = [];
  for (let start = 0; start < image.length; start++) {
    if (image[start] === 0 || seen[start]) continue;
    const stack = [start];
    const pixels: number[] = [];
    seen[start] = 1;
    while (stack.length > 0) {
      const pixel = stack.pop()!;
      pixels.push(pixel);
      const x = pixel % IMAGE_SIZE;
      const y = Math.floor(pixel / IMAGE_SIZE);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= IMAGE_SIZE || ny >= IMAGE_SIZE) continue;
          const next = ny * IMAGE_SIZE + nx;
          if (image[next] !== 0 && !seen[next]) {
            seen[next] = 1;
            stack.push(next);
          }
        }
      }
    }
    found.push(pixels.sort((a, b) => a - b));
  }
  return found;
}

/** The digit font as a reader sees it (3 × 5, '#' lit). */
const FONT: Record<string, string> = {
  '0': '### #.# #.# #.# ###',
  '1': '.#. ##. .#. .#. ###',
  '2': '### ..# ### #.. ###',
  '3': '### ..# ### ..# ###',
  '4': '#.# #.# ### ..# ..#',
  '5': '### #.. ### ..# ###',
  '6': '### #.. ### #.# ###',
  '7': '### ..# ..# ..# ..#',
  '8': '### #.# ### #.# ###',
  '9': '### #.# ### ..# ###',
};

/** Reads the digits of an `add` image: 3 × 5 glyphs in cells at x = 0, 4, 8, 12 and y = 2, 9; returns them in reading order. */
function readDigits(image: Float32Array): string[] {
  const digits: string[] = [];
  const covered = new Uint8Array(image.length);
  for (const y of [2, 9]) {
    for (const x of [0, 4, 8, 12]) {
      const rows: string[] = [];
      for (let row = 0; row < 5; row++) {
        let text = '';
        for (let column = 0; column < 3; column++) {
          const index = (y + row) * IMAGE_SIZE + x + column;
          covered[index] = 1;
          text += image[index] === 1 ? '#' : '.';
        }
        rows.push(text);
      }
      const pattern = rows.join(' ');
      if (pattern === '... ... ... ... ...') continue;
      const digit = Object.keys(FONT).find((key) => FONT[key] === pattern);
      if (digit === undefined) throw new Error(`unreadable glyph ${pattern}`);
      digits.push(digit);
    }
  }
  image.forEach((value, index) => {
    if (!covered[index] && value !== 0) throw new Error(`lit pixel ${index} outside the glyph cells`);
  });
  return digits;
}

function allProblems(seed: number, perLevel: number): Problem[] {
  const random = createRng(seed);
  const problems: Problem[] = [];
  for (const kind of TASK_KINDS) {
    for (let level = 1; level <= MAX_LEVEL[kind]; level++) {
      for (let index = 0; index < perLevel; index++) problems.push(generateProblem(kind, level, random));
    }
  }
  return problems;
}

describe('generateProblem', () => {
  const problems = allProblems(7, 40);

  it('gives arithmetic answers equal to the prompt evaluated left to right, in [0, 99] at every step', () => {
    const arithmetic = problems.filter((problem) => problem.kind === 'arithmetic');
    expect(arithmetic.length).toBeGreaterThan(0);
    for (const problem of arithmetic) {
      const { values, operations } = evaluatePrompt(problem.prompt);
      expect(String(values.at(-1))).toBe(problem.answer);
      expect(operations).toBe(problem.level);
      expect(values.every((value) => value >= 0 && value <= 99 && Number.isInteger(value))).toBe(true);
      expect(problem.image).toBeUndefined();
    }
  });

  it('gives count answers equal to the number of separate 2×2 blocks in the image', () => {
    const count = problems.filter((problem) => problem.kind === 'count');
    for (const problem of count) {
      const blobs = components(problem.image!);
      expect(String(blobs.length)).toBe(problem.answer);
      expect(blobs.length).toBe(problem.level);
      for (const blob of blobs) {
        const [first] = blob;
        expect(blob).toEqual([first!, first! + 1, first! + IMAGE_SIZE, first! + IMAGE_SIZE + 1]);
      }
      expect(problem.prompt).toBe('count ?');
    }
  });

  it('gives add answers equal to the sum of the digits drawn in the image', () => {
    const add = problems.filter((problem) => problem.kind === 'add');
    for (const problem of add) {
      const digits = readDigits(problem.image!);
      expect(digits.length).toBe(problem.level);
      expect(String(digits.reduce((sum, digit) => sum + Number(digit), 0))).toBe(problem.answer);
      expect(problem.prompt).toBe('add ?');
    }
  });

  it('draws images of IMAGE_SIZE² pixels with values 0 or 1', () => {
    for (const problem of problems.filter((item) => item.image !== undefined)) {
      expect(problem.image!.length).toBe(IMAGE_SIZE * IMAGE_SIZE);
      expect(problem.image!.every((value) => value === 0 || value === 1)).toBe(true);
    }
  });

  it('uses every digit, operator and object position across many problems', () => {
    const text = problems.map((problem) => problem.prompt).join('');
    for (const symbol of ['+', '-', '*']) expect(text).toContain(symbol);
    const digits = new Set(problems.filter((problem) => problem.kind === 'add').flatMap((problem) => readDigits(problem.image!)));
    expect(digits.size).toBe(10);
  });

  it('throws INVALID_ARGUMENT naming level outside [1, MAX_LEVEL]', () => {
    const random = createRng(1);
    expectAresError(() => generateProblem('arithmetic', 0, random), 'INVALID_ARGUMENT', 'level');
    expectAresError(() => generateProblem('count', MAX_LEVEL.count + 1, random), 'INVALID_ARGUMENT', 'level');
    expectAresError(() => generateProblem('add', 1.5, random), 'INVALID_ARGUMENT', 'level');
  });

  it('throws UNSUPPORTED naming kind for an unknown kind', () => {
    expectAresError(() => generateProblem('divide' as never, 1, createRng(1)), 'UNSUPPORTED', 'kind');
  });
});

describe('generateProblems', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const first = generateProblems(60, 123);
    expect(generateProblems(60, 123)).toEqual(first);
    expect(generateProblems(60, 124)).not.toEqual(first);
    expect(new Set(first.map((problem) => problem.id)).size).toBe(60);
  });

  it('draws only the requested kinds and levels, clipping levels to each kind', () => {
    const problems = generateProblems(200, 'levels', { kinds: ['arithmetic', 'add'], levels: [1, 7] });
    for (const problem of problems) {
      expect(['arithmetic', 'add']).toContain(problem.kind);
      expect(problem.kind === 'add' ? [1] : [1, 7]).toContain(problem.level);
    }
    expect(new Set(problems.map((problem) => `${problem.kind}${problem.level}`))).toEqual(new Set(['arithmetic1', 'arithmetic7', 'add1']));
  });

  it('returns no problems for count 0', () => {
    expect(generateProblems(0, 1)).toEqual([]);
  });

  it('throws INVALID_ARGUMENT for a negative count, empty kinds or levels valid for no kind', () => {
    expectAresError(() => generateProblems(-1, 1), 'INVALID_ARGUMENT', 'count');
    expectAresError(() => generateProblems(1, 1, { kinds: [] }), 'INVALID_ARGUMENT', 'options.kinds');
    expectAresError(() => generateProblems(1, 1, { kinds: ['add'], levels: [7] }), 'INVALID_ARGUMENT', 'options.levels');
    expectAresError(() => generateProblems(1, 1, { kinds: ['nope' as never] }), 'UNSUPPORTED', 'options.kinds');
  });
});
