import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { DEFAULT_VOCABULARY, Tokenizer } from './tokenizer';

describe('Tokenizer', () => {
  const tokenizer = new Tokenizer();

  it('keeps the vocabulary small enough for a tiny model', () => {
    expect(tokenizer.size).toBe(DEFAULT_VOCABULARY.length);
    expect(tokenizer.size).toBeLessThanOrEqual(32);
    expect([tokenizer.padId, tokenizer.bosId, tokenizer.eosId]).toEqual([0, 1, 2]);
  });

  it('encodes special tokens, words and trigger words as single tokens', () => {
    const ids = tokenizer.encode('<think>wait 12+3=15 ok</think>\\boxed{15}');
    expect(tokenizer.tokens(ids)).toEqual(['<think>', 'wait', ' ', '1', '2', '+', '3', '=', '1', '5', ' ', 'ok', '</think>', '\\boxed{', '1', '5', '}']);
  });

  it('round-trips text through encode and decode', () => {
    const text = 'count ?<think>1 2 3\ncheck 1 2 3 ok\nso 3</think>\\boxed{3}';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('encodes the empty text as no tokens', () => {
    expect(tokenizer.encode('')).toEqual(new Int32Array(0));
  });

  it('throws INVALID_ARGUMENT naming text for an unknown character', () => {
    expectAresError(() => tokenizer.encode('2/3'), 'INVALID_ARGUMENT', 'text');
  });

  it('throws INVALID_ARGUMENT naming ids for an id outside the vocabulary', () => {
    expectAresError(() => tokenizer.decode([0, tokenizer.size]), 'INVALID_ARGUMENT', 'ids');
    expectAresError(() => tokenizer.decode([-1]), 'INVALID_ARGUMENT', 'ids');
  });

  it('throws INVALID_ARGUMENT naming vocabulary for a repeated entry or a missing special token', () => {
    expectAresError(() => new Tokenizer([...DEFAULT_VOCABULARY, '1']), 'INVALID_ARGUMENT', 'vocabulary');
    expectAresError(() => new Tokenizer(DEFAULT_VOCABULARY.filter((token) => token !== '</think>')), 'INVALID_ARGUMENT', 'vocabulary');
  });

  it('looks up single tokens and rejects unknown ones', () => {
    expect(tokenizer.decode([tokenizer.id('check')])).toBe('check');
    expectAresError(() => tokenizer.id('maybe'), 'INVALID_ARGUMENT', 'token');
  });
});
