import { extractBoxed } from './extract-boxed';

/** How {@link extractFinalAnswer} found the answer. */
export type ExtractionMethod =
  | 'boxed'
  | 'gsm8k'
  | 'answer-phrase'
  | 'bare'
  | 'math-span'
  | 'last-number';

/** An answer taken from a response, with the rule that found it. */
export interface ExtractedAnswer {
  /** The answer text, trimmed. */
  readonly answer: string;
  /** The rule that found it. */
  readonly method: ExtractionMethod;
}

/** Options of {@link extractFinalAnswer}. */
export interface ExtractFinalAnswerOptions {
  /**
   * Treat a short text that has no box, no `####`, no answer phrase and no math span as the answer itself.
   * @default true
   */
  readonly bare?: boolean;
  /** Accept the brace-less `\boxed 5` (see {@link extractBoxed}). @default false */
  readonly braceless?: boolean;
  /** Single-line texts longer than this (in characters) are bare answers only if they contain no prose word. @default 200 */
  readonly bareMaxLength?: number;
}

/** Defaults of {@link ExtractFinalAnswerOptions}. */
export const DEFAULT_EXTRACT_FINAL_ANSWER_OPTIONS: Readonly<Required<ExtractFinalAnswerOptions>> = Object.freeze({
  bare: true,
  braceless: false,
  bareMaxLength: 200,
});

/** A math span found by {@link extractMathSpans}. */
export interface MathSpan {
  /** The LaTeX between the delimiters. */
  readonly content: string;
  /** Index of the opening delimiter in the text. */
  readonly start: number;
  /** Index just past the closing delimiter. */
  readonly end: number;
}

/**
 * Every LaTeX math span of a text, in order: `$…$`, `$$…$$`, `\(…\)` and `\[…\]`. An escaped `\$` is a dollar
 * sign, not a delimiter; an unclosed span is dropped.
 *
 * @param text - any text
 * @returns the spans in order of appearance
 * @remarks
 * ## Numerics
 * A single left-to-right scan with `indexOf` per span: O(length), no backtracking.
 * @example
 * ```ts
 * extractMathSpans('so $x=1$ and \\(y=2\\)').map((span) => span.content) // ['x=1', 'y=2']
 * ```
 * @see SPEC.md §5.2
 */
export function extractMathSpans(text: string): MathSpan[] {
  const spans: MathSpan[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index];
    if (character === '\\') {
      const next = text[index + 1];
      if (next === '(' || next === '[') {
        const closer = next === '(' ? '\\)' : '\\]';
        const close = text.indexOf(closer, index + 2);
        if (close < 0) {
          index += 2;
          continue;
        }
        spans.push({ content: text.slice(index + 2, close), start: index, end: close + 2 });
        index = close + 2;
        continue;
      }
      index += 2; // an escaped character, e.g. \$
      continue;
    }
    if (character === '$') {
      const double = text[index + 1] === '$';
      const open = double ? 2 : 1;
      const close = findUnescaped(text, double ? '$$' : '$', index + open);
      if (close < 0) {
        index += open;
        continue;
      }
      spans.push({ content: text.slice(index + open, close), start: index, end: close + open });
      index = close + open;
      continue;
    }
    index++;
  }
  return spans;
}

function findUnescaped(text: string, needle: string, from: number): number {
  let index = text.indexOf(needle, from);
  while (index > 0 && text[index - 1] === '\\' && !isEscapedBackslash(text, index - 1)) {
    index = text.indexOf(needle, index + 1);
  }
  return index;
}

/** True when the backslash at `index` is itself escaped (preceded by an odd run of backslashes). */
function isEscapedBackslash(text: string, index: number): boolean {
  let count = 0;
  for (let cursor = index - 1; cursor >= 0 && text[cursor] === '\\'; cursor--) count++;
  return count % 2 === 1;
}

const NUMBER_PATTERN = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\/\d+)?|-?\.\d+/g;

