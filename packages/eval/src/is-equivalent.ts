import { AresError, assertInRange, assertInteger, assertOneOf } from '@ares/core';
import type { AnswerNode } from './answer-node';
import { Budget, BudgetExceeded } from './budget';
import { canonicalize, type CompareSettings, nodesEquivalent, scalarsEquivalent } from './compare';
import { extractBoxed } from './extract-boxed';
import { type ExtractionMethod, extractFinalAnswer } from './extract-answer';
import { extractChoice, parseChoiceLetter } from './extract-choice';
import {
  collapseOperatorSpaces,
  isPlainFraction,
  mathRulerIsInteger,
  mathRulerNormalize,
  normalizeMathAnswer,
  shouldAllowEvaluation,
  splitTuple,
} from './mathruler';
import { minervaFinalAnswer, normalizeFinalAnswer } from './minerva';
import { normalizeLatex } from './normalize-latex';
import { ParseFailure, parseNormalized } from './parse-answer';

/** A grading profile (SPEC §5.3). */
export type GradingProfile = 'ares' | 'minerva' | 'mathruler';

/** The profiles, in documentation order. */
export const GRADING_PROFILES: readonly GradingProfile[] = Object.freeze(['ares', 'minerva', 'mathruler']);

/** Options of {@link isEquivalent} and {@link verifyAnswer}. */
export interface IsEquivalentOptions {
  /**
   * Grader: `ares` (math-verify-like, gold-first), `minerva` (lm-evaluation-harness `minerva_math`) or
   * `mathruler` (MathRuler `grade_answer`, the released ARES training reward).
   * @default 'ares'
   */
  readonly profile?: GradingProfile;
  /**
   * Significant digits for numeric comparison: two numbers match when |a − b| ≤ 10^−precision·max(|a|, |b|).
   * Decimal-free rationals (integers, fractions) are compared exactly whatever the precision. An integer in
   * [1, 15].
   * @default 6
   */
  readonly precision?: number;
  /**
   * Time budget of one call in milliseconds; when it runs out the answer is not equivalent and the verdict says
   * `timedOut`. Cooperative (the grader checks the clock), so no worker or signal is needed.
   * @default 500
   */
  readonly timeoutMs?: number;
  /**
   * Multiple-choice option texts, `choices[0]` for letter A: lets a letter match its option text and the other
   * way round.
   */
  readonly choices?: readonly string[];
}

/** Defaults of {@link IsEquivalentOptions}. */
export const DEFAULT_IS_EQUIVALENT_OPTIONS: Readonly<{ profile: GradingProfile; precision: number; timeoutMs: number }> = Object.freeze({
  profile: 'ares',
  precision: 6,
  timeoutMs: 500,
});

/** Why a verdict came out as it did. */
export type VerdictReason =
  | 'string-match'
  | 'equivalent'
  | 'different'
  | 'choice-match'
  | 'choice-mismatch'
  | 'no-gold'
  | 'no-answer'
  | 'timeout'
  | 'too-complex';

/** The result of {@link verifyAnswer}, with provenance for reports. */
export interface Verdict {
  /** True when the prediction is equivalent to the gold answer. */
  readonly equivalent: boolean;
  /** True when the time budget ran out (then `equivalent` is false; an input too deep for the stack gives `too-complex`). */
  readonly timedOut: boolean;
  /** The profile that graded. */
  readonly profile: GradingProfile;
  /** The gold answer as extracted (before normalisation). */
  readonly goldAnswer: string | undefined;
  /** The predicted answer as extracted (before normalisation). */
  readonly predictedAnswer: string | undefined;
  /** The extraction rule that found the predicted answer. */
  readonly extraction: ExtractionMethod | 'choice' | undefined;
  /** Why. */
  readonly reason: VerdictReason;
}

const CHOICE_LETTERS = 'ABCDEFGHIJ';

