import { describe, expect, it } from 'vitest';
import { extractChoice } from './extract-choice';

describe('extractChoice', () => {
  it('reads a boxed letter, also wrapped in \\text', () => {
    expect(extractChoice('so \\boxed{B}')).toBe('B');
    expect(extractChoice('so \\boxed{\\text{(C)}}')).toBe('C');
  });

  it('reads "the answer is (X)" and "Answer: X"', () => {
    expect(extractChoice('Comparing the options, the answer is (C).')).toBe('C');
    expect(extractChoice('Answer: D')).toBe('D');
    expect(extractChoice('**Answer:** (A) 12 apples')).toBe('A');
  });

  it('reads a bare letter and a final line that is just a letter', () => {
    expect(extractChoice('E')).toBe('E');
    expect(extractChoice('(B).')).toBe('B');
    expect(extractChoice('Let me compare the options.\nB')).toBe('B');
  });

  it('returns undefined rather than guessing', () => {
    expect(extractChoice('It could be C or D')).toBeUndefined();
    expect(extractChoice('I believe C is wrong')).toBeUndefined();
    expect(extractChoice('\\boxed{12}')).toBeUndefined();
  });

  it('rejects letters outside the allowed set', () => {
    expect(extractChoice('\\boxed{F}', { letters: 'ABCDE' })).toBeUndefined();
    expect(extractChoice('\\boxed{J}')).toBe('J');
  });
});
