import { AresError } from '@ares/core';

/** Padding token (id 0): fills rows of a batch after their end. */
export const PAD_TOKEN = '<pad>';
/** First token of every sequence. */
export const BOS_TOKEN = '<bos>';
/** End of a response. */
export const EOS_TOKEN = '<eos>';
/** Opens the reasoning part of a response. */
export const THINK_OPEN = '<think>';
/** Closes the reasoning part of a response. */
export const THINK_CLOSE = '</think>';
/** Opens the final answer, as `@ares/eval` extracts it. */
export const BOXED_OPEN = '\\boxed{';
/** Closes the final answer. */
export const BOXED_CLOSE = '}';

/**
 * The trainer's vocabulary, in id order: special tokens, digits, arithmetic symbols, space and newline, and the
 * few words of the teacher traces (`wait` and `check` start re-checking lines).
 */
export const DEFAULT_VOCABULARY: readonly string[] = Object.freeze([
  PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, THINK_OPEN, THINK_CLOSE, BOXED_OPEN, BOXED_CLOSE,
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
  '+', '-', '*', '=', '?', ' ', '\n',
  'wait', 'check', 'ok', 'so', 'count', 'add',
]);

/**
 * A greedy longest-match tokenizer over a small fixed vocabulary (characters plus a few whole words and the
 * special tokens), small enough for a tiny model.
 *
 * `encode` scans left to right and takes the longest vocabulary entry that matches; `decode` concatenates the
 * entries. For the default vocabulary `decode(encode(text)) === text` for every encodable text.
 *
 * @example
 * ```ts
 * const tokenizer = new Tokenizer();
 * tokenizer.decode(tokenizer.encode('<think>2+3=5</think>\\boxed{5}')) // the same text
 * ```
 * @see SPEC.md §2.9
 */
export class Tokenizer {
  /** Token strings by id. */
  readonly vocabulary: readonly string[];
  /** Id of {@link PAD_TOKEN}. */
  readonly padId: number;
  /** Id of {@link BOS_TOKEN}. */
  readonly bosId: number;
  /** Id of {@link EOS_TOKEN}. */
  readonly eosId: number;
  private readonly ids: ReadonlyMap<string, number>;
  private readonly longest: number;

  /**
   * @param vocabulary - distinct non-empty token strings by id; must contain the special tokens
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `vocabulary`) for an empty or duplicated entry or a missing
   *   special token
   */
  constructor(vocabulary: readonly string[] = DEFAULT_VOCABULARY) {
    const ids = new Map<string, number>();
    vocabulary.forEach((token, id) => {
      if (typeof token !== 'string' || token.length === 0 || ids.has(token)) {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'vocabulary', value: token, message: `Tokenizer: vocabulary entry ${id} is empty or repeated: ${JSON.stringify(token)}` });
      }
      ids.set(token, id);
    });
    for (const special of [PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, THINK_OPEN, THINK_CLOSE, BOXED_OPEN, BOXED_CLOSE]) {
      if (!ids.has(special)) {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'vocabulary', value: special, message: `Tokenizer: the vocabulary lacks ${special}` });
      }
    }
    this.vocabulary = Object.freeze([...vocabulary]);
    this.ids = ids;
    this.longest = Math.max(...vocabulary.map((token) => token.length));
    this.padId = ids.get(PAD_TOKEN)!;
    this.bosId = ids.get(BOS_TOKEN)!;
    this.eosId = ids.get(EOS_TOKEN)!;
  }

  /** Number of tokens, V. */
  get size(): number {
    return this.vocabulary.length;
  }

  /**
   * Id of one token string.
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `token`) when it is not in the vocabulary
   */
  id(token: string): number {
    const id = this.ids.get(token);
    if (id === undefined) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'token', value: token, message: `Tokenizer: ${JSON.stringify(token)} is not in the vocabulary` });
    }
    return id;
  }

  /**
   * Token ids of a text, by greedy longest match.
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `text`) at the first position no entry matches
   */
  encode(text: string): Int32Array {
    const out: number[] = [];
    let position = 0;
    while (position < text.length) {
      let matched = -1;
      let length = Math.min(this.longest, text.length - position);
      for (; length > 0; length--) {
        const id = this.ids.get(text.slice(position, position + length));
        if (id !== undefined) {
          matched = id;
          break;
        }
      }
      if (matched < 0) {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'text', value: text, message: `Tokenizer: no token matches ${JSON.stringify(text.slice(position, position + 8))} at position ${position}` });
      }
      out.push(matched);
      position += length;
    }
    return Int32Array.from(out);
  }

  /**
   * The text of token ids (concatenated entries).
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `ids`) for an id outside [0, V)
   */
  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let index = 0; index < ids.length; index++) {
      const token = this.vocabulary[ids[index]!];
      if (token === undefined) {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'ids', value: ids[index], message: `Tokenizer: id ${ids[index]} at ${index} is outside [0, ${this.size})` });
      }
      text += token;
    }
    return text;
  }

  /** Token strings of ids (for highlighting single tokens, e.g. trigger words). */
  tokens(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => this.decode([id]));
  }
}