function validate(gold: unknown, prediction: unknown, options: IsEquivalentOptions): Required<Omit<IsEquivalentOptions, 'choices'>> {
  if (typeof gold !== 'string') throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'gold', value: gold, message: 'gold: expected a string' });
  if (typeof prediction !== 'string') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'prediction', value: prediction, message: 'prediction: expected a string' });
  }
  const profile = options.profile ?? DEFAULT_IS_EQUIVALENT_OPTIONS.profile;
  assertOneOf(profile, GRADING_PROFILES, 'options.profile');
  const precision = options.precision ?? DEFAULT_IS_EQUIVALENT_OPTIONS.precision;
  assertInteger(precision, 'options.precision');
  assertInRange(precision, 'options.precision', { min: 1, max: 15 });
  const timeoutMs = options.timeoutMs ?? DEFAULT_IS_EQUIVALENT_OPTIONS.timeoutMs;
  assertInRange(timeoutMs, 'options.timeoutMs', { min: 0, lowerOpen: true });
  if (options.choices !== undefined && (!Array.isArray(options.choices) || options.choices.some((choice) => typeof choice !== 'string'))) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.choices', value: options.choices, message: 'options.choices: expected an array of strings' });
  }
  return { profile, precision, timeoutMs };
}

/**
 * Grades a prediction against a gold answer and says why: the extracted answers, the extraction rule, and
 * whether the time budget ran out.
 *
 * Both sides may be whole responses or bare answers; each is reduced to its final answer first
 * ({@link extractFinalAnswer} for `ares`; `\boxed` or "Final Answer: The final answer is …" for `minerva`;
 * `\boxed{}` for `mathruler`). A missing answer is never equivalent (never the string "None").
 *
 * @param gold - the reference answer or solution
 * @param prediction - the model response or its answer
 * @param options - `profile` (default `'ares'`), `precision` (default 6), `timeoutMs` (default 500), `choices`
 * @returns the verdict
 * @throws {AresError} `INVALID_ARGUMENT` when gold or prediction is not a string, `options.precision` is not an
 *   integer in [1, 15], `options.timeoutMs` is not positive or `options.choices` is not a string array;
 *   `UNSUPPORTED` for an unknown `options.profile`
 * @remarks
 * ## Numerics
 * Decimal-free rationals compare exactly (BigInt); other values within 10^−precision relative (plus 1e−12
 * absolute for computed values); expressions with free symbols at 6 seeded sample points. Every loop is bounded
 * and charged to the cooperative budget; the parser limits nesting to 200 levels.
 * @example
 * ```ts
 * verifyAnswer('\\frac{1}{2}', 'so the answer is $\\boxed{0.5}$').equivalent // true
 * ```
 * @see SPEC.md §5.2, §5.3, §5.6
 */
export function verifyAnswer(gold: string, prediction: string, options: IsEquivalentOptions = {}): Verdict {
  const { profile, precision, timeoutMs } = validate(gold, prediction, options);
  const budget = new Budget(timeoutMs);
  const settings: CompareSettings = { relativeTolerance: 10 ** -precision, budget, exactRationals: true };
  const partial: { goldAnswer?: string | undefined; predictedAnswer?: string | undefined; extraction?: ExtractionMethod | 'choice' | undefined } = {};
  try {
    switch (profile) {
      case 'minerva':
        return verifyMinerva(gold, prediction, settings, partial);
      case 'mathruler':
        return verifyMathRuler(gold, prediction, settings, partial);
      default:
        return verifyAres(gold, prediction, settings, options.choices, partial);
    }
  } catch (error) {
    if (error instanceof BudgetExceeded || error instanceof RangeError) {
      return {
        equivalent: false,
        timedOut: error instanceof BudgetExceeded,
        profile,
        goldAnswer: partial.goldAnswer,
        predictedAnswer: partial.predictedAnswer,
        extraction: partial.extraction,
        reason: error instanceof BudgetExceeded ? 'timeout' : 'too-complex',
      };
    }
    throw error;
  }
}

