import { AresError, type DifficultyBucket, isDifficultyBucket } from '@ares/core';
import { assertBenchmark } from './grade-response';

/** The answer format of an item (MathVista style). */
export type AnswerType = 'choice' | 'integer' | 'float' | 'text' | 'expression';

const ANSWER_TYPES: readonly AnswerType[] = ['choice', 'integer', 'float', 'text', 'expression'];

/** One benchmark item (SPEC §5.5). */
export interface EvalItem {
  /** Unique within the benchmark. */
  readonly id: string;
  /** A name from {@link BENCHMARK_NAMES}. */
  readonly benchmark: string;
  /** The question text (for multimodal items, what accompanies the image). */
  readonly question: string;
  /** The reference answer or solution. */
  readonly gold: string;
  /** Multiple-choice option texts, `choices[0]` for letter A. */
  readonly choices?: readonly string[];
  /** Answer format. */
  readonly answerType?: AnswerType;
  /** Significant digits for numeric answers (see `isEquivalent`). */
  readonly precision?: number;
  /** Seed question of a variant (DynaMath worst case). */
  readonly variantOf?: string;
  /** Dataset difficulty: a bucket or a pass rate in [0, 1]. */
  readonly difficulty?: DifficultyBucket | number;
  /** An image as a path (relative to the dataset file) or a `data:` URL. */
  readonly image?: string;
}

/** Options of {@link parseDataset}. */
export interface ParseDatasetOptions {
  /** Benchmark for lines that do not name one. */
  readonly benchmark?: string;
  /** Name of the source, used in error messages. @default 'dataset' */
  readonly source?: string;
}

function fail(parameter: string, value: unknown, message: string): never {
  throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value, message: `${parameter}: ${message}` });
}

function optionalString(record: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return fail(`${where}.${key}`, value, 'expected a string');
}

/**
 * Parses a JSONL dataset: one JSON object per non-empty line with `id`, `question`, `answer` (or `gold`),
 * optional `benchmark`, `choices`, `answerType`, `precision`, `variant` (or `variantOf`), `difficulty` and `image`.
 * Numeric ids and answers are kept as strings.
 *
 * @param text - the file content
 * @param options - `benchmark` for lines without one; `source` for messages
 * @returns the items in file order
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `<source>:<line>.<field>`) for malformed JSON, a missing or
 *   mistyped field or a duplicate id; `UNSUPPORTED` for an unknown benchmark (nothing falls back silently)
 * @example
 * ```ts
 * parseDataset('{"id": 1, "benchmark": "gsm8k", "question": "1+1?", "answer": "2"}')[0].gold // '2'
 * ```
 * @see SPEC.md §5.5
 */
export function parseDataset(text: string, options: ParseDatasetOptions = {}): EvalItem[] {
  const source = options.source ?? 'dataset';
  const items: EvalItem[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim().length === 0) return;
    const where = `${source}:${index + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: where, value: line.slice(0, 80), message: `${where}: not valid JSON`, cause: error });
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) fail(where, record, 'expected a JSON object');
    const fields = record as Record<string, unknown>;
    const id = optionalString(fields, 'id', where) ?? fail(`${where}.id`, undefined, 'missing');
    const benchmark = (optionalString(fields, 'benchmark', where) ?? options.benchmark ?? fail(`${where}.benchmark`, undefined, 'missing (give it per line or as an option)')).toLowerCase();
    assertBenchmark(benchmark, `${where}.benchmark`);
    const question = optionalString(fields, 'question', where) ?? fail(`${where}.question`, undefined, 'missing');
    const gold = optionalString(fields, 'answer', where) ?? optionalString(fields, 'gold', where) ?? fail(`${where}.answer`, undefined, 'missing');
    const key = `${benchmark}\u0000${id}`;
    if (seen.has(key)) fail(`${where}.id`, id, `duplicate id in benchmark ${benchmark}`);
    seen.add(key);
    const item: { -readonly [K in keyof EvalItem]: EvalItem[K] } = { id, benchmark, question, gold };
    if (fields['choices'] !== undefined && fields['choices'] !== null) {
      const choices = fields['choices'];
      if (!Array.isArray(choices) || choices.some((choice) => typeof choice !== 'string' && typeof choice !== 'number')) fail(`${where}.choices`, choices, 'expected an array of strings');
      item.choices = (choices as (string | number)[]).map(String);
    }
    const answerType = optionalString(fields, 'answerType', where) ?? optionalString(fields, 'answer_type', where);
    if (answerType !== undefined) {
      if (!(ANSWER_TYPES as readonly string[]).includes(answerType)) fail(`${where}.answerType`, answerType, `expected one of ${ANSWER_TYPES.join(', ')}`);
      item.answerType = answerType as AnswerType;
    }
    if (fields['precision'] !== undefined && fields['precision'] !== null) {
      const precision = fields['precision'];
      if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1 || precision > 15) fail(`${where}.precision`, precision, 'expected an integer in [1, 15]');
      item.precision = precision;
    }
    const variantOf = optionalString(fields, 'variantOf', where) ?? optionalString(fields, 'variant', where);
    if (variantOf !== undefined) item.variantOf = variantOf;
    const difficulty = fields['difficulty'];
    if (difficulty !== undefined && difficulty !== null) {
      if (typeof difficulty === 'number' && Number.isFinite(difficulty) && difficulty >= 0 && difficulty <= 1) item.difficulty = difficulty;
      else if (typeof difficulty === 'string' && isDifficultyBucket(difficulty)) item.difficulty = difficulty;
      else fail(`${where}.difficulty`, difficulty, 'expected easy, medium, hard or a pass rate in [0, 1]');
    }
    const image = optionalString(fields, 'image', where);
    if (image !== undefined) item.image = image;
    items.push(item);
  });
  return items;
}
