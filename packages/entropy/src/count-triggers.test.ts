import { expectAllClose, expectAresError, REFERENCE } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { countTriggers, DEFAULT_COUNT_TRIGGERS_OPTIONS } from './count-triggers';
import { RELEASED_TRIGGER_VOCABULARY } from './released-trigger-vocabulary';

// SPEC §6.1 item 6.
const TOKENS = ['so', 'wait', 'the', 'answer', 'but', 'is', 'x', 'hmm', '.'];
const ENTROPIES = [0.2, 0.5, 1.2, 1.4, 0.9, 1.6, 1.1, 0.3, 0.1];

describe('countTriggers', () => {
  it('reproduces the SPEC §6.1 item 6 worked example', () => {
    const counts = countTriggers(TOKENS, ENTROPIES, { vocabulary: ['wait', 'but', 'hmm'], window: 4, threshold: 1.0 });
    expect(counts.valid).toBe(1); // "wait": mean(1.2, 1.4, 0.9, 1.6) = 1.275
    expect(counts.invalid).toBe(1); // "but": mean(1.6, 1.1, 0.3, 0.1) = 0.775; "hmm" has no full window
    expectAllClose(counts.softCost, 0.275, REFERENCE);
  });

  it('defaults to a window of 4', () => {
    expect(DEFAULT_COUNT_TRIGGERS_OPTIONS.window).toBe(4);
    expect(countTriggers(TOKENS, ENTROPIES, { vocabulary: ['wait', 'but', 'hmm'], threshold: 1.0 })).toEqual(
      countTriggers(TOKENS, ENTROPIES, { vocabulary: ['wait', 'but', 'hmm'], window: 4, threshold: 1.0 }),
    );
  });

  it('normalises decoded tokens before matching (▁/Ġ markers, whitespace, case)', () => {
    const decoded = ['So', 'ĠWait', ' the', '▁answer', ' But ', 'Ġis', 'x', 'ĠHmm', '.'];
    const counts = countTriggers(decoded, ENTROPIES, { vocabulary: RELEASED_TRIGGER_VOCABULARY, threshold: 1.0 });
    expect([counts.valid, counts.invalid]).toEqual([1, 1]);
  });

  it('accepts the vocabulary as a Set or any iterable', () => {
    const fromSet = countTriggers(TOKENS, ENTROPIES, { vocabulary: new Set(['wait', 'but']), threshold: 1.0 });
    const fromGenerator = countTriggers(TOKENS, ENTROPIES, {
      vocabulary: (function* () {
        yield 'wait';
        yield 'but';
      })(),
      threshold: 1.0,
    });
    expect(fromGenerator).toEqual(fromSet);
  });

  it('counts a window whose mean equals τ exactly as valid, with zero soft cost', () => {
    const counts = countTriggers(['wait', 'a', 'b'], [9, 0.5, 1.5], { vocabulary: ['wait'], window: 2, threshold: 1 });
    expect(counts).toEqual({ valid: 1, invalid: 0, softCost: 0 });
  });

  it('never judges a trigger in the last w positions', () => {
    const counts = countTriggers(['a', 'wait', 'b', 'wait'], [5, 5, 5, 5], {
      vocabulary: ['wait'],
      window: 2,
      threshold: 0,
    });
    // Index 1 has L − 1 − 1 = 2 ≥ 2 followers; index 3 has none.
    expect(counts).toEqual({ valid: 1, invalid: 0, softCost: 5 });
    expect(countTriggers(['wait'], [3], { vocabulary: ['wait'], window: 1, threshold: 0 })).toEqual({
      valid: 0,
      invalid: 0,
      softCost: 0,
    });
  });

  it('returns zeros for empty input', () => {
    expect(countTriggers([], [], { vocabulary: ['wait'], threshold: 1 })).toEqual({
      valid: 0,
      invalid: 0,
      softCost: 0,
    });
  });

  it('propagates NaN into softCost and counts the NaN window as invalid', () => {
    const counts = countTriggers(['wait', 'a', 'b'], [0, Number.NaN, 2], {
      vocabulary: ['wait'],
      window: 2,
      threshold: 1,
    });
    expect(counts.valid).toBe(0);
    expect(counts.invalid).toBe(1);
    expect(counts.softCost).toBeNaN();
  });

  it('does not mutate its inputs', () => {
    const tokens = [...TOKENS];
    const entropies = Float64Array.from(ENTROPIES);
    const snapshot = entropies.slice();
    countTriggers(tokens, entropies, { vocabulary: ['wait', 'but'], threshold: 1 });
    expect(tokens).toEqual(TOKENS);
    expect(entropies).toEqual(snapshot);
  });

  it('throws SHAPE_MISMATCH when tokens and entropies differ in length', () => {
    expectAresError(
      () => countTriggers(['wait'], [1, 2], { vocabulary: ['wait'], threshold: 1 }),
      'SHAPE_MISMATCH',
      'tokens',
    );
  });

  it('throws INVALID_ARGUMENT for a bad window, a NaN threshold or a non-iterable vocabulary', () => {
    const base = { vocabulary: ['wait'], threshold: 1 };
    expectAresError(
      () => countTriggers(TOKENS, ENTROPIES, { ...base, window: 0 }),
      'INVALID_ARGUMENT',
      'options.window',
    );
    expectAresError(
      () => countTriggers(TOKENS, ENTROPIES, { ...base, window: 2.5 }),
      'INVALID_ARGUMENT',
      'options.window',
    );
    expectAresError(
      () => countTriggers(TOKENS, ENTROPIES, { ...base, threshold: Number.NaN }),
      'INVALID_ARGUMENT',
      'options.threshold',
    );
    expectAresError(
      () => countTriggers(TOKENS, ENTROPIES, { vocabulary: 'wait' as unknown as string[], threshold: 1 }),
      'INVALID_ARGUMENT',
      'options.vocabulary',
    );
  });
});
