import { describe, expect, it } from 'vitest';
import { AresError } from './ares-error';

describe('AresError', () => {
  it('carries code, parameter, value and cause', () => {
    const cause = new Error('root');
    const error = new AresError({ code: 'INVALID_ARGUMENT', parameter: 'q', value: 2, message: 'q out of range', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AresError');
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.parameter).toBe('q');
    expect(error.value).toBe(2);
    expect(error.cause).toBe(cause);
  });

  it('isInstance recognises errors from another copy of the package by the marker', () => {
    const foreign = Object.assign(new Error('x'), { code: 'IO', [Symbol.for('ares.error')]: true });
    expect(AresError.isInstance(foreign)).toBe(true);
    expect(AresError.isInstance(new AresError({ code: 'IO', message: 'x' }))).toBe(true);
    expect(AresError.isInstance(new Error('x'))).toBe(false);
    expect(AresError.isInstance(null)).toBe(false);
    expect(AresError.isInstance('AresError')).toBe(false);
  });
});
