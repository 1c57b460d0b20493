/**
 * The `mathruler` profile: MathRuler `grade_answer` (PRM800K grader, Hendrycks MATH normalisation), with the
 * sympy step replaced by this package's exact/numeric scalar comparison.
 */

function replaceAll(text: string, from: string, to: string): string {
  return text.includes(from) ? text.split(from).join(to) : text;
}

class NormalizationError extends Error {}

function fixFractions(text: string): string {
  const parts = text.split('\\frac');
  let result = parts[0]!;
  for (const part of parts.slice(1)) {
    result += '\\frac';
    if (part.length === 0) throw new NormalizationError('empty \\frac');
    if (part[0] === '{') {
      result += part;
      continue;
    }
    if (part.length < 2) return text;
    const a = part[0]!;
    const b = part[1]!;
    if (b !== '{') result += `{${a}}{${b}}${part.slice(2)}`;
    else result += `{${a}}${b}${part.slice(2)}`;
  }
  return result;
}

function fixSlash(text: string): string {
  const parts = text.split('/');
  if (parts.length !== 2) return text;
  const [a, b] = parts as [string, string];
  if (!/^-?\d+$/.test(a) || !/^-?\d+$/.test(b)) return text;
  if (text !== `${Number.parseInt(a, 10)}/${Number.parseInt(b, 10)}`) return text;
  return `\\frac{${Number.parseInt(a, 10)}}{${Number.parseInt(b, 10)}}`;
}

function removeRightUnits(text: string): string {
  if (!text.includes('\\text{ ')) return text;
  const splits = text.split('\\text{ ');
  if (splits.length !== 2) throw new NormalizationError('several unit groups');
  return splits[0]!;
}

function fixSquareRoot(text: string): string {
  if (!text.includes('\\sqrt')) return text;
  const parts = text.split('\\sqrt');
  let result = parts[0]!;
  for (const part of parts.slice(1)) {
    if (part.length === 0) throw new NormalizationError('empty \\sqrt');
    result += part[0] !== '{' ? `\\sqrt{${part[0]}}${part.slice(1)}` : `\\sqrt${part}`;
  }
  return result;
}

function stripString(input: string): string {
  let text = replaceAll(input, '\n', '');
  text = replaceAll(text, '\\!', '');
  text = replaceAll(text, '\\\\', '\\');
  text = replaceAll(text, 'tfrac', 'frac');
  text = replaceAll(text, 'dfrac', 'frac');
  text = replaceAll(text, '\\left', '');
  text = replaceAll(text, '\\right', '');
  text = replaceAll(text, '^{\\circ}', '');
  text = replaceAll(text, '^\\circ', '');
  text = replaceAll(text, '\\$', '');
  text = removeRightUnits(text);
  text = replaceAll(text, '\\%', '');
  text = replaceAll(text, ' .', ' 0.');
  text = replaceAll(text, '{.', '{0.');
  if (text.length === 0) return text;
  if (text[0] === '.') text = `0${text}`;
  const sides = text.split('=');
  if (sides.length === 2 && sides[0]!.length <= 2) text = sides[1]!;
  text = fixSquareRoot(text);
  text = replaceAll(text, ' ', '');
  text = fixFractions(text);
  if (text === '0.5') text = '\\frac{1}{2}';
  return fixSlash(text);
}

/**
 * Hendrycks MATH / PRM800K `normalize_answer`: unwraps an enclosing `\text{}`, then `_strip_string`
 * (`\tfrac`/`\dfrac` → `\frac`, `\left`/`\right`, degrees, `\$`, right units, `\%`, leading `.`, a short `k =`
 * prefix, `\sqrt3` → `\sqrt{3}`, spaces, `\frac12` → `\frac{1}{2}`, `0.5` → `\frac{1}{2}`, `a/b` → `\frac{a}{b}`).
 * A step that fails in the original (e.g. two unit groups) returns the trimmed input, as the original does.
 *
 * @param answer - an extracted answer
 * @returns the normalised string
 * @example
 * ```ts
 * normalizeMathAnswer('\\dfrac{1}{2}') // '\\frac{1}{2}'
 * ```
 * @see SPEC.md §5.3 (`mathruler`); openai/prm800k `grading/math_normalize.py`
 */
