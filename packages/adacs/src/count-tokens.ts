import { AresError, assertOneOf } from '@ares/core';

/** What a tokenizer may return: a token count, or the tokens themselves (ids or strings), whose length is used. */
export type TokenizerOutput = number | ArrayLike<unknown>;

/** A tokenizer: text in, token count (or the token array) out. Must be deterministic. */
export type Tokenizer = (text: string) => TokenizerOutput;

/** The fallback units of {@link countTokens} when no tokenizer is supplied. */
export type TokenUnit = 'whitespace' | 'characters';

/** Every {@link TokenUnit}. */
export const TOKEN_UNITS: readonly TokenUnit[] = Object.freeze(['whitespace', 'characters'] as const);

/** Options of {@link countTokens}. */
export interface CountTokensOptions {
  /**
   * The model's tokenizer (for example `(text) => tokenizer.encode(text)`); when given, `unit` is ignored.
   * @default undefined
   */
  readonly tokenizer?: Tokenizer;
  /**
   * The fallback unit without a tokenizer: `whitespace` counts maximal runs of non-whitespace characters
   * (`text.split(/\s+/)` without empty pieces); `characters` counts Unicode code points.
   * @default 'whitespace'
   */
  readonly unit?: TokenUnit;
}

/** Defaults of {@link CountTokensOptions} (no tokenizer, whitespace words). */
export const DEFAULT_COUNT_TOKENS_OPTIONS: Readonly<{ unit: TokenUnit }> = Object.freeze({ unit: 'whitespace' });

/** True for the ECMAScript `\s` class (WhiteSpace and LineTerminator code points). @internal */
export function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Number of maximal non-whitespace runs in `text`. @internal */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    const space = isWhitespace(text.charCodeAt(index));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Number of Unicode code points in `text` (a surrogate pair counts once; a lone surrogate counts once). @internal */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}

/**
 * Validates a tokenizer's output and returns the token count.
 * @internal
 */
export function tokenCountOf(output: unknown, parameter: string): number {
  const count =
    typeof output === 'number'
      ? output
      : output !== null && typeof output === 'object' && typeof (output as { length?: unknown }).length === 'number'
        ? (output as ArrayLike<unknown>).length
        : Number.NaN;
  if (!Number.isInteger(count) || count < 0) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter,
      value: output,
      message: `${parameter}: expected a token count (an integer ≥ 0) or an array of tokens, got ${typeof output === 'number' ? output : typeof output}`,
    });
  }
  return count;
}

/**
 * Validates {@link CountTokensOptions} and returns the counting function.
 * @internal
 */
export function resolveTokenCounter(options: CountTokensOptions, prefix: string): (text: string) => number {
  const { tokenizer } = options;
  if (tokenizer !== undefined) {
    if (typeof tokenizer !== 'function') {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `${prefix}.tokenizer`, value: tokenizer, message: `${prefix}.tokenizer: expected a function` });
    }
    return (text) => tokenCountOf(tokenizer(text), `${prefix}.tokenizer`);
  }
  const unit = options.unit ?? DEFAULT_COUNT_TOKENS_OPTIONS.unit;
  assertOneOf(unit, TOKEN_UNITS, `${prefix}.unit`);
  return unit === 'whitespace' ? countWords : countCodePoints;
}

/**
 * The length of a text in tokens: the supplied tokenizer's count, else whitespace-separated words or code points.
 *
 * n = |tokenizer(text)|, or #{maximal runs of non-`\s` characters}, or #{code points}.
 *
 * @param text - the text to measure
 * @param options - `tokenizer` (returns a count or the token array) or the fallback `unit` (default `whitespace`)
 * @returns the token count, an integer ≥ 0 (0 for the empty string under both fallback units)
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `text`) when `text` is not a string; `INVALID_ARGUMENT`
 *   (parameter `options.tokenizer`) when the tokenizer is not a function or returns something other than an
 *   integer ≥ 0 or an array-like; `UNSUPPORTED` (parameter `options.unit`) for an unknown unit
 * @remarks
 * ## Numerics
 * Exact integer counting in one pass over UTF-16 code units, no allocation. The whitespace set is ECMAScript's
 * `\s`, so the count equals `text.split(/\s+/).filter(Boolean).length`. Whitespace words and code points are rough
 * proxies for model tokens (English text has about 1.3 tokens per word): they rank traces by length, which is what
 * candidate selection needs, but the anchors L(0), L(1) are then in words, not tokens.
 * @example
 * ```ts
 * countTokens('<think> 2 + 2 </think> \\boxed{4}') // 6
 * countTokens('héllo', { unit: 'characters' }) // 5
 * ```
 * @see SPEC.md §2.7 (AdaCS); paper §3.1
 */
export function countTokens(text: string, options: CountTokensOptions = {}): number {
  if (typeof text !== 'string') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'text', value: text, message: `text: expected a string, got ${typeof text}` });
  }
  return resolveTokenCounter(options, 'options')(text);
}