/**
 * The last number written in a text: an optional minus sign, digits with optional thousands commas, an optional
 * decimal part and an optional `/denominator`, or a leading-dot decimal (`.5`).
 *
 * @param text - any text
 * @returns the number as written (commas kept), or `undefined` when the text has no digit
 * @remarks
 * ## Numerics
 * One global regular-expression pass whose alternatives never overlap in what they repeat: linear time.
 * @example
 * ```ts
 * extractLastNumber('3 apples cost $1,250.50 in total.') // '1,250.50'
 * ```
 * @see SPEC.md §5.1 (GSM8K)
 */
export function extractLastNumber(text: string): string | undefined {
  let last: string | undefined;
  NUMBER_PATTERN.lastIndex = 0;
  for (let match = NUMBER_PATTERN.exec(text); match !== null; match = NUMBER_PATTERN.exec(text)) last = match[0];
  return last;
}

/**
 * The GSM8K answer of a response: strictly the number after the last `####`, else the last number of the text;
 * thousands separators, `$` and a trailing `.` are removed.
 *
 * @param text - a response or a GSM8K reference solution
 * @returns the digits (e.g. `'1250'`), or `undefined` when the text has no number
 * @example
 * ```ts
 * extractGsm8kAnswer('She pays 5 * 250 = $1,250.\n#### 1,250') // '1250'
 * ```
 * @see SPEC.md §5.1 (GSM8K)
 */
export function extractGsm8kAnswer(text: string): string | undefined {
  const marker = text.lastIndexOf('####');
  if (marker >= 0) {
    const line = lineAt(text, marker + 4);
    const found = extractLastNumberAtStart(line.replace(/[$\s]/g, ''));
    if (found !== undefined) return cleanGsm8kNumber(found);
  }
  const last = extractLastNumber(text);
  return last === undefined ? undefined : cleanGsm8kNumber(last);
}

function extractLastNumberAtStart(text: string): string | undefined {
  NUMBER_PATTERN.lastIndex = 0;
  const match = NUMBER_PATTERN.exec(text);
  return match !== null && match.index === 0 ? match[0] : undefined;
}

function cleanGsm8kNumber(value: string): string {
  let cleaned = value.replace(/,/g, '');
  if (cleaned.endsWith('.')) cleaned = cleaned.slice(0, -1);
  return cleaned;
}

function lineAt(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text.slice(from, end < 0 ? text.length : end);
}

const ANSWER_PHRASES = ['final answer is', 'the answer is', 'answer is', 'final answer:', 'answer:'] as const;

/**
 * The text after the last "final answer is" / "the answer is" / "Answer:" phrase (case-insensitive), up to the
 * end of its line: markdown emphasis, a trailing "I hope it is correct." and a sentence-final period are removed,
 * and a math span in it is unwrapped.
 *
 * @param text - a response
 * @returns the answer text, or `undefined` when no phrase occurs or nothing follows it
 * @example
 * ```ts
 * extractAnswerPhrase('Final Answer: The final answer is $\\frac{2}{3}$. I hope it is correct.') // '\\frac{2}{3}'
 * ```
 * @see SPEC.md §5.2, §5.3 (multiple-choice letters)
 */
export function extractAnswerPhrase(text: string): string | undefined {
  const lower = text.toLowerCase();
  let end = -1;
  for (const phrase of ANSWER_PHRASES) {
    const index = lower.lastIndexOf(phrase);
    if (index >= 0 && index + phrase.length > end) end = index + phrase.length;
  }
  if (end < 0) return undefined;
  let rest = lineAt(text, end);
  const hope = rest.toLowerCase().indexOf('i hope it is correct');
  if (hope >= 0) rest = rest.slice(0, hope);
  rest = rest.replace(/\*\*/g, '').trim();
  if (rest.startsWith(':')) rest = rest.slice(1).trim();
  const spans = extractMathSpans(rest);
  if (spans.length > 0) {
    const boxed = extractBoxed(spans[0]!.content);
    return (boxed ?? spans[0]!.content).trim() || undefined;
  }
  rest = stripSentencePeriod(rest);
  return rest.length > 0 ? rest : undefined;
}

