import type { Budget } from './budget';

const UNICODE_REPLACEMENTS: readonly (readonly [string, string])[] = [
  ['\u2212', '-'],
  ['\u2013', '-'],
  ['\u00d7', '\\times '],
  ['\u00b7', '\\cdot '],
  ['\u22c5', '\\cdot '],
  ['\u00f7', '\\div '],
  ['\u03c0', '\\pi '],
  ['\u221e', '\\infty '],
  ['\u2264', '\\le '],
  ['\u2265', '\\ge '],
  ['\u2260', '\\ne '],
  ['\u00b1', '\\pm '],
  ['\u2213', '\\mp '],
  ['\u221a', '\\sqrt'],
  ['\u222a', '\\cup '],
  ['\u2229', '\\cap '],
  ['\u2208', '\\in '],
  ['\u00b2', '^2'],
  ['\u00b3', '^3'],
  ['\u00b0', ''],
  ['\u20ac', ''],
  ['\u00a3', ''],
  ['\u00a5', ''],
  ['\u00a0', ' '],
  ['\u2009', ' '],
  ['\u202f', ' '],
];

/** Commands whose braced argument is text: unwrapped, or dropped when it is a trailing unit. */
const TEXT_COMMANDS = [
  '\\text',
  '\\textbf',
  '\\textit',
  '\\textrm',
  '\\textnormal',
  '\\textsf',
  '\\texttt',
  '\\mathrm',
  '\\mathbf',
  '\\mathit',
  '\\mathsf',
  '\\mathtt',
  '\\operatorname',
  '\\mbox',
  '\\boldsymbol',
  '\\bm',
  '\\mathnormal',
];

/** Unit words removed after a number (lower case; matched case-insensitively, plural forms listed). */
const UNIT_WORDS = new Set([
  'unit', 'units', 'sq', 'square', 'cubic', 'cm', 'mm', 'km', 'meter', 'meters', 'metre', 'metres', 'centimeter',
  'centimeters', 'millimeter', 'millimeters', 'kilometer', 'kilometers', 'inch', 'inches', 'foot', 'feet', 'ft',
  'yard', 'yards', 'yd', 'mile', 'miles', 'mph', 'kmh', 'kg', 'grams', 'gram', 'mg', 'lb', 'lbs', 'pound', 'pounds',
  'oz', 'ounce', 'ounces', 'liter', 'liters', 'litre', 'litres', 'ml', 'sec', 'secs', 'second', 'seconds', 'min',
  'mins', 'minute', 'minutes', 'hr', 'hrs', 'hour', 'hours', 'day', 'days', 'week', 'weeks', 'month', 'months',
  'year', 'years', 'dollar', 'dollars', 'cent', 'cents', 'euro', 'euros', 'degree', 'degrees', 'percent',
  'radian', 'radians', 'point', 'points', 'people', 'students', 'ways', 'times', 'usd', 'rmb', 'yuan',
]);

/** Single-letter units: removed only when separated from the number by a space or given as `\text{m}`. */
const SHORT_UNITS = new Set(['m', 'g', 's', 'h', 'l', 'L']);

/**
 * Normalises a LaTeX or plain-text answer for parsing (the `ares` profile): Unicode operators to LaTeX, math
 * delimiters and sizing commands removed, `\tfrac`/`\dfrac` → `\frac`, spacing commands, degrees (`^\circ`),
 * percent signs, currency (`\$`, `€`), thin-space and `{,}` thousands separators, text wrappers unwrapped and
 * trailing units (`\text{ cm}`, `5 dollars`, `m^2`) dropped, and a sentence-final period removed.
 *
 * @param answer - an extracted answer
 * @param budget - cooperative time budget
 * @returns the normalised string (may be empty)
 * @internal
 */
export function normalizeLatex(answer: string, budget?: Budget): string {
  let text = answer;
  for (const [from, to] of UNICODE_REPLACEMENTS) if (text.includes(from)) text = text.split(from).join(to);
  text = text.trim();
  text = stripDelimiters(text);
  text = text.replace(/\\\$/g, ' ').replace(/\$/g, ' ');
  text = text.replace(/\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)(?![a-zA-Z])/g, ' ');
  text = text.replace(/\\(?:left|right)\s*\./g, ' ');
  text = text.replace(/\\(?:left|right|[bB]igg?[lr]?|middle)(?![a-zA-Z])/g, '');
  // Thin spaces and {,} as thousands separators, {,} as a decimal comma otherwise.
  text = text.replace(/(\d)(?:\\[,;:! ]|\{,\}|\\thinspace\s?)(?=\d{3}(?!\d))/g, '$1');
  text = text.replace(/(\d)\{,\}(?=\d)/g, '$1.');
  text = text.replace(/\\[,;:! ]|\\q?quad(?![a-zA-Z])|~/g, ' ');
  text = text.replace(/\\[tdc]frac(?![a-zA-Z])/g, '\\frac').replace(/\\[dt]binom(?![a-zA-Z])/g, '\\binom');
  // Degrees and percent.
  text = text.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|\\circ(?![a-zA-Z])|\^\s*\{\s*\\degree\s*\}|\\degree(?![a-zA-Z])/g, '');
  text = text.replace(/\\%|%/g, '');
  text = text.replace(/\\(?:euro|pounds|yen)(?![a-zA-Z])/g, '');
  text = text.replace(/\\mathrm\s*\{\s*th\s*\}/g, '');
  text = unwrapTextCommands(text, budget);
  text = text.trim();
  text = stripTrailingUnits(text);
  text = text.replace(/[.,;]\s*$/, '').trim();
  // Space-separated thousands, for a whole answer only ("1 000 000"; anchored, so linear).
  if (/^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(text)) text = text.replace(/ /g, '');
  return text;
}