/**
 * True when a prediction is mathematically equivalent to a gold answer under a grading profile.
 *
 * `isEquivalent(g, p, o)` = `verifyAnswer(g, p, o).equivalent`; see {@link verifyAnswer} for the rules.
 * Covered: thousands separators and decimal commas (`1,000.99`, `1000,99`, `1 000`), currency and units,
 * percent, `.5`, `\frac`/`\dfrac`/`\tfrac` and `a/b`, `\left`/`\right`, `\text{}`, degrees, roots, π, powers,
 * sums and products in any order, polynomials (seeded sample points), sets (unordered) vs tuples (ordered) vs
 * intervals (ends matter), inequalities ↔ intervals, equations `x = 2` vs `2`, `\pm`, matrices, complex numbers
 * and multiple-choice letters.
 *
 * @param gold - the reference answer or solution
 * @param prediction - the model response or its answer
 * @param options - `profile` (default `'ares'`), `precision` (significant digits, default 6), `timeoutMs`
 *   (default 500), `choices`
 * @returns true when equivalent; false when not, when an answer is missing, or when the budget ran out
 * @throws {AresError} as {@link verifyAnswer}
 * @remarks
 * ## Numerics
 * Integers and fractions compare exactly (`1000000` ≠ `1000001`); other numbers within 10^−precision relative.
 * The released evaluator's pitfalls are absent: no character sorting (`12` ≠ `21`), nested braces are kept, no
 * self-judging, and numbers are never "equal because both are numbers" (`14` ≠ `15`).
 * @example
 * ```ts
 * isEquivalent('[0, 1)', '(0, 1)') // false: interval ends differ
 * ```
 * @see SPEC.md §3 (`isEquivalent`), §5.3, §5.6
 */
export function isEquivalent(gold: string, prediction: string, options: IsEquivalentOptions = {}): boolean {
  return verifyAnswer(gold, prediction, options).equivalent;
}

type Partial = { goldAnswer?: string | undefined; predictedAnswer?: string | undefined; extraction?: ExtractionMethod | 'choice' | undefined };

function verdict(profile: GradingProfile, partial: Partial, equivalent: boolean, reason: VerdictReason): Verdict {
  return {
    equivalent,
    timedOut: false,
    profile,
    goldAnswer: partial.goldAnswer,
    predictedAnswer: partial.predictedAnswer,
    extraction: partial.extraction,
    reason,
  };
}

/** Parses a normalised answer into its readings: the primary one and, for `1000,99`, the decimal-comma one. */
function readings(normalized: string, settings: CompareSettings): AnswerNode[] {
  const results: AnswerNode[] = [];
  const add = (text: string): void => {
    try {
      const parsed = canonicalize(parseNormalized(text, settings.budget));
      if (parsed !== undefined) results.push(parsed);
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
    }
  };
  add(normalized);
  // "10 apples": a value followed by words that are not units; the value alone is a second reading.
  const trailingWords = results.length === 0 ? /^(.*?[\d)}\]])\s+[A-Za-z][A-Za-z\s.]*$/.exec(normalized) : null;
  if (trailingWords !== null) add(trailingWords[1]!);
  const decimalComma = /^(-?\d+),(\d+)$/.exec(normalized);
  if (decimalComma !== null && decimalComma[2]!.length !== 3) add(`${decimalComma[1]}.${decimalComma[2]}`);
  if (results.length === 0) results.push({ kind: 'text', value: normalized });
  return results;
}

