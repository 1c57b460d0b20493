import { AresError, assertInteger, assertOneOf, createRng } from '@ares/core';

/** The kinds of generated problems: a text arithmetic chain, or counting / adding what an image shows. */
export type TaskKind = 'arithmetic' | 'count' | 'add';

/** Every {@link TaskKind}. */
export const TASK_KINDS: readonly TaskKind[] = Object.freeze(['arithmetic', 'count', 'add']);

/**
 * The highest difficulty level of each kind: the number of operations (`arithmetic`), of objects (`count`) or of
 * digits (`add`). Level 1 is the easiest.
 */
export const MAX_LEVEL: Readonly<Record<TaskKind, number>> = Object.freeze({ arithmetic: 8, count: 9, add: 6 });

/** Side of the square grayscale images, in pixels. */
export const IMAGE_SIZE = 16;

/** Largest value an arithmetic chain may reach (every intermediate value stays in [0, 99]). */
export const MAX_VALUE = 99;

/** One step of an arithmetic chain: `value ← value operator operand`. */
export interface ArithmeticOperation {
  readonly operator: '+' | '-' | '*';
  readonly operand: number;
}

/** An arithmetic chain evaluated left to right: start, then each operation in turn. */
export interface ArithmeticSpec {
  readonly kind: 'arithmetic';
  readonly start: number;
  readonly operations: readonly ArithmeticOperation[];
}

/** An image of 2×2 blocks on a 5×5 grid of slots; the answer is how many. */
export interface CountSpec {
  readonly kind: 'count';
  /** Occupied slots as `row * 5 + column`, ascending (reading order). */
  readonly slots: readonly number[];
}

/** An image of digits in a 2 × 4 grid of cells; the answer is their sum. */
export interface AddSpec {
  readonly kind: 'add';
  /** Occupied cells as `row * 4 + column`, ascending (reading order). */
  readonly cells: readonly number[];
  /** The digit drawn in each occupied cell, in the order of `cells`. */
  readonly digits: readonly number[];
}

/** A generated problem with its gold answer. */
export interface Problem {
  /** Stable id: `<kind>-<level>-<seed>-<index>` for {@link generateProblems}. */
  readonly id: string;
  readonly kind: TaskKind;
  /** Difficulty level in [1, MAX_LEVEL[kind]]. */
  readonly level: number;
  /** The question text (the image, if any, comes before it as prefix tokens). */
  readonly prompt: string;
  /** The gold answer, a non-negative integer in decimal. */
  readonly answer: string;
  /** `IMAGE_SIZE²` row-major grayscale pixels in [0, 1] for `count` and `add`; absent for `arithmetic`. */
  readonly image?: Float32Array;
  /** What was generated, for traces and checks. */
  readonly spec: ArithmeticSpec | CountSpec | AddSpec;
}

/** Grid of the `count` images: 2×2 blocks at pixel offsets 1 + 3·i, i = 0..4 (one blank pixel between blocks). */
const COUNT_GRID = 5;
const COUNT_PITCH = 3;
const COUNT_OFFSET = 1;
const BLOCK = 2;

/** Grid of the `add` images: 3×5 glyphs in 2 rows × 4 columns of cells, at x = 4·column, y = 2 + 7·row. */
const ADD_COLUMNS = 4;
const ADD_ROWS = 2;
const GLYPH_WIDTH = 3;
const GLYPH_HEIGHT = 5;

/**
 * 3×5 digit glyphs, rows top to bottom, each row 3 bits with the leftmost pixel as the highest bit.
 * @internal
 */
export const DIGIT_GLYPHS: readonly (readonly number[])[] = Object.freeze([
  [0b111, 0b101, 0b101, 0b101, 0b111],
  [0b010, 0b110, 0b010, 0b010, 0b111],
  [0b111, 0b001, 0b111, 0b100, 0b111],
  [0b111, 0b001, 0b111, 0b001, 0b111],
  [0b101, 0b101, 0b111, 0b001, 0b001],
  [0b111, 0b100, 0b111, 0b001, 0b111],
  [0b111, 0b100, 0b111, 0b101, 0b111],
  [0b111, 0b001, 0b001, 0b001, 0b001],
  [0b111, 0b101, 0b111, 0b101, 0b111],
  [0b111, 0b101, 0b111, 0b001, 0b111],
]);

