import { extractBoxed } from './extract-boxed';
import { extractAnswerPhrase } from './extract-answer';

/** Options of {@link extractChoice}. */
export interface ExtractChoiceOptions {
  /**
   * The option letters in order (upper case).
   * @default 'ABCDEFGHIJ'
   */
  readonly letters?: string;
}

/** Defaults of {@link ExtractChoiceOptions}. */
export const DEFAULT_EXTRACT_CHOICE_OPTIONS: Readonly<Required<ExtractChoiceOptions>> = Object.freeze({ letters: 'ABCDEFGHIJ' });

function unwrap(text: string): string {
  return text
    .replace(/\\(?:text|textbf|mathrm|mathbf)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\*\*|\$|\\\(|\\\)/g, '')
    .trim();
}

/**
 * Reads a multiple-choice letter written alone: `B`, `(B)`, `B.`, `B)`, `\text{B}`, `**B**`; with `loose`, also a
 * letter followed by its option text (`B: 12`, `(B) 12`).
 * @internal
 */
export function parseChoiceLetter(text: string, letters: string, loose: boolean): string | undefined {
  const cleaned = unwrap(text);
  const strict = /^\(?([A-Z])\)?[.:]?$/.exec(cleaned);
  const match = strict ?? (loose ? /^\(([A-Z])\)/.exec(cleaned) ?? /^([A-Z])[.:)]\s*\S/.exec(cleaned) : null);
  if (match === null) return undefined;
  const letter = match[1]!;
  return letters.includes(letter) ? letter : undefined;
}

/**
 * The multiple-choice letter a response commits to, by the first rule that applies: the last `\boxed{}`, the
 * text after the last "the answer is" / "Answer:", the whole response when it is just a letter, or its last line
 * when that line is just a letter. Nothing else is guessed: no random fallback, no first capital letter.
 *
 * @param text - a response or a bare answer
 * @param options - `letters` (default `'ABCDEFGHIJ'`)
 * @returns the upper-case letter, or `undefined` when the response commits to none
 * @example
 * ```ts
 * extractChoice('Comparing the options, the answer is (C).') // 'C'
 * ```
 * @see SPEC.md §5.1 (MMLU-Pro, MMMU), §5.3 (multiple-choice letters), §5.6 pitfalls 3 and 7
 */
export function extractChoice(text: string, options: ExtractChoiceOptions = {}): string | undefined {
  const letters = options.letters ?? DEFAULT_EXTRACT_CHOICE_OPTIONS.letters;
  const boxed = extractBoxed(text);
  if (boxed !== undefined) return parseChoiceLetter(boxed, letters, true);
  const phrase = extractAnswerPhrase(text);
  if (phrase !== undefined) {
    const letter = parseChoiceLetter(phrase, letters, true);
    if (letter !== undefined) return letter;
  }
  const whole = parseChoiceLetter(text, letters, false);
  if (whole !== undefined) return whole;
  const trimmed = text.trimEnd();
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  return parseChoiceLetter(lastLine, letters, false);
}
