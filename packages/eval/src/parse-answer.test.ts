import { describe, expect, it } from 'vitest';
import type { AnswerNode } from './answer-node';
import { ParseFailure, parseNormalized } from './parse-answer';

const number = (text: string): AnswerNode => ({ kind: 'number', value: Number(text), text, decimal: text.includes('.') });
const symbol = (name: string): AnswerNode => ({ kind: 'symbol', name });

describe('parseNormalized', () => {
  it('parses fractions, shorthand fractions and plain division', () => {
    const half = { kind: 'div', numerator: number('1'), denominator: number('2') };
    expect(parseNormalized('\\frac{1}{2}')).toEqual(half);
    expect(parseNormalized('\\frac12')).toEqual(half);
    expect(parseNormalized('1/2')).toEqual(half);
  });

  it('reads mixed numbers as sums', () => {
    const mixed = { kind: 'add', terms: [number('2'), { kind: 'div', numerator: number('1'), denominator: number('2') }] };
    expect(parseNormalized('2\\frac{1}{2}')).toEqual(mixed);
    expect(parseNormalized('2 1/2')).toEqual(mixed);
  });

  it('distinguishes sets, tuples, intervals and bare lists', () => {
    expect(parseNormalized('\\{1, 2\\}')).toEqual({ kind: 'set', items: [number('1'), number('2')] });
    expect(parseNormalized('(1, 2)')).toEqual({ kind: 'sequence', open: '(', close: ')', items: [number('1'), number('2')] });
    expect(parseNormalized('[0, 1)')).toEqual({ kind: 'sequence', open: '[', close: ')', items: [number('0'), number('1')] });
    expect(parseNormalized('1, 2')).toEqual({ kind: 'list', items: [number('1'), number('2')] });
    expect(parseNormalized('(1)')).toEqual(number('1'));
  });

  it('reads thousands separators only at the top level', () => {
    expect(parseNormalized('1,000')).toEqual(number('1000'));
    expect(parseNormalized('(1,000)')).toEqual({ kind: 'sequence', open: '(', close: ')', items: [number('1'), number('000')] });
  });

  it('reads implicit multiplication, powers and functions', () => {
    expect(parseNormalized('2x')).toEqual({ kind: 'mul', factors: [number('2'), symbol('x')] });
    expect(parseNormalized('x^{10}')).toEqual({ kind: 'pow', base: symbol('x'), exponent: number('10') });
    expect(parseNormalized('\\sqrt[3]{8}')).toEqual({ kind: 'call', name: 'root', args: [number('3'), number('8')] });
    expect(parseNormalized('\\sin^2 x')).toEqual({ kind: 'pow', base: { kind: 'call', name: 'sin', args: [symbol('x')] }, exponent: number('2') });
    expect(parseNormalized('\\log_2 8')).toEqual({ kind: 'call', name: 'logb', args: [number('2'), number('8')] });
    expect(parseNormalized('5!')).toEqual({ kind: 'call', name: 'factorial', args: [number('5')] });
    expect(parseNormalized('|x|')).toEqual({ kind: 'call', name: 'abs', args: [symbol('x')] });
  });

  it('reads constants, subscripts and scientific notation', () => {
    expect(parseNormalized('\\pi')).toEqual({ kind: 'constant', name: 'pi' });
    expect(parseNormalized('i')).toEqual({ kind: 'constant', name: 'i' });
    expect(parseNormalized('x_{12}')).toEqual(symbol('x_12'));
    expect(parseNormalized('2.5e-3')).toEqual({ kind: 'number', value: 0.0025, text: '2.5e-3', decimal: true });
  });

  it('reads relations, ± and matrices', () => {
    expect(parseNormalized('1 \\le x < 3')).toEqual({ kind: 'relation', operators: ['<=', '<'], operands: [number('1'), symbol('x'), number('3')] });
    expect(parseNormalized('\\pm 2')).toEqual({ kind: 'pm', argument: number('2'), minusFirst: false });
    expect(parseNormalized('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}')).toEqual({ kind: 'matrix', rows: [[number('1'), number('2')], [number('3'), number('4')]] });
  });

  it('fails on prose, unknown commands, unbalanced input and excessive nesting', () => {
    for (const input of ['the answer', '\\foo{1}', '(1, 2', '\\begin{pmatrix}1&2\\\\3\\end{pmatrix}', '('.repeat(500) + '1' + ')'.repeat(500)]) {
      expect(() => parseNormalized(input), input).toThrow(ParseFailure);
    }
  });
});
