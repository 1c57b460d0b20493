import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { meanPassAtK, passAtK } from './pass-at-k';

describe('passAtK', () => {
  it('matches hand-computed values', () => {
    expectAllClose([passAtK(10, 3, 1)], [0.3], FLOAT64);
    expectAllClose([passAtK(10, 3, 5)], [1 - 21 / 252], FLOAT64);
    expectAllClose([passAtK(4, 1, 2)], [0.5], FLOAT64);
  });

  it('is 1 when n − c < k and 0 when c = 0', () => {
    expect(passAtK(5, 3, 3)).toBe(1);
    expect(passAtK(5, 5, 1)).toBe(1);
    expect(passAtK(16, 0, 8)).toBe(0);
  });

  it('throws INVALID_ARGUMENT for non-integers, c > n and k outside [1, n]', () => {
    expectAresError(() => passAtK(10.5, 3, 1), 'INVALID_ARGUMENT', 'n');
    expectAresError(() => passAtK(0, 0, 1), 'INVALID_ARGUMENT', 'n');
    expectAresError(() => passAtK(10, 2.5, 1), 'INVALID_ARGUMENT', 'c');
    expectAresError(() => passAtK(10, -1, 1), 'INVALID_ARGUMENT', 'c');
    expectAresError(() => passAtK(10, 11, 1), 'INVALID_ARGUMENT', 'c');
    expectAresError(() => passAtK(10, 3, 0), 'INVALID_ARGUMENT', 'k');
    expectAresError(() => passAtK(10, 3, 11), 'INVALID_ARGUMENT', 'k');
    expectAresError(() => passAtK(10, 3, Number.NaN), 'INVALID_ARGUMENT', 'k');
  });
});

describe('meanPassAtK', () => {
  it('averages over items', () => {
    expect(meanPassAtK([{ samples: 4, correct: 0 }, { samples: 4, correct: 4 }], 2)).toBe(0.5);
    expectAllClose([meanPassAtK([{ samples: 10, correct: 3 }, { samples: 5, correct: 1 }], 1)], [(0.3 + 0.2) / 2], FLOAT64);
  });

  it('throws EMPTY_INPUT for no items and names the bad item', () => {
    expectAresError(() => meanPassAtK([], 1), 'EMPTY_INPUT', 'items');
    expectAresError(() => meanPassAtK([{ samples: 4, correct: 1 }, { samples: 2, correct: 3 }], 1), 'INVALID_ARGUMENT', 'items[1].correct');
    expectAresError(() => meanPassAtK([{ samples: 2, correct: 1 }], 3), 'INVALID_ARGUMENT', 'k');
  });
});