function stripSentencePeriod(value: string): string {
  const result = value.trim();
  // One sentence-final full stop, but not an ellipsis ("1, 2, ...").
  if (result.endsWith('.') && !result.endsWith('..')) return result.slice(0, -1).trimEnd();
  return result;
}

/**
 * The final answer of a response or a bare answer, by the first rule that applies:
 * 1. `boxed`: the last `\boxed{}`/`\fbox{}` ({@link extractBoxed}); an unbalanced last box yields `undefined`;
 * 2. `gsm8k`: the number after the last `####`;
 * 3. `answer-phrase`: the text after the last "the answer is" / "final answer is" / "Answer:";
 * 4. `bare`: the whole text when it is one line, without a math span (or is one math span), and either short
 *    (`bareMaxLength`) or free of prose words;
 * 5. `math-span`: the last `$…$`, `\(…\)` or `\[…\]`;
 * 6. `last-number`: the last number.
 *
 * @param text - a response or a bare answer
 * @param options - `bare`, `braceless`, `bareMaxLength`
 * @returns the answer and the rule that found it, or `undefined` when nothing qualifies (never "None")
 * @remarks
 * ## Numerics
 * Every rule is a linear scan or a backtracking-free regular expression, so the cost is O(length).
 * @example
 * ```ts
 * extractFinalAnswer('We get 12 + 30 = 42.\n#### 42') // { answer: '42', method: 'gsm8k' }
 * ```
 * @see SPEC.md §5.2, §5.6 pitfalls 5 and 9
 */
export function extractFinalAnswer(text: string, options: ExtractFinalAnswerOptions = {}): ExtractedAnswer | undefined {
  const bare = options.bare ?? DEFAULT_EXTRACT_FINAL_ANSWER_OPTIONS.bare;
  const braceless = options.braceless ?? DEFAULT_EXTRACT_FINAL_ANSWER_OPTIONS.braceless;
  const bareMaxLength = options.bareMaxLength ?? DEFAULT_EXTRACT_FINAL_ANSWER_OPTIONS.bareMaxLength;
  if (text.includes('\\boxed') || text.includes('\\fbox')) {
    const boxed = extractBoxed(text, { braceless });
    const hasBracedBox = text.includes('\\boxed{') || text.includes('\\fbox{');
    if (boxed !== undefined) return nonEmpty(boxed, 'boxed');
    if (hasBracedBox || braceless) return undefined;
  }
  if (text.includes('####')) {
    const marker = text.lastIndexOf('####');
    const after = lineAt(text, marker + 4).trim();
    if (after.length > 0) return nonEmpty(stripSentencePeriod(after), 'gsm8k');
  }
  const phrase = extractAnswerPhrase(text);
  if (phrase !== undefined) return nonEmpty(phrase, 'answer-phrase');
  const trimmed = text.trim();
  const spans = extractMathSpans(text);
  if (bare && trimmed.length > 0 && !trimmed.includes('\n') && (trimmed.length <= bareMaxLength || !hasWords(trimmed))) {
    if (spans.length === 0) return nonEmpty(stripSentencePeriod(trimmed), 'bare');
    if (spans.length === 1 && spans[0]!.start === text.indexOf(trimmed) && spans[0]!.end === text.indexOf(trimmed) + trimmed.length) {
      return nonEmpty(spans[0]!.content, 'bare');
    }
  }
  if (spans.length > 0) return nonEmpty(spans[spans.length - 1]!.content, 'math-span');
  const last = extractLastNumber(text);
  return last === undefined ? undefined : { answer: last, method: 'last-number' };
}

/** True when the text has a run of four or more letters outside LaTeX commands (prose rather than math). */
function hasWords(text: string): boolean {
  return /[a-zA-Z]{4,}/.test(text.replace(/\\[a-zA-Z]+/g, ' '));
}

function nonEmpty(answer: string, method: ExtractionMethod): ExtractedAnswer | undefined {
  const trimmed = answer.trim();
  return trimmed.length > 0 ? { answer: trimmed, method } : undefined;
}
