import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { passRateBracket } from './index';

describe('passRateBracket', () => {
  it('maps c/8 to bracket c for k = 8 (9 brackets)', () => {
    for (let correct = 0; correct <= 8; correct++) expect(passRateBracket(correct / 8, 9)).toBe(correct);
  });

  it('maps c/k exactly to c when brackets = k + 1, for every k up to 64', () => {
    for (let attempts = 1; attempts <= 64; attempts++) {
      for (let correct = 0; correct <= attempts; correct++) expect(passRateBracket(correct / attempts, attempts + 1)).toBe(correct);
    }
  });

  it('puts other pass rates into the nearest bracket, halves up', () => {
    expect(passRateBracket(1 / 3, 9)).toBe(3); // 2.67 → 3
    expect(passRateBracket(1 / 16, 9)).toBe(1); // 0.5 → 1
    expect(passRateBracket(0.49, 2)).toBe(0);
    expect(passRateBracket(0.5, 2)).toBe(1);
  });

  it('throws INVALID_ARGUMENT for a pass rate outside [0, 1] or fewer than 2 brackets', () => {
    expectAresError(() => passRateBracket(1.01, 9), 'INVALID_ARGUMENT', 'passRate');
    expectAresError(() => passRateBracket(Number.NaN, 9), 'INVALID_ARGUMENT', 'passRate');
    expectAresError(() => passRateBracket(0.5, 1), 'INVALID_ARGUMENT', 'brackets');
    expectAresError(() => passRateBracket(0.5, 2.5), 'INVALID_ARGUMENT', 'brackets');
  });
});
