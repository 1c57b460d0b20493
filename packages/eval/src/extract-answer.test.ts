import { describe, expect, it } from 'vitest';
import { extractAnswerPhrase, extractFinalAnswer, extractGsm8kAnswer, extractLastNumber, extractMathSpans } from './extract-answer';

describe('extractMathSpans', () => {
  it('finds $…$, $$…$$, \\(…\\) and \\[…\\] spans in order', () => {
    const spans = extractMathSpans('a $x$ b $$y$$ c \\(z\\) d \\[w\\]');
    expect(spans.map((span) => span.content)).toEqual(['x', 'y', 'z', 'w']);
    expect(spans[0]).toEqual({ content: 'x', start: 2, end: 5 });
  });

  it('treats \\$ as a dollar sign, not a delimiter', () => {
    expect(extractMathSpans('it costs \\$5 and $x=1$').map((span) => span.content)).toEqual(['x=1']);
  });

  it('drops unclosed spans', () => {
    expect(extractMathSpans('an open $x and \\(y')).toEqual([]);
  });
});

describe('extractLastNumber', () => {
  it('returns the last number with its thousands commas and decimals', () => {
    expect(extractLastNumber('3 apples cost $1,250.50 in total.')).toBe('1,250.50');
  });

  it('reads negatives, leading-dot decimals and fractions', () => {
    expect(extractLastNumber('go to -7')).toBe('-7');
    expect(extractLastNumber('about .5')).toBe('.5');
    expect(extractLastNumber('ratio 3/4')).toBe('3/4');
  });

  it('returns undefined without digits', () => {
    expect(extractLastNumber('none at all')).toBeUndefined();
  });
});

describe('extractGsm8kAnswer', () => {
  it('takes the number after the last #### and strips separators', () => {
    expect(extractGsm8kAnswer('She pays 5 * 250 = $1,250.\n#### 1,250')).toBe('1250');
  });

  it('accepts a dollar sign and a trailing period after ####', () => {
    expect(extractGsm8kAnswer('#### $18.')).toBe('18');
  });

  it('falls back to the last number when #### is missing', () => {
    expect(extractGsm8kAnswer('48 + 24 = 72 clips.')).toBe('72');
  });

  it('returns undefined when the text has no number', () => {
    expect(extractGsm8kAnswer('no idea')).toBeUndefined();
  });
});

describe('extractAnswerPhrase', () => {
  it('takes the math span after "the final answer is"', () => {
    expect(extractAnswerPhrase('Final Answer: The final answer is $\\frac{2}{3}$. I hope it is correct.')).toBe('\\frac{2}{3}');
  });

  it('takes plain text after "the answer is", without the final period', () => {
    expect(extractAnswerPhrase('So the answer is 42.')).toBe('42');
  });

  it('reads "Answer:" with markdown emphasis', () => {
    expect(extractAnswerPhrase('**Answer:** (D) 42')).toBe('(D) 42');
  });

  it('uses the last phrase', () => {
    expect(extractAnswerPhrase('the answer is 1. No wait, the answer is 2.')).toBe('2');
  });

  it('returns undefined without a phrase', () => {
    expect(extractAnswerPhrase('42')).toBeUndefined();
  });
});

describe('extractFinalAnswer', () => {
  it('prefers the last box', () => {
    expect(extractFinalAnswer('The answer is 3, i.e. \\boxed{4}')).toEqual({ answer: '4', method: 'boxed' });
  });

  it('returns undefined for a truncated last box instead of guessing', () => {
    expect(extractFinalAnswer('so \\boxed{\\frac{1}{2}')).toBeUndefined();
  });

  it('uses #### next', () => {
    expect(extractFinalAnswer('We get 12 + 30 = 42.\n#### 42')).toEqual({ answer: '42', method: 'gsm8k' });
  });

  it('uses an answer phrase next', () => {
    expect(extractFinalAnswer('Thus, the answer is $x = 5$.')).toEqual({ answer: 'x = 5', method: 'answer-phrase' });
  });

  it('takes a short text as a bare answer, unwrapping one enclosing math span', () => {
    expect(extractFinalAnswer('\\frac{1}{2}')).toEqual({ answer: '\\frac{1}{2}', method: 'bare' });
    expect(extractFinalAnswer('$\\frac{1}{2}$')).toEqual({ answer: '\\frac{1}{2}', method: 'bare' });
    expect(extractFinalAnswer('42.')).toEqual({ answer: '42', method: 'bare' });
  });

  it('uses the last math span of a longer response', () => {
    const response = 'First $a = 1$.\nThen we find $b = 7$.';
    expect(extractFinalAnswer(response)).toEqual({ answer: 'b = 7', method: 'math-span' });
  });

  it('falls back to the last number', () => {
    const response = 'Natalia sold 48/2 = 24 clips in May.\nAltogether she sold 72 clips in April and May.';
    expect(extractFinalAnswer(response)).toEqual({ answer: '72', method: 'last-number' });
  });

  it('does not take a long text as a bare answer', () => {
    expect(extractFinalAnswer('word '.repeat(100), { bareMaxLength: 200 })).toBeUndefined();
  });

  it('can disable bare answers', () => {
    expect(extractFinalAnswer('x + 1', { bare: false })).toEqual({ answer: '1', method: 'last-number' });
  });

  it('returns undefined for empty or whitespace text', () => {
    expect(extractFinalAnswer('')).toBeUndefined();
    expect(extractFinalAnswer('   ')).toBeUndefined();
  });

  it('does not rewrite " and " before extraction', () => {
    expect(extractFinalAnswer('The answer is 5 and 3')).toEqual({ answer: '5 and 3', method: 'answer-phrase' });
  });
});
