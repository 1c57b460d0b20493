import { expectAresError } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countTokens } from './index';

describe('countTokens', () => {
  it('counts whitespace-separated words by default', () => {
    expect(countTokens('<think> 2 + 2 </think> \\boxed{4}')).toBe(6);
    expect(countTokens('  leading and trailing  ')).toBe(3);
    expect(countTokens('tabs\tand\nnewlines\r\nand\u00a0nbsp\u3000ideographic')).toBe(6);
    expect(countTokens('')).toBe(0);
    expect(countTokens(' \n\t ')).toBe(0);
  });

  it('agrees with split(/\\s+/) without empty pieces on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(countTokens(text)).toBe(text.split(/\s+/).filter((piece) => piece !== '').length);
      }),
    );
  });

  it('counts code points with unit characters (a surrogate pair once)', () => {
    expect(countTokens('héllo', { unit: 'characters' })).toBe(5);
    expect(countTokens('a😀b', { unit: 'characters' })).toBe(3);
    expect(countTokens('\ud800x', { unit: 'characters' })).toBe(2); // lone high surrogate
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(countTokens(text, { unit: 'characters' })).toBe([...text].length);
      }),
    );
  });

  it('uses a tokenizer returning a count or the tokens, ignoring unit', () => {
    expect(countTokens('a b c', { tokenizer: (text) => text.length, unit: 'whitespace' })).toBe(5);
    expect(countTokens('a b c', { tokenizer: (text) => new Int32Array(text.length * 2) })).toBe(10);
    expect(countTokens('a b c', { tokenizer: (text) => text.split(' ') })).toBe(3);
  });

  it('throws INVALID_ARGUMENT for a bad tokenizer or its output and UNSUPPORTED for an unknown unit', () => {
    expectAresError(() => countTokens('x', { tokenizer: () => -1 }), 'INVALID_ARGUMENT', 'options.tokenizer');
    expectAresError(() => countTokens('x', { tokenizer: () => 1.5 }), 'INVALID_ARGUMENT', 'options.tokenizer');
    expectAresError(() => countTokens('x', { tokenizer: () => 'abc' as unknown as number }), 'INVALID_ARGUMENT', 'options.tokenizer');
    expectAresError(() => countTokens('x', { tokenizer: 3 as unknown as () => number }), 'INVALID_ARGUMENT', 'options.tokenizer');
    expectAresError(() => countTokens('x', { unit: 'bytes' as 'characters' }), 'UNSUPPORTED', 'options.unit');
    expectAresError(() => countTokens(3 as unknown as string), 'INVALID_ARGUMENT', 'text');
  });
});