export function normalizeMathAnswer(answer: string): string {
  let text = answer.trim();
  try {
    const match = /^\\text\{(.+?)\}$/.exec(text);
    if (match !== null) text = match[1]!.trim();
    return stripString(text);
  } catch (error) {
    if (error instanceof NormalizationError) return text;
    throw error;
  }
}

const UNITS = ['degree', 'cm', 'centimeter', 'meter', 'mile', 'second', 'minute', 'hour', 'day', 'week', 'month', 'year', 'foot', 'feet', 'inch', 'yard'];

/** Python `float(x)` acceptance. */
function pythonFloat(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(?:inf|infinity)$/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(trimmed)) return Number.NaN;
  if (!/^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/.test(trimmed)) return undefined;
  return Number(trimmed.replace(/_/g, ''));
}

function isIntegerValue(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value - Math.round(value)) <= 1e-7;
}

function stripProperlyFormattedCommas(text: string): string {
  let current = text;
  for (let pass = 0; pass < 64; pass++) {
    const next = current.replace(/(\d)(,)(\d\d\d)($|\D)/g, '$1$3$4');
    if (next === current) return next;
    current = next;
  }
  return current;
}

function stringIsInteger(text: string): boolean {
  const value = pythonFloat(stripProperlyFormattedCommas(text));
  return value !== undefined && isIntegerValue(value);
}

function stringToInteger(text: string): string {
  const value = pythonFloat(text.replace(/,/g, ''))!;
  return BigInt(Math.trunc(value)).toString();
}

/**
 * A plain-text rendering of LaTeX, standing in for pylatexenc `latex2text` in MathRuler's `_parse_latex`.
 * @internal
 */
export function latexToText(latex: string): string {
  let text = latex.replace(/\\[td]frac/g, '\\frac').replace(/\\frac/g, ' \\frac');
  // \frac{a}{b} → a/b or (a)/(b) and \sqrt{x} → √(x), innermost first; each pass is linear and rewrites at least
  // one group, and the number of passes is capped.
  for (let pass = 0; pass < 64 && (text.includes('\\frac{') || text.includes('\\sqrt{')); pass++) {
    const next = text
      .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, (_match, a: string, b: string) => (/^\w+$/.test(a) && /^\w+$/.test(b) ? `${a}/${b}` : `(${a})/(${b})`))
      .replace(/\\sqrt\{([^{}]*)\}/g, '√($1)');
    if (next === text) break;
    text = next;
  }
  text = text
    .replace(/\\(?:left|right)/g, '')
    .replace(/\\pi(?![a-zA-Z])/g, 'π')
    .replace(/\\infty(?![a-zA-Z])/g, '∞')
    .replace(/\\cup(?![a-zA-Z])/g, '∪')
    .replace(/\\(?:cdot|times)(?![a-zA-Z])/g, '·')
    .replace(/\\(?:le|leq)(?![a-zA-Z])/g, '≤')
    .replace(/\\(?:ge|geq)(?![a-zA-Z])/g, '≥')
    .replace(/\\pm(?![a-zA-Z])/g, '±')
    .replace(/\\text\{([^{}]*)\}/g, '$1')
    .replace(/\\([a-zA-Z]+)/g, '$1')
    .replace(/\\([{}])/g, '$1')
    .replace(/[{}]/g, '');
  return text
    .replace(/√/g, 'sqrt')
    .replace(/π/g, 'pi')
    .replace(/∞/g, 'inf')
    .replace(/∪/g, 'U')
    .replace(/[·×]/g, '*')
    .trim();
}

