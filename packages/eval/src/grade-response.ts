import { AresError, createRng } from '@ares/core';
import type { EvalItem } from './dataset';
import { extractFinalAnswer, extractGsm8kAnswer } from './extract-answer';
import { extractChoice, parseChoiceLetter } from './extract-choice';
import { DEFAULT_IS_EQUIVALENT_OPTIONS, type GradingProfile, type IsEquivalentOptions, verifyAnswer, type Verdict } from './is-equivalent';

/** Benchmarks the runner knows (SPEC §5.1); `generic` is math equivalence under the chosen profile. */
export const BENCHMARK_NAMES: readonly string[] = Object.freeze([
  'generic', 'math500', 'olympiadbench', 'aime24', 'aime25', 'gsm8k', 'mathvista', 'mathvision', 'mathverse', 'dynamath',
  'wemath', 'logicvista', 'mmmu', 'mmmu-pro', 'mmlu-pro', 'gpqa', 'charxiv', 'mmstar', 'bbeh',
]);

/** Throws `UNSUPPORTED` unless `benchmark` is in {@link BENCHMARK_NAMES}. @internal */
export function assertBenchmark(benchmark: string, parameter: string): void {
  if (!BENCHMARK_NAMES.includes(benchmark)) {
    throw new AresError({ code: 'UNSUPPORTED', parameter, value: benchmark, message: `${parameter}: unknown benchmark ${JSON.stringify(benchmark)}; known: ${BENCHMARK_NAMES.join(', ')}` });
  }
}

/** Options of {@link gradeResponse}. */
export interface GradeResponseOptions {
  /** Grading profile for free-form answers. @default 'ares' */
  readonly profile?: GradingProfile;
  /** Per-call grader budget in milliseconds. @default 500 */
  readonly timeoutMs?: number;
  /**
   * MMMU's upstream fallback: when no option letter can be read, pick one at random. Off by default; when on it is
   * seeded by (`seed`, item id, `sampleIndex`), and the grade says `fallback: true` so reports count it.
   * @default false
   */
  readonly randomChoiceFallback?: boolean;
  /** Seed of the random fallback. @default 0 */
  readonly seed?: number;
  /** Index of the sample among the item's samples (seeds the fallback). @default 0 */
  readonly sampleIndex?: number;
}

/** The grade of one response, with provenance (SPEC §5.5). */
export interface ResponseGrade {
  readonly correct: boolean;
  /** The grader ran out of time (counted as wrong and reported). */
  readonly timedOut: boolean;
  /** An answer was extracted. */
  readonly answered: boolean;
  /** The extracted answer, or null. */
  readonly extracted: string | null;
  /** The extraction rule. */
  readonly method: string | null;
  /** Why the verdict came out as it did. */
  readonly reason: string;
  readonly profile: GradingProfile;
  /** A seeded random letter was used (MMMU fallback, only when enabled). */
  readonly fallback: boolean;
}

const MULTIPLE_CHOICE_BENCHMARKS = new Set(['mmmu', 'mmmu-pro', 'mmlu-pro', 'gpqa', 'mmstar', 'wemath', 'logicvista', 'charxiv', 'bbeh', 'mathverse', 'mathvision', 'mathvista', 'dynamath', 'generic', 'math500', 'olympiadbench']);

function fromVerdict(verdict: Verdict, fallback = false): ResponseGrade {
  return {
    correct: verdict.equivalent,
    timedOut: verdict.timedOut,
    answered: verdict.predictedAnswer !== undefined,
    extracted: verdict.predictedAnswer ?? null,
    method: verdict.extraction ?? null,
    reason: verdict.reason,
    profile: verdict.profile,
    fallback,
  };
}

function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash;
}

/** MMLU-Pro: the first `answer is (X)` / `answer is X`, X ∈ A–J. */
function mmluProLetter(response: string): string | undefined {
  return /answer is \(?([A-J])\)?/.exec(response)?.[1];
}