/** Top-left pixel (x, y) of cell `cell` of the `add` grid. @internal */
export function addCellOrigin(cell: number): readonly [x: number, y: number] {
  return [(cell % ADD_COLUMNS) * (GLYPH_WIDTH + 1), 2 + Math.floor(cell / ADD_COLUMNS) * (GLYPH_HEIGHT + 2)];
}

/** Top-left pixel (x, y) of slot `slot` of the `count` grid. @internal */
export function countSlotOrigin(slot: number): readonly [x: number, y: number] {
  return [COUNT_OFFSET + (slot % COUNT_GRID) * COUNT_PITCH, COUNT_OFFSET + Math.floor(slot / COUNT_GRID) * COUNT_PITCH];
}

/** Value of an arithmetic chain evaluated left to right, with every intermediate value. */
export function evaluateChain(spec: ArithmeticSpec): number[] {
  const values = [spec.start];
  let value = spec.start;
  for (const { operator, operand } of spec.operations) {
    value = operator === '+' ? value + operand : operator === '-' ? value - operand : value * operand;
    values.push(value);
  }
  return values;
}

/**
 * One seeded problem of a kind and level.
 *
 * `arithmetic`: a start digit and `level` operations with digit operands (`+` 1–9, `-` up to the current value,
 * `*` 2–3), every intermediate value in [0, 99]; prompt `3+4-2*2=?`, evaluated left to right.
 * `count`: `level` 2×2 blocks on distinct slots of a 5×5 grid (never touching); prompt `count ?`.
 * `add`: `level` digits 0–9 in distinct cells of a 2×4 grid of 3×5 glyphs; prompt `add ?`, answer their sum.
 *
 * @param kind - the task kind
 * @param level - difficulty, an integer in [1, MAX_LEVEL[kind]]
 * @param random - uniform [0, 1) source (a seeded `createRng`)
 * @param id - the problem id
 * @returns the problem; `image` is a new array
 * @throws {AresError} `UNSUPPORTED` (parameter `kind`) for an unknown kind; `INVALID_ARGUMENT` (parameter `level`)
 *   for a level outside its range
 * @see SPEC.md §2.9
 */
export function generateProblem(kind: TaskKind, level: number, random: () => number, id = `${kind}-${level}`): Problem {
  assertOneOf(kind, TASK_KINDS, 'kind');
  assertInteger(level, 'level');
  if (level > MAX_LEVEL[kind]) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'level', value: level, message: `generateProblem: level of ${kind} must be in [1, ${MAX_LEVEL[kind]}], got ${level}` });
  }
  const integer = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  if (kind === 'arithmetic') {
    const start = integer(0, 9);
    const operations: ArithmeticOperation[] = [];
    let value = start;
    for (let step = 0; step < level; step++) {
      const allowed: ('+' | '-' | '*')[] = [];
      if (value + 1 <= MAX_VALUE) allowed.push('+');
      if (value >= 1) allowed.push('-');
      if (value >= 1 && value * 2 <= MAX_VALUE) allowed.push('*');
      const operator = allowed[Math.floor(random() * allowed.length)]!;
      const operand =
        operator === '+' ? integer(1, Math.min(9, MAX_VALUE - value))
        : operator === '-' ? integer(1, Math.min(9, value))
        : integer(2, value * 3 <= MAX_VALUE ? 3 : 2);
      operations.push({ operator, operand });
      value = operator === '+' ? value + operand : operator === '-' ? value - operand : value * operand;
    }
    const prompt = `${start}${operations.map(({ operator, operand }) => `${operator}${operand}`).join('')}=?`;
    return { id, kind, level, prompt, answer: String(value), spec: { kind, start, operations } };
  }
  const image = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  if (kind === 'count') {
    const slots = choose(COUNT_GRID * COUNT_GRID, level, random);
    for (const slot of slots) {
      const [x, y] = countSlotOrigin(slot);
      for (let row = 0; row < BLOCK; row++) for (let column = 0; column < BLOCK; column++) image[(y + row) * IMAGE_SIZE + x + column] = 1;
    }
    return { id, kind, level, prompt: 'count ?', answer: String(level), image, spec: { kind, slots } };
  }
  const cells = choose(ADD_COLUMNS * ADD_ROWS, level, random);
  const digits = cells.map(() => integer(0, 9));
  cells.forEach((cell, index) => {
    const [x, y] = addCellOrigin(cell);
    const glyph = DIGIT_GLYPHS[digits[index]!]!;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if ((glyph[row]! >> (GLYPH_WIDTH - 1 - column)) & 1) image[(y + row) * IMAGE_SIZE + x + column] = 1;
      }
    }
  });
  const sum = digits.reduce((total, digit) => total + digit, 0);
  return { id, kind, level, prompt: 'add ?', answer: String(sum), image, spec: { kind, cells, digits } };
}

