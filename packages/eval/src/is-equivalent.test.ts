import { expectAresError, loadFixture } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { isEquivalent, verifyAnswer } from './is-equivalent';

interface EquivalenceCase {
  feature: string;
  gold: string;
  prediction: string;
  expected: boolean;
}

const fixture = loadFixture<EquivalenceCase>(new URL('./__fixtures__/equivalence-cases.json', import.meta.url));
const features = [...new Set(fixture.cases.map((testCase) => testCase.feature))];

describe('isEquivalent (ares profile): SPEC §5.3 features', () => {
  for (const feature of features) {
    describe(feature, () => {
      const cases = fixture.cases.filter((testCase) => testCase.feature === feature);
      it.each(cases.map((testCase) => [testCase.gold, testCase.prediction, testCase.expected] as const))('%s vs %s → %s', (gold, prediction, expected) => {
        expect(isEquivalent(gold, prediction)).toBe(expected);
      });
    });
  }

  it('covers every feature with true and false cases', () => {
    for (const feature of features) {
      const expectations = new Set(fixture.cases.filter((testCase) => testCase.feature === feature).map((testCase) => testCase.expected));
      if (feature !== 'left and right') expect(expectations, feature).toEqual(new Set([true, false]));
    }
  });
});

describe('isEquivalent: full responses on either side', () => {
  it('extracts the boxed answer of a response', () => {
    expect(isEquivalent('\\frac{1}{2}', 'so the answer is $\\boxed{0.5}$')).toBe(true);
    expect(isEquivalent('The solution is \\boxed{(1, 2)}.', 'We get \\boxed{(1,2)}')).toBe(true);
  });

  it('reads GSM8K-style responses', () => {
    expect(isEquivalent('#### 1,250', 'She pays $1,250 in total.\n#### 1250')).toBe(true);
    expect(isEquivalent('72', 'Natalia sold 48/2 = 24 clips in May.\nSo she sold 48 + 24 = 72 clips.')).toBe(true);
  });

  it('is gold-first: gold x = 2 accepts 2', () => {
    expect(isEquivalent('x = 2', 'The answer is $2$.')).toBe(true);
  });

  it('compares a response without any answer as not equivalent', () => {
    expect(verifyAnswer('5', 'I tried several approaches.\nI could not finish.')).toMatchObject({ equivalent: false, reason: 'no-answer' });
    expect(verifyAnswer('5', 'I do not know.')).toMatchObject({ equivalent: false, reason: 'different' });
  });
});

describe('isEquivalent options', () => {
  it('applies precision in significant digits', () => {
    expect(isEquivalent('\\pi', '3.1416')).toBe(false);
    expect(isEquivalent('\\pi', '3.1416', { precision: 4 })).toBe(true);
    expect(isEquivalent('100', '100.001', { precision: 4 })).toBe(true);
    expect(isEquivalent('1/3', '0.3333', { precision: 4 })).toBe(true);
  });

  it('compares integers and fractions exactly whatever the precision', () => {
    expect(isEquivalent('1000000', '1000001', { precision: 2 })).toBe(false);
    expect(isEquivalent('\\frac{1}{3}', '\\frac{100}{301}', { precision: 1 })).toBe(false);
  });

  it('maps letters to option texts and back with choices', () => {
    const choices = ['10', '12', '14'];
    expect(isEquivalent('B', '\\boxed{12}', { choices })).toBe(true);
    expect(isEquivalent('B', '\\boxed{14}', { choices })).toBe(false);
    expect(isEquivalent('12', 'The answer is (B).', { choices })).toBe(true);
    expect(isEquivalent('12', 'The answer is (C).', { choices })).toBe(false);
  });

  it('throws UNSUPPORTED for an unknown profile', () => {
    expectAresError(() => isEquivalent('1', '1', { profile: 'sympy' as never }), 'UNSUPPORTED', 'options.profile');
  });

  it('throws INVALID_ARGUMENT for a bad precision, timeout, choices or non-string input', () => {
    expectAresError(() => isEquivalent('1', '1', { precision: 0 }), 'INVALID_ARGUMENT', 'options.precision');
    expectAresError(() => isEquivalent('1', '1', { precision: 2.5 }), 'INVALID_ARGUMENT', 'options.precision');
    expectAresError(() => isEquivalent('1', '1', { precision: 16 }), 'INVALID_ARGUMENT', 'options.precision');
    expectAresError(() => isEquivalent('1', '1', { timeoutMs: 0 }), 'INVALID_ARGUMENT', 'options.timeoutMs');
    expectAresError(() => isEquivalent('1', '1', { choices: [1] as never }), 'INVALID_ARGUMENT', 'options.choices');
    expectAresError(() => isEquivalent(1 as never, '1'), 'INVALID_ARGUMENT', 'gold');
    expectAresError(() => isEquivalent('1', undefined as never), 'INVALID_ARGUMENT', 'prediction');
  });
});

describe('isEquivalent numerics', () => {
  it('treats overflow as inconclusive, but a written infinity as a value', () => {
    expect(isEquivalent('2^{10^{10}}', '3^{10^{10}}')).toBe(false);
    expect(isEquivalent('\\infty', '\\infty')).toBe(true);
    expect(isEquivalent('-\\infty', '\\infty')).toBe(false);
  });

  it('compares huge integers exactly', () => {
    expect(isEquivalent('2^{100}', '1267650600228229401496703205376')).toBe(true);
    expect(isEquivalent('2^{100}', '1267650600228229401496703205377')).toBe(false);
    expect(isEquivalent('20!', '2432902008176640000')).toBe(true);
  });

  it('reads scientific notation and a value followed by words', () => {
    expect(isEquivalent('100000', '1e5')).toBe(true);
    expect(isEquivalent('10', '10 apples')).toBe(true);
    expect(isEquivalent('10', '11 apples')).toBe(false);
  });
});

describe('verifyAnswer', () => {
  it('reports the extracted answers, the extraction rule and the reason', () => {
    expect(verifyAnswer('\\frac12', 'Thus $x = \\boxed{0.5}$.')).toEqual({
      equivalent: true,
      timedOut: false,
      profile: 'ares',
      goldAnswer: '\\frac12',
      predictedAnswer: '0.5',
      extraction: 'boxed',
      reason: 'equivalent',
    });
  });

  it('reports multiple-choice grading', () => {
    expect(verifyAnswer('C', 'the answer is (B)')).toMatchObject({ equivalent: false, extraction: 'choice', predictedAnswer: 'B', reason: 'choice-mismatch' });
  });

  it('reports a string match after normalisation', () => {
    expect(verifyAnswer('10\\%', '10')).toMatchObject({ equivalent: true, reason: 'string-match' });
  });
});
