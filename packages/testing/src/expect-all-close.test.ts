import { describe, expect, it } from 'vitest';
import { expectAllClose, FLOAT32, FLOAT64 } from './expect-all-close';
import { expectAresError } from './expect-ares-error';

describe('expectAllClose', () => {
  it('accepts values within atol + rtol·|expected|', () => {
    expect(() => expectAllClose([1 + 9e-6], [1], FLOAT32)).not.toThrow();
    expect(() => expectAllClose([1 + 2e-5], [1], FLOAT32)).toThrow(/index 0/);
  });
  it('treats NaN as equal to NaN and requires infinities to match', () => {
    expect(() => expectAllClose([Number.NaN, Infinity], [Number.NaN, Infinity])).not.toThrow();
    expect(() => expectAllClose([Infinity], [-Infinity])).toThrow();
    expect(() => expectAllClose([1], [Number.NaN])).toThrow();
  });
  it('checks lengths first', () => {
    expect(() => expectAllClose([1, 2], [1], FLOAT64)).toThrow(/length/);
  });
  it('reports the first failing index', () => {
    expect(() => expectAllClose([1, 2, 3, 5], [1, 2, 4, 6], FLOAT64)).toThrow(/index 2/);
  });
});

describe('expectAresError', () => {
  it('recognises a marked error by code and parameter', () => {
    const error = Object.assign(new Error('bad'), { code: 'INVALID_ARGUMENT', parameter: 'q', [Symbol.for('ares.error')]: true });
    expect(expectAresError(() => { throw error; }, 'INVALID_ARGUMENT', 'q')).toBe(error);
    expect(() => expectAresError(() => { throw error; }, 'EMPTY_INPUT')).toThrow(/expected code/);
    expect(() => expectAresError(() => { throw new Error('plain'); }, 'INVALID_ARGUMENT')).toThrow(/expected an AresError/);
    expect(() => expectAresError(() => 1, 'INVALID_ARGUMENT')).toThrow(/nothing was thrown/);
  });
});
