import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HWE_COUNT_OPTIONS, hweCount } from './hwe-count';
import { RELEASED_TRIGGER_VOCABULARY } from './released-trigger-vocabulary';

const TOKENS = ['so', 'wait', 'the', 'answer', 'but', 'is', 'x', 'hmm', '.'];
const ENTROPIES = [0.2, 0.5, 1.2, 1.4, 0.9, 1.6, 1.1, 0.3, 0.1];

describe('hweCount', () => {
  it('counts anchor positions with W ≥ τ (H = 1..6, w = 2)', () => {
    // inclusive W = [1.5, 2.5, 3.5, 4.5, 5.5]; next W = [2.5, 3.5, 4.5, 5.5]
    expect(hweCount([1, 2, 3, 4, 5, 6], 3.5, { window: 2 })).toBe(3);
    expect(hweCount([1, 2, 3, 4, 5, 6], 3.5, { window: 2, anchor: 'next' })).toBe(3);
    expect(hweCount([1, 2, 3, 4, 5, 6], 2.5, { window: 2, anchor: 'next' })).toBe(4);
    expect(hweCount([1, 2, 3, 4, 5, 6], 2.5, { window: 2 })).toBe(4);
  });

  it('counts a sustained region of length ℓ ≥ w as ℓ − w + 1 positions', () => {
    expect(hweCount([0, 3, 3, 3, 3, 3, 3, 0], 3, { window: 4 })).toBe(3);
  });

  it('uses window 4 and the inclusive anchor by default', () => {
    expect(DEFAULT_HWE_COUNT_OPTIONS).toEqual({ window: 4, anchor: 'inclusive' });
    // W (w = 4, inclusive) over ENTROPIES: 0.825, 1.0 (0.9999999999999999 in float64), 1.275, 1.25, 0.975, 0.775.
    expect(hweCount(ENTROPIES, 1.1)).toBe(2);
    expect(hweCount(ENTROPIES, 0.8)).toBe(5);
  });

  it('with the trigger filter counts only vocabulary tokens followed by a full next window ≥ τ', () => {
    // SPEC §6.1 item 6: only "wait" (next-window mean 1.275) qualifies.
    expect(hweCount(ENTROPIES, 1, { tokens: TOKENS, vocabulary: ['wait', 'but', 'hmm'] })).toBe(1);
    expect(hweCount(ENTROPIES, 0.7, { tokens: TOKENS, vocabulary: ['wait', 'but', 'hmm'] })).toBe(2);
    expect(hweCount(ENTROPIES, 1, { tokens: TOKENS, vocabulary: RELEASED_TRIGGER_VOCABULARY })).toBe(1);
  });

  it('with the trigger filter and w = 1 judges the single next token (the App. H variant)', () => {
    // "wait" at 1 → H_2 = 1.2 ≥ 1; "but" at 4 → H_5 = 1.6 ≥ 1; "hmm" at 7 → H_8 = 0.1.
    expect(hweCount(ENTROPIES, 1, { window: 1, tokens: TOKENS, vocabulary: ['wait', 'but', 'hmm'] })).toBe(2);
  });

  it('returns 0 for sequences shorter than the window and for empty input', () => {
    expect(hweCount([5, 5, 5], 0)).toBe(0);
    expect(hweCount([], 0)).toBe(0);
  });

  it('never counts NaN windows', () => {
    expect(hweCount([5, Number.NaN, 5, 5, 5], 1, { window: 2 })).toBe(2);
  });

  it('throws INVALID_ARGUMENT when only one half of the trigger filter is given', () => {
    expectAresError(() => hweCount(ENTROPIES, 1, { tokens: TOKENS }), 'INVALID_ARGUMENT', 'options.vocabulary');
    expectAresError(() => hweCount(ENTROPIES, 1, { vocabulary: ['wait'] }), 'INVALID_ARGUMENT', 'options.tokens');
  });

  it('throws SHAPE_MISMATCH when the tokens do not match the entropies', () => {
    expectAresError(
      () => hweCount(ENTROPIES, 1, { tokens: TOKENS.slice(1), vocabulary: ['wait'] }),
      'SHAPE_MISMATCH',
      'options.tokens',
    );
  });

  it('throws for a NaN threshold, a bad window or an unknown anchor', () => {
    expectAresError(() => hweCount(ENTROPIES, Number.NaN), 'INVALID_ARGUMENT', 'threshold');
    expectAresError(() => hweCount(ENTROPIES, 1, { window: -1 }), 'INVALID_ARGUMENT', 'options.window');
    expectAresError(() => hweCount(ENTROPIES, 1, { anchor: 'prior' as 'next' }), 'UNSUPPORTED', 'options.anchor');
  });
});
