import { cpuMilliseconds } from './test-support/cpu-time';
import { describe, expect, it } from 'vitest';
import { isEquivalent, verifyAnswer } from './is-equivalent';
import { minervaFinalAnswer, normalizeFinalAnswer } from './minerva';

describe('normalizeFinalAnswer (lm-evaluation-harness minerva_math)', () => {
  it.each([
    ['x = \\frac12', '\\frac{1}{2}'],
    ['\\sqrt3', '\\sqrt{3}'],
    ['\\fracab', '\\frac{a}{b}'],
    ['100,000', '100000'],
    ['5 \\text{ inches}', '5'],
    ['10^\\circ', '10'],
    ['\\$18', '18'],
    ['\\boxed{7}', '7'],
    ['\\textbf{42}', '42'],
    ['$x$ and $y$', 'x'],
    ['a cat', 'cat'],
    ['(1,2)', '(1,2)'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalizeFinalAnswer(input)).toBe(expected);
  });

  it('strips commas only when the rest is all digits, as the original does', () => {
    expect(normalizeFinalAnswer('1,000, 2')).toBe('10002');
    expect(normalizeFinalAnswer('(1, 000)')).toBe('(1,000)');
  });

  it('runs in linear time on many unclosed \\text{ groups', () => {
    expect(cpuMilliseconds(() => normalizeFinalAnswer('\\text{'.repeat(50_000)))).toBeLessThan(500);
  });
});

describe('minervaFinalAnswer', () => {
  it('reads the harness final-answer sentence', () => {
    expect(minervaFinalAnswer('...\nFinal Answer: The final answer is $24$. I hope it is correct.')).toBe('$24$');
  });

  it('returns undefined without the sentence', () => {
    expect(minervaFinalAnswer('The answer is 24.')).toBeUndefined();
  });
});

describe('minerva profile', () => {
  const minerva = { profile: 'minerva' } as const;

  it('accepts brace-less \\boxed 5', () => {
    expect(verifyAnswer('5', 'Hence \\boxed 5$.', minerva)).toMatchObject({ equivalent: true, predictedAnswer: '5' });
  });

  it('matches normalised strings', () => {
    expect(isEquivalent('\\frac{1}{2}', 'Final Answer: The final answer is $\\frac12$. I hope it is correct.', minerva)).toBe(true);
  });

  it('accepts a zero symbolic difference', () => {
    expect(isEquivalent('\\frac{1}{2}', '\\boxed{0.5}', minerva)).toBe(true);
    expect(isEquivalent('2\\sqrt{2}', '\\boxed{\\sqrt{8}}', minerva)).toBe(true);
    expect(isEquivalent('x^2+2x+1', '\\boxed{(x+1)^2}', minerva)).toBe(true);
  });

  it('rejects different values and non-scalar answers it cannot subtract', () => {
    expect(isEquivalent('12', '\\boxed{21}', minerva)).toBe(false);
    expect(isEquivalent('(1,2)', '\\boxed{(2,1)}', minerva)).toBe(false);
    expect(isEquivalent('\\{1,2\\}', '\\boxed{\\{2,1\\}}', minerva)).toBe(false);
  });

  it('returns false for a truncated box', () => {
    expect(verifyAnswer('5', '\\boxed{5', minerva)).toMatchObject({ equivalent: false, reason: 'no-answer' });
  });
});