function stripDelimiters(text: string): string {
  let result = text;
  for (;;) {
    const before = result;
    if (result.startsWith('\\(') && result.endsWith('\\)')) result = result.slice(2, -2).trim();
    else if (result.startsWith('\\[') && result.endsWith('\\]')) result = result.slice(2, -2).trim();
    else if (result.startsWith('$$') && result.endsWith('$$') && result.length >= 4) result = result.slice(2, -2).trim();
    else if (result.startsWith('$') && result.endsWith('$') && result.length >= 2 && !result.startsWith('\\$')) result = result.slice(1, -1).trim();
    if (result === before) return result;
  }
}

/**
 * Replaces each `\text{…}`-like group by its content (with spaces around), or removes it when it is a unit
 * following a value. Brace-matched, linear.
 */
function unwrapTextCommands(text: string, budget?: Budget): string {
  let result = text;
  for (let guard = 0; guard < 10_000; guard++) {
    budget?.tick(16);
    let found = -1;
    let commandLength = 0;
    for (const command of TEXT_COMMANDS) {
      let index = result.indexOf(command + '{');
      let spaced = result.indexOf(command + ' {');
      if (spaced >= 0 && (index < 0 || spaced < index)) {
        index = spaced;
      } else spaced = -1;
      if (index >= 0 && (found < 0 || index < found)) {
        found = index;
        commandLength = command.length + (spaced === index ? 1 : 0);
      }
    }
    if (found < 0) return result;
    const open = found + commandLength;
    const close = matchBrace(result, open);
    if (close < 0) return result.slice(0, found) + result.slice(open + 1);
    const content = result.slice(open + 1, close);
    const before = result.slice(0, found);
    const after = result.slice(close + 1);
    const isTrailing = after.trim().length === 0 || /^\s*[.,;]?\s*$/.test(after);
    const trimmed = content.trim();
    let replacement: string;
    if (trimmed.length === 0) replacement = ' ';
    else if (isTrailing && before.trim().length > 0 && isUnitText(trimmed) && /[\d)}\]a-zA-Z]\s*(?:\^\s*\{?\d\}?)?\s*$/.test(before)) replacement = ' ';
    else if (/^(?:and|or)$/i.test(trimmed)) replacement = ` ${trimmed.toLowerCase()} `;
    else replacement = ` ${content} `;
    result = before + replacement + after;
  }
  return result;
}

/** Index of the `}` matching the `{` at `open`, or −1. */
export function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const character = text[index];
    if (character === '{' && text[index - 1] !== '\\') depth++;
    else if (character === '}' && text[index - 1] !== '\\') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function isUnitText(text: string): boolean {
  const words = text
    .replace(/\^\s*\{?\s*\d\s*\}?|[²³]/g, ' ')
    .split(/[\s/.\-]+/)
    .filter((word) => word.length > 0);
  if (words.length === 0) return false;
  return words.every((word) => UNIT_WORDS.has(word.toLowerCase()) || SHORT_UNITS.has(word) || /^(?:per|of|in|square)$/i.test(word));
}

function stripTrailingUnits(text: string): string {
  let result = text;
  for (let guard = 0; guard < 8; guard++) {
    const tail = result.length > 200 ? result.slice(-200) : result;
    const match = /(\s*)([a-zA-Z]+)(\s*\^\s*\{?\s*[23]\s*\}?)?$/.exec(tail);
    if (match === null) return result;
    const start = result.length - tail.length + match.index;
    const word = match[2]!;
    const spaced = match[1]!.length > 0;
    const isUnit = (UNIT_WORDS.has(word.toLowerCase()) && (word.length > 2 || spaced || /^(?:cm|mm|km|kg|mg|ml|ft|yd|hr|lb|oz|sq)$/i.test(word))) || (SHORT_UNITS.has(word) && spaced);
    if (!isUnit) return result;
    const before = result.slice(0, start).trimEnd();
    if (before.length === 0) return result;
    const previousWord = /([a-zA-Z]+)$/.exec(before)?.[1];
    const followsValue = /[\d)}\]]$/.test(before) || /\\[a-zA-Z]+$/.test(before) || (previousWord !== undefined && UNIT_WORDS.has(previousWord.toLowerCase()) && /\d/.test(before));
    if (!followsValue) return result;
    result = before;
  }
  return result;
}