/** DynaMath: the `short answer` of a JSON object in the response, if any. */
function dynaMathShortAnswer(response: string): string | undefined {
  const start = response.indexOf('{');
  const end = response.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = JSON.parse(response.slice(start, end + 1)) as Record<string, unknown>;
    const short = parsed['short answer'] ?? parsed['short_answer'];
    return typeof short === 'string' || typeof short === 'number' ? String(short) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Grades one response to one item by its benchmark's rule (SPEC §5.1): GSM8K strictly `####` else the last
 * number; AIME integers (`004` ≡ 4); MATH-500/OlympiadBench boxed + equivalence; multiple choice by letter or
 * option text (MMLU-Pro: first "answer is (X)"); DynaMath's JSON `short answer` with 3 significant digits;
 * MathVista by answer type. Free-form answers go through {@link verifyAnswer} with the item's `precision`.
 *
 * @param item - the item (its `benchmark` must be known)
 * @param response - the model's response text
 * @param options - `profile`, `timeoutMs`, `randomChoiceFallback`, `seed`, `sampleIndex`
 * @returns the grade with provenance
 * @throws {AresError} `UNSUPPORTED` for an unknown benchmark or profile
 * @example
 * ```ts
 * gradeResponse({ id: '1', benchmark: 'gsm8k', question: '…', gold: '72' }, 'So 48 + 24 = 72.\n#### 72').correct // true
 * ```
 * @see SPEC.md §5.1, §5.5, §5.6
 */
export function gradeResponse(item: EvalItem, response: string, options: GradeResponseOptions = {}): ResponseGrade {
  assertBenchmark(item.benchmark, 'item.benchmark');
  const profile = options.profile ?? DEFAULT_IS_EQUIVALENT_OPTIONS.profile;
  const base: IsEquivalentOptions = {
    profile,
    timeoutMs: options.timeoutMs ?? DEFAULT_IS_EQUIVALENT_OPTIONS.timeoutMs,
    ...(item.precision === undefined ? {} : { precision: item.precision }),
  };
  const choices = item.choices;
  const isChoice = item.answerType === 'choice' || (choices !== undefined && choices.length > 0 && MULTIPLE_CHOICE_BENCHMARKS.has(item.benchmark));
  if (isChoice) return gradeChoice(item, response, options, base);
  switch (item.benchmark) {
    case 'gsm8k': {
      const predicted = extractGsm8kAnswer(response);
      const gold = extractGsm8kAnswer(item.gold) ?? item.gold;
      if (predicted === undefined) return { correct: false, timedOut: false, answered: false, extracted: null, method: null, reason: 'no-answer', profile: 'ares', fallback: false };
      return { ...fromVerdict(verifyAnswer(gold, predicted, { ...base, profile: 'ares' })), method: response.includes('####') ? 'gsm8k' : 'last-number' };
    }
    case 'dynamath': {
      const short = dynaMathShortAnswer(response);
      const verdict = verifyAnswer(item.gold, short ?? response, { ...base, precision: item.precision ?? 3 });
      return { ...fromVerdict(verdict), method: short === undefined ? verdict.extraction ?? null : 'json' };
    }
    case 'mathvista':
      if (item.answerType === 'float') return fromVerdict(verifyAnswer(item.gold, response, { ...base, precision: item.precision ?? 3 }));
      return fromVerdict(verifyAnswer(item.gold, response, base));
    default:
      return fromVerdict(verifyAnswer(item.gold, response, base));
  }
}

function gradeChoice(item: EvalItem, response: string, options: GradeResponseOptions, base: IsEquivalentOptions): ResponseGrade {
  const choices = item.choices ?? [];
  const letters = 'ABCDEFGHIJ'.slice(0, Math.max(choices.length, item.benchmark === 'gpqa' ? 4 : choices.length === 0 ? 5 : choices.length));
  const goldLetter = parseChoiceLetter(item.gold, letters, false) ?? letterOfChoice(item.gold, choices, letters);
  if (goldLetter === undefined) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'item.gold', value: item.gold, message: `item.gold: multiple-choice item ${item.id} has a gold answer that is neither a letter nor an option` });
  }
  let letter: string | undefined;
  let method: string | null = 'choice';
  if (item.benchmark === 'mmlu-pro') {
    letter = mmluProLetter(response);
    if (letter !== undefined && !letters.includes(letter)) letter = undefined;
  } else {
    letter = extractChoice(response, { letters });
    if (letter === undefined && choices.length > 0) {
      const predicted = extractFinalAnswer(response);
      if (predicted !== undefined) {
        const matches = choices.flatMap((choice, index) => (verifyAnswer(choice, predicted.answer, base).equivalent ? [letters[index]!] : []));
        if (matches.length === 1) {
          letter = matches[0];
          method = 'option-text';
        }
      }
    }
  }
  let fallback = false;
  if (letter === undefined && options.randomChoiceFallback === true) {
    const random = createRng(hashString(`${options.seed ?? 0}\u0000${item.id}\u0000${options.sampleIndex ?? 0}`));
    letter = letters[Math.floor(random() * letters.length)];
    fallback = true;
    method = 'random-fallback';
  }
  const profile = base.profile ?? 'ares';
  if (letter === undefined) return { correct: false, timedOut: false, answered: false, extracted: null, method: null, reason: 'no-answer', profile, fallback };
  const correct = letter === goldLetter;
  return { correct, timedOut: false, answered: true, extracted: letter, method, reason: correct ? 'choice-match' : 'choice-mismatch', profile, fallback };
}

function letterOfChoice(gold: string, choices: readonly string[], letters: string): string | undefined {
  const index = choices.findIndex((choice) => choice.trim() === gold.trim());
  return index >= 0 ? letters[index] : undefined;
}