/**
 * `count` distinct integers of [0, size) drawn uniformly, in draw order (partial Fisher–Yates, one draw each).
 * @internal
 */
export function drawDistinct(size: number, count: number, random: () => number): number[] {
  const pool = Array.from({ length: size }, (_, index) => index);
  const drawn = Math.min(count, size);
  for (let index = 0; index < drawn; index++) {
    const swap = index + Math.floor(random() * (size - index));
    [pool[index], pool[swap]] = [pool[swap]!, pool[index]!];
  }
  return pool.slice(0, drawn);
}

/** `count` distinct integers of [0, size), ascending, drawn uniformly. */
function choose(size: number, count: number, random: () => number): number[] {
  return drawDistinct(size, count, random).sort((a, b) => a - b);
}

/** Options of {@link generateProblems}. */
export interface GenerateProblemsOptions {
  /**
   * Kinds to draw from, uniformly.
   * @default TASK_KINDS
   */
  readonly kinds?: readonly TaskKind[];
  /**
   * Levels to draw from, uniformly; each kind uses those within its range (at least level 1).
   * @default every level of the kind
   */
  readonly levels?: readonly number[];
}

/** Defaults of {@link GenerateProblemsOptions}. */
export const DEFAULT_GENERATE_PROBLEMS_OPTIONS: Readonly<{ kinds: readonly TaskKind[] }> = Object.freeze({ kinds: TASK_KINDS });

/**
 * A seeded list of problems: the same seed gives the same problems.
 *
 * @param count - number of problems, an integer ≥ 0
 * @param seed - integer or string seed of the `@ares/core` generator
 * @param options - kinds and levels to draw from
 * @returns `count` problems with ids `<kind>-<level>-<seed>-<index>`
 * @throws {AresError} `INVALID_ARGUMENT` for a negative `count`, an empty `options.kinds` or `options.levels` with
 *   no valid level for a kind; `UNSUPPORTED` for an unknown kind
 */
export function generateProblems(count: number, seed: number | string, options: GenerateProblemsOptions = {}): Problem[] {
  assertInteger(count, 'count', 0);
  const kinds = options.kinds ?? DEFAULT_GENERATE_PROBLEMS_OPTIONS.kinds;
  if (kinds.length === 0) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.kinds', value: kinds, message: 'generateProblems: options.kinds is empty' });
  for (const kind of kinds) assertOneOf(kind, TASK_KINDS, 'options.kinds');
  const levelsOf = new Map<TaskKind, number[]>();
  for (const kind of kinds) {
    const all = Array.from({ length: MAX_LEVEL[kind] }, (_, index) => index + 1);
    const levels = options.levels === undefined ? all : all.filter((level) => options.levels!.includes(level));
    if (levels.length === 0) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.levels', value: options.levels, message: `generateProblems: no level of options.levels is valid for ${kind} (1–${MAX_LEVEL[kind]})` });
    }
    levelsOf.set(kind, levels);
  }
  const random = createRng(seed);
  const problems: Problem[] = [];
  for (let index = 0; index < count; index++) {
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    const levels = levelsOf.get(kind)!;
    const level = levels[Math.floor(random() * levels.length)]!;
    problems.push(generateProblem(kind, level, random, `${kind}-${level}-${seed}-${index}`));
  }
  return problems;
}
