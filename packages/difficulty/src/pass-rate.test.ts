import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { passRate } from './pass-rate';

describe('passRate', () => {
  it('returns c/n for booleans', () => {
    expect(passRate([true, false, true, true])).toBe(0.75);
    expect(passRate([false, false])).toBe(0);
    expect(passRate([true])).toBe(1);
  });

  it('returns c/n for 0/1 numbers in plain and typed arrays', () => {
    expect(passRate([1, 0, 0])).toBe(1 / 3);
    expect(passRate(new Uint8Array([1, 1, 0]))).toBe(2 / 3);
    expect(passRate(new Float32Array([1, 0, 1, 0, 1, 0, 1, 1]))).toBe(5 / 8);
    expect(passRate([true, 0, 1, false])).toBe(0.5);
  });

  it('is exactly one division, so 2 of 3 equals the literal 2/3', () => {
    for (let total = 1; total <= 16; total++) {
      for (let correct = 0; correct <= total; correct++) {
        const outcomes = Array.from({ length: total }, (_, index) => index < correct);
        expect(passRate(outcomes)).toBe(correct / total);
      }
    }
  });

  it('does not modify its input', () => {
    const input = new Float64Array([1, 0, 1]);
    const before = input.slice();
    passRate(input);
    expect(input).toEqual(before);
  });

  it('throws EMPTY_INPUT for an empty group', () => {
    expectAresError(() => passRate([]), 'EMPTY_INPUT', 'correctness');
    expectAresError(() => passRate(new Uint8Array(0)), 'EMPTY_INPUT', 'correctness');
  });

  it('throws INVALID_ARGUMENT naming correctness for values other than true/false/1/0', () => {
    for (const bad of [0.5, 2, -1, Number.NaN, Infinity]) {
      const error = expectAresError(() => passRate([1, bad]), 'INVALID_ARGUMENT', 'correctness');
      expect(error.value).toBe(bad);
    }
    expectAresError(() => passRate(['1'] as unknown as number[]), 'INVALID_ARGUMENT', 'correctness');
    expectAresError(() => passRate([null] as unknown as number[]), 'INVALID_ARGUMENT', 'correctness');
    expectAresError(() => passRate(new Float32Array([0.1])), 'INVALID_ARGUMENT', 'correctness');
  });
});