function aresEquivalentAnswers(goldAnswer: string, predictedAnswer: string, settings: CompareSettings): 'string-match' | 'equivalent' | 'different' {
  const goldNormalized = normalizeLatex(goldAnswer, settings.budget);
  const predictedNormalized = normalizeLatex(predictedAnswer, settings.budget);
  if (goldNormalized.length > 0 && goldNormalized === predictedNormalized) return 'string-match';
  if (goldNormalized.length === 0 || predictedNormalized.length === 0) return 'different';
  const goldReadings = readings(goldNormalized, settings);
  const predictedReadings = readings(predictedNormalized, settings);
  for (const goldReading of goldReadings) {
    for (const predictedReading of predictedReadings) {
      if (nodesEquivalent(goldReading, predictedReading, settings)) return 'equivalent';
    }
  }
  return 'different';
}

function verifyAres(gold: string, prediction: string, settings: CompareSettings, choices: readonly string[] | undefined, partial: Partial): Verdict {
  const goldExtracted = extractFinalAnswer(gold);
  partial.goldAnswer = goldExtracted?.answer;
  if (goldExtracted === undefined) return verdict('ares', partial, false, 'no-gold');
  const letters = choices === undefined ? CHOICE_LETTERS : CHOICE_LETTERS.slice(0, Math.max(1, choices.length));
  const goldLetter = parseChoiceLetter(goldExtracted.answer, letters, false);
  if (goldLetter !== undefined) {
    let predictedLetter = extractChoice(prediction, { letters });
    partial.extraction = 'choice';
    partial.predictedAnswer = predictedLetter;
    if (predictedLetter === undefined && choices !== undefined) {
      const predicted = extractFinalAnswer(prediction);
      if (predicted !== undefined) {
        partial.predictedAnswer = predicted.answer;
        partial.extraction = predicted.method;
        const matches = choices.map((choice, index) => (aresEquivalentAnswers(choice, predicted.answer, settings) !== 'different' ? letters[index] : undefined)).filter((letter) => letter !== undefined);
        if (matches.length === 1) predictedLetter = matches[0];
      }
    }
    if (predictedLetter === undefined) return verdict('ares', partial, false, 'no-answer');
    return verdict('ares', partial, predictedLetter === goldLetter, predictedLetter === goldLetter ? 'choice-match' : 'choice-mismatch');
  }
  const predicted = extractFinalAnswer(prediction);
  partial.predictedAnswer = predicted?.answer;
  partial.extraction = predicted?.method;
  if (predicted === undefined) return verdict('ares', partial, false, 'no-answer');
  let predictedAnswer = predicted.answer;
  if (choices !== undefined) {
    const letter = parseChoiceLetter(predictedAnswer, letters, false);
    if (letter !== undefined) {
      predictedAnswer = choices[letters.indexOf(letter)] ?? predictedAnswer;
      partial.extraction = 'choice';
    }
  }
  const reason = aresEquivalentAnswers(goldExtracted.answer, predictedAnswer, settings);
  return verdict('ares', partial, reason !== 'different', reason);
}

function minervaAnswer(text: string): string | undefined {
  if (text.includes('\\boxed') || text.includes('\\fbox')) return extractBoxed(text, { braceless: true });
  return minervaFinalAnswer(text) ?? (text.trim().length > 0 ? text.trim() : undefined);
}

function verifyMinerva(gold: string, prediction: string, settings: CompareSettings, partial: Partial): Verdict {
  partial.goldAnswer = minervaAnswer(gold);
  if (partial.goldAnswer === undefined) return verdict('minerva', partial, false, 'no-gold');
  partial.predictedAnswer = minervaAnswer(prediction);
  partial.extraction = prediction.includes('\\boxed') || prediction.includes('\\fbox') ? 'boxed' : 'answer-phrase';
  if (partial.predictedAnswer === undefined) return verdict('minerva', partial, false, 'no-answer');
  const goldNormalized = normalizeFinalAnswer(partial.goldAnswer);
  const predictedNormalized = normalizeFinalAnswer(partial.predictedAnswer);
  if (goldNormalized.trim() === predictedNormalized.trim() && goldNormalized.trim().length > 0) return verdict('minerva', partial, true, 'string-match');
  const equal = symbolicallyEqual(goldNormalized, predictedNormalized, settings);
  return verdict('minerva', partial, equal, equal ? 'equivalent' : 'different');
}

