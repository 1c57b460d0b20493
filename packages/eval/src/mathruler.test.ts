import { describe, expect, it } from 'vitest';
import { isEquivalent, verifyAnswer } from './is-equivalent';
import { collapseOperatorSpaces, isPlainFraction, latexToText, mathRulerNormalize, normalizeMathAnswer, shouldAllowEvaluation, splitTuple } from './mathruler';

describe('normalizeMathAnswer (Hendrycks MATH / PRM800K)', () => {
  it.each([
    ['\\dfrac{1}{2}', '\\frac{1}{2}'],
    ['\\frac12', '\\frac{1}{2}'],
    ['0.5', '\\frac{1}{2}'],
    ['3/4', '\\frac{3}{4}'],
    ['\\text{yes}', 'yes'],
    ['\\left( 1, 2 \\right)', '(1,2)'],
    ['k = 7', '7'],
    ['.5', '\\frac{1}{2}'],
    ['\\sqrt3', '\\sqrt{3}'],
    ['10\\%', '10'],
    ['90^\\circ', '90'],
    ['5\\text{ cm}', '5'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalizeMathAnswer(input)).toBe(expected);
  });

  it('returns the trimmed input when a step fails, as the original does', () => {
    expect(normalizeMathAnswer(' 5\\text{ cm}\\text{ m} ')).toBe('5\\text{ cm}\\text{ m}');
  });
});

describe('MathRuler helpers', () => {
  it('renders LaTeX as text', () => {
    expect(latexToText('\\frac{\\sqrt{2}}{2}')).toBe('(sqrt(2))/(2)');
    expect(latexToText('2\\pi')).toBe('2pi');
  });

  it('normalises like _normalize', () => {
    expect(mathRulerNormalize('\\text{5 million}')).toBe('5*10^6');
    expect(mathRulerNormalize('7 3/4')).toBe('7+3/4');
    expect(mathRulerNormalize('4.0')).toBe('4');
    expect(mathRulerNormalize('1,000')).toBe('1000');
    expect(mathRulerNormalize('x or y')).toBe('x,y');
  });

  it('detects plain fractions', () => {
    expect(isPlainFraction('2/4')).toBe(true);
    expect(isPlainFraction('-3/7')).toBe(true);
    expect(isPlainFraction('x/4')).toBe(false);
  });

  it('splits tuples and intervals but not thousands separators', () => {
    expect(splitTuple('(1,2)')).toEqual(['1', '2']);
    expect(splitTuple('[0,1)')).toEqual(['0', '1']);
    expect(splitTuple('1,000')).toEqual(['1000']);
    expect(splitTuple('((1,2),3)')).toEqual(['((1,2),3)']);
  });

  it('refuses to evaluate expressions with more than two letters or big exponents', () => {
    expect(shouldAllowEvaluation('(x+y)-(y+x)')).toBe(true);
    expect(shouldAllowEvaluation('(x+y+z)-(z)')).toBe(false);
    expect(shouldAllowEvaluation('(2^{10})-(1024)')).toBe(false);
    expect(shouldAllowEvaluation('(2^10)-(1024)')).toBe(false);
  });

  it('collapses whitespace around <, > and / like the released reward', () => {
    expect(collapseOperatorSpaces('a  <  b / c > d')).toBe('a<b/c>d');
  });
});

describe('mathruler profile', () => {
  const mathruler = { profile: 'mathruler' } as const;

  it('matches normalised strings and zero differences', () => {
    expect(isEquivalent('\\frac{1}{2}', '\\boxed{\\frac{1}{2}}', mathruler)).toBe(true);
    expect(isEquivalent('\\sqrt{2}/2', '\\boxed{\\frac{\\sqrt{2}}{2}}', mathruler)).toBe(true);
    expect(isEquivalent('5', '\\boxed{5.0}', mathruler)).toBe(true);
  });

  it('rejects unreduced fractions', () => {
    expect(isEquivalent('1/2', '\\boxed{2/4}', mathruler)).toBe(false);
    expect(isEquivalent('1/2', '\\boxed{2/4}')).toBe(true);
  });

  it('requires an integer answer for an integer gold', () => {
    expect(isEquivalent('5', '\\boxed{\\frac{10}{2}}', mathruler)).toBe(false);
    expect(isEquivalent('5', '\\boxed{4.9999}', mathruler)).toBe(false);
  });

  it('compares tuples element-wise with matching brackets', () => {
    expect(isEquivalent('(1,2)', '\\boxed{(1, 2)}', mathruler)).toBe(true);
    expect(isEquivalent('(1,2)', '\\boxed{[1, 2]}', mathruler)).toBe(false);
    expect(isEquivalent('(1,2)', '\\boxed{(2, 1)}', mathruler)).toBe(false);
  });

  it('collapses spaces around < before grading', () => {
    expect(isEquivalent('x<3', '\\boxed{x < 3}', mathruler)).toBe(true);
  });

  it('never treats a missing box as the string "None"', () => {
    expect(verifyAnswer('None', 'the answer is \\boxed{5', mathruler)).toMatchObject({ equivalent: false, reason: 'no-answer' });
  });
});
