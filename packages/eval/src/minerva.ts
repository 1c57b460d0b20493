/**
 * The `minerva` profile: lm-evaluation-harness `minerva_math` answer normalisation (Lewkowycz et al. 2022,
 * appendix D), re-implemented without backtracking-prone regular expressions.
 */

const SUBSTITUTIONS: readonly (readonly [string, string])[] = [
  ['an ', ''],
  ['a ', ''],
  ['.$', '$'],
  ['\\$', ''],
  ['\\ ', ''],
  [' ', ''],
  ['mbox', 'text'],
  [',\\text{and}', ','],
  ['\\text{and}', ','],
  ['\\text{m}', '\\text{}'],
];

const REMOVED_EXPRESSIONS: readonly string[] = [
  'square', 'ways', 'integers', 'dollars', 'mph', 'inches', 'ft', 'hours', 'km', 'units', '\\ldots', 'sue', 'points',
  'feet', 'minutes', 'digits', 'cents', 'degrees', 'cm', 'gm', 'pounds', 'meters', 'meals', 'edges', 'students',
  'childrentickets', 'multiples', '\\text{s}', '\\text{.}', '\\text{\ns}', '\\text{}^2', '\\text{}^3', '\\text{\n}',
  '\\text{}', '\\mathrm{th}', '^\\circ', '^{\\circ}', '\\;', ',\\!', '{,}', '"', '\\dots',
];

function replaceAll(text: string, from: string, to: string): string {
  return text.includes(from) ? text.split(from).join(to) : text;
}

/** Python `re.sub(r"(\\cmd\{)(.*?)(\})", r"\2", s)`: drops `\cmd{` and the next `}` on the same line. */
function unwrapLazy(text: string, opener: string): string {
  let result = '';
  let index = 0;
  for (;;) {
    const start = text.indexOf(opener, index);
    if (start < 0) break;
    const close = text.indexOf('}', start + opener.length);
    const newline = text.indexOf('\n', start + opener.length);
    if (close < 0) break;
    if (newline >= 0 && newline < close) {
      result += text.slice(index, newline + 1);
      index = newline + 1;
      continue;
    }
    result += text.slice(index, start) + text.slice(start + opener.length, close);
    index = close + 1;
  }
  return result + text.slice(index);
}

/** Per line: `(.*?)(\$)(.*?)(\$)(.*)` → `$\3$`, and `(\\boxed\{)(.*)(\})` → `\2` (greedy to the last `}`). */
function mapLines(text: string, map: (line: string) => string): string {
  return text.split('\n').map(map).join('\n');
}

function keepFirstDollarSpan(line: string): string {
  const first = line.indexOf('$');
  if (first < 0) return line;
  const second = line.indexOf('$', first + 1);
  if (second < 0) return line;
  return `$${line.slice(first + 1, second)}$`;
}

function unwrapBoxedGreedy(line: string): string {
  let result = '';
  let rest = line;
  for (;;) {
    const start = rest.indexOf('\\boxed{');
    if (start < 0) return result + rest;
    const close = rest.lastIndexOf('}');
    if (close < start + 7) return result + rest;
    result += rest.slice(0, start) + rest.slice(start + 7, close);
    rest = rest.slice(close + 1);
  }
}

/**
 * lm-evaluation-harness `minerva_math` `normalize_final_answer`: keeps the part after the last `=`, applies the
 * SUBSTITUTIONS and REMOVED_EXPRESSIONS lists, unwraps `$…$`, `\text{}`, `\textbf{}`, `\overline{}` and
 * `\boxed{}`, expands `\fracab` → `\frac{a}{b}` and `\sqrta` → `\sqrt{a}`, removes `$`, and strips the commas of
 * a pure number ("100,000" → "100000").
 *
 * @param finalAnswer - an extracted answer
 * @returns the normalised answer
 * @remarks
 * ## Numerics
 * String operations only; each step is linear in the length of the answer (the lazy-group regular expressions
 * of the original are re-implemented with `indexOf`).
 * @example
 * ```ts
 * normalizeFinalAnswer('x = \\frac12 \\text{ units}') // '\\frac{1}{2}'
 * ```
 * @see SPEC.md §5.3 (`minerva`); lm-evaluation-harness `lm_eval/tasks/minerva_math/utils.py`
 */
export function normalizeFinalAnswer(finalAnswer: string): string {
  const parts = finalAnswer.split('=');
  let answer = parts[parts.length - 1]!;
  for (const [before, after] of SUBSTITUTIONS) answer = replaceAll(answer, before, after);
  for (const expression of REMOVED_EXPRESSIONS) answer = replaceAll(answer, expression, '');
  answer = mapLines(answer, keepFirstDollarSpan);
  answer = unwrapLazy(answer, '\\text{');
  answer = unwrapLazy(answer, '\\textbf{');
  answer = unwrapLazy(answer, '\\overline{');
  answer = mapLines(answer, unwrapBoxedGreedy);
  answer = answer.replace(/(frac)([^{])(.)/g, 'frac{$2}{$3}');
  answer = answer.replace(/(sqrt)([^{])/g, 'sqrt{$2}');
  answer = replaceAll(answer, '$', '');
  const withoutCommas = answer.replace(/,/g, '');
  if (/^\d+$/.test(withoutCommas)) answer = withoutCommas;
  return answer;
}

/**
 * The text after "Final Answer: The final answer is" up to ". I hope it is correct." (lm-evaluation-harness
 * `get_unnormalized_answer`), or `undefined`.
 * @internal
 */
export function minervaFinalAnswer(text: string): string | undefined {
  const marker = 'Final Answer: The final answer is';
  const start = text.indexOf(marker);
  if (start < 0) return undefined;
  const withEnd = `${text}I hope it is correct.`;
  const end = withEnd.indexOf('I hope it is correct.', start + marker.length);
  // The original pattern is "(.*?). I hope it is correct." with `.` matching any character but a newline.
  const segment = withEnd.slice(start + marker.length, end);
  if (segment.includes('\n') || segment.length < 2) return undefined;
  return segment.slice(0, -2).trim();
}
