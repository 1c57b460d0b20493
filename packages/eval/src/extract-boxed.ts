/** Options of {@link extractBoxed}. */
export interface ExtractBoxedOptions {
  /**
   * Also accept the brace-less form `\boxed 5` (the `minerva` profile): its content runs to the next `$`, line
   * break or the end of the text. The later of the last braced and the last brace-less box wins.
   * @default false
   */
  readonly braceless?: boolean;
}

/** Defaults of {@link ExtractBoxedOptions}. */
export const DEFAULT_EXTRACT_BOXED_OPTIONS: Readonly<Required<ExtractBoxedOptions>> = Object.freeze({ braceless: false });

const OPENERS = ['\\boxed{', '\\fbox{'] as const;

/**
 * The content of the last `\boxed{…}` or `\fbox{…}` in a text, with nested braces kept intact.
 *
 * Finds the last opener, then scans forward counting `{` and `}` (escaped braces `\{` `\}` included, as the
 * reference implementations do) until the opening brace is closed.
 *
 * @param text - a model response or a reference solution
 * @param options - `braceless` (default `false`): also accept `\boxed 5`
 * @returns the content between the outer braces (untrimmed), or `undefined` when there is no box or when the
 *   last box is unbalanced (a truncated response), even if an earlier box is complete; never the string "None"
 * @throws never: any string is valid input
 * @remarks
 * ## Numerics
 * One backwards search and one forward scan: O(length of the text), no regular expression, so no backtracking.
 * @example
 * ```ts
 * extractBoxed('so $x = \\boxed{\\frac{1}{2}}$') // '\\frac{1}{2}'
 * ```
 * @see SPEC.md §5.2 (Answer extraction), §5.6 pitfall 1
 */
export function extractBoxed(text: string, options: ExtractBoxedOptions = {}): string | undefined {
  const braceless = options.braceless ?? DEFAULT_EXTRACT_BOXED_OPTIONS.braceless;
  let start = -1;
  let openerLength = 0;
  for (const opener of OPENERS) {
    const index = text.lastIndexOf(opener);
    if (index > start) {
      start = index;
      openerLength = opener.length;
    }
  }
  if (braceless) {
    const bracelessStart = lastBracelessBox(text);
    if (bracelessStart !== undefined && bracelessStart.index > start) {
      let end = bracelessStart.contentStart;
      while (end < text.length && text[end] !== '$' && text[end] !== '\n') end++;
      return text.slice(bracelessStart.contentStart, end).trim();
    }
  }
  if (start < 0) return undefined;
  const contentStart = start + openerLength;
  let depth = 1;
  for (let index = contentStart; index < text.length; index++) {
    const character = text.charCodeAt(index);
    if (character === 123 /* { */) depth++;
    else if (character === 125 /* } */) {
      depth--;
      if (depth === 0) return text.slice(contentStart, index);
    }
  }
  return undefined;
}

/** The last `\boxed` followed by whitespace and then something other than `{`. */
function lastBracelessBox(text: string): { index: number; contentStart: number } | undefined {
  let from = text.length;
  while (from >= 0) {
    const index = text.lastIndexOf('\\boxed', from);
    if (index < 0) return undefined;
    let cursor = index + 6;
    while (cursor < text.length && (text[cursor] === ' ' || text[cursor] === '\t')) cursor++;
    if (cursor > index + 6 && cursor < text.length && text[cursor] !== '{') return { index, contentStart: cursor };
    from = index - 1;
  }
  return undefined;
}