/**
 * MathRuler `_normalize`: `\text{}` unwrapping, `%`, `$`, " or "/" and " → ",", million/billion/trillion, unit
 * words, `^\circ`, outer braces, `,\!`, integers as integers, LaTeX to text, signs, mixed numbers ("7 3/4" →
 * "7+3/4"), spaces and braces removed, lower case.
 * @internal
 */
export function mathRulerNormalize(input: string): string {
  let text = input;
  const match = /^\\text\{(.+?)\}$/.exec(text);
  if (match !== null) text = match[1]!;
  text = replaceAll(text, '\\%', '%');
  text = replaceAll(text, '\\$', '$');
  text = replaceAll(text, '$', '');
  text = replaceAll(text, '%', '');
  text = replaceAll(text, ' or ', ' , ');
  text = replaceAll(text, ' and ', ' , ');
  text = replaceAll(text, 'million', '*10^6');
  text = replaceAll(text, 'billion', '*10^9');
  text = replaceAll(text, 'trillion', '*10^12');
  for (const unit of UNITS) text = text.replace(new RegExp(`${unit}(es)?(s)? *(\\^[0-9]+)?`, 'g'), '');
  text = text.replace(/\^ *\\circ/g, '');
  if (text.length > 0 && text[0] === '{' && text[text.length - 1] === '}') text = text.slice(1, -1);
  text = text.replace(/,\\! */g, '');
  const asFloat = pythonFloat(text);
  if (asFloat !== undefined && isIntegerValue(asFloat)) text = String(Math.round(asFloat));
  if (text.includes('\\')) text = latexToText(text);
  text = text.replace(/- */g, '-');
  text = text.replace(/([0-9]) +([0-9])/g, '$1+$2');
  text = replaceAll(text, ' ', '');
  text = replaceAll(text, '{', '');
  text = replaceAll(text, '}', '');
  text = text.toLowerCase();
  if (stringIsInteger(text)) text = stringToInteger(text);
  return text;
}

/** MathRuler `_is_frac`. @internal */
export function isPlainFraction(text: string): boolean {
  return /^-?[0-9]+.?\/0*[1-9][0-9]*.?$/.test(text);
}

/** MathRuler `split_tuple`. @internal */
export function splitTuple(input: string): string[] {
  const text = stripProperlyFormattedCommas(input);
  if (text.length === 0) return [];
  const tupleCharacters = '()[]';
  if (text.length > 2 && tupleCharacters.includes(text[0]!) && tupleCharacters.includes(text[text.length - 1]!) && ![...tupleCharacters].some((character) => text.slice(1, -1).includes(character))) {
    return text.slice(1, -1).split(',').map((element) => element.trim());
  }
  return [text];
}

/** MathRuler `should_allow_eval`: at most two distinct letters, no `^{`, `^(`, `^n^` or multi-digit exponents. @internal */
export function shouldAllowEvaluation(expression: string): boolean {
  const letters = new Set(replaceAll(replaceAll(expression, 'sqrt', ''), 'frac', '').match(/\p{L}/gu) ?? []);
  if (letters.size > 2) return false;
  if (expression.includes('^{') || expression.includes('^(')) return false;
  if (/\^[0-9]+\^/.test(expression) || /\^[0-9][0-9]+/.test(expression)) return false;
  return true;
}

/** MathRuler `_str_is_int`. @internal */
export function mathRulerIsInteger(text: string): boolean {
  return stringIsInteger(text);
}

/**
 * Collapses whitespace around `<`, `>` and `/`, as the released ARES reward does before grading
 * (`re.sub(r"\s*(<|>|/)\s*", r"\1", text)`), in one linear pass.
 * @internal
 */
export function collapseOperatorSpaces(text: string): string {
  const output: string[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '<' || character === '>' || character === '/') {
      while (output.length > 0 && /\s/.test(output[output.length - 1]!)) output.pop();
      output.push(character);
      index++;
      while (index < text.length && /\s/.test(text[index]!)) index++;
      continue;
    }
    output.push(character);
    index++;
  }
  return output.join('');
}