/** sympy's `simplify(a − b) == 0` for two scalar expressions, decided exactly or at sample points. */
function symbolicallyEqual(gold: string, prediction: string, settings: CompareSettings): boolean {
  try {
    const goldNode = parseNormalized(gold, settings.budget);
    const predictedNode = parseNormalized(prediction, settings.budget);
    const hasPlusMinus = (text: string): boolean => text.includes('\\pm') || text.includes('±');
    if (hasPlusMinus(gold) || hasPlusMinus(prediction)) return false;
    return scalarsEquivalent(goldNode, predictedNode, settings);
  } catch (error) {
    if (error instanceof ParseFailure) return false;
    throw error;
  }
}

function mathRulerBoxed(text: string): string | undefined {
  const start = text.lastIndexOf('\\boxed{');
  if (start < 0) return undefined;
  let depth = 0;
  for (let index = start + 7; index < text.length; index++) {
    const character = text[index];
    if (character === '{') depth++;
    else if (character === '}') depth--;
    if (depth === -1) return text.slice(start + 7, index).trim();
  }
  return undefined;
}

function verifyMathRuler(gold: string, prediction: string, settings: CompareSettings, partial: Partial): Verdict {
  partial.goldAnswer = gold.includes('\\boxed{') ? mathRulerBoxed(gold) : gold.trim();
  if (partial.goldAnswer === undefined || partial.goldAnswer.length === 0) return verdict('mathruler', partial, false, 'no-gold');
  const collapsed = collapseOperatorSpaces(prediction);
  partial.predictedAnswer = collapsed.includes('\\boxed{') ? mathRulerBoxed(collapsed) : collapsed.trim();
  partial.extraction = collapsed.includes('\\boxed{') ? 'boxed' : 'bare';
  if (partial.predictedAnswer === undefined) return verdict('mathruler', partial, false, 'no-answer');
  const equal = gradeMathRuler(partial.predictedAnswer, partial.goldAnswer, settings);
  return verdict('mathruler', partial, equal === 'different' ? false : true, equal);
}

function gradeMathRuler(given: string, groundTruth: string, settings: CompareSettings): 'string-match' | 'equivalent' | 'different' {
  if (normalizeMathAnswer(groundTruth) === normalizeMathAnswer(given)) return 'string-match';
  const groundTruthNormalized = mathRulerNormalize(groundTruth);
  const givenNormalized = mathRulerNormalize(given);
  settings.budget.check();
  if (groundTruthNormalized === givenNormalized) return 'string-match';
  if (givenNormalized.length === 0) return 'different';
  const groundTruthElements = splitTuple(groundTruthNormalized);
  const givenElements = splitTuple(givenNormalized);
  if (groundTruthElements.length > 1 && (groundTruthNormalized[0] !== givenNormalized[0] || groundTruthNormalized[groundTruthNormalized.length - 1] !== givenNormalized[givenNormalized.length - 1])) {
    return 'different';
  }
  if (groundTruthElements.length !== givenElements.length) return 'different';
  for (let index = 0; index < groundTruthElements.length; index++) {
    const groundTruthElement = groundTruthElements[index]!;
    const givenElement = givenElements[index]!;
    let correct: boolean;
    if (isPlainFraction(groundTruthElement) && isPlainFraction(givenElement)) {
      // Unreduced fractions are not accepted: fractions must match as written.
      correct = groundTruthElement === givenElement;
    } else if (mathRulerIsInteger(groundTruthElement) !== mathRulerIsInteger(givenElement)) {
      correct = false;
    } else {
      const expression = `(${groundTruthElement})-(${givenElement})`;
      correct = shouldAllowEvaluation(expression) && symbolicallyEqual(groundTruthElement, givenElement, settings);
    }
    if (!correct) return 'different';
  }
  return 'equivalent';
}
