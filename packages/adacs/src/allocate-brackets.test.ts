import { expectAresError } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateBrackets } from './index';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('allocateBrackets', () => {
  it('gives min(n_b, ⌊budget/B⌋) and reports the shortfall (SPEC default)', () => {
    const result = allocateBrackets([5, 1, 9], { budget: 14 });
    expect(result.quota).toBe(4);
    expect(result.allocation).toEqual([4, 1, 4]);
    expect(result.bracketShortfall).toEqual([0, 3, 0]);
    expect(result.shortfall).toBe(3); // requested 12 = 4·3, the remainder 14 − 12 is not used
    expect(result.redistributed).toBe(0);
  });

  it('uses perBracket as the quota', () => {
    expect(allocateBrackets([5, 1, 9], { perBracket: 2 }).allocation).toEqual([2, 1, 2]);
    expect(allocateBrackets([5, 1, 9], { perBracket: 0 }).allocation).toEqual([0, 0, 0]);
  });

  it('keeps everything without a budget', () => {
    const result = allocateBrackets([5, 0, 9]);
    expect(result).toEqual({ quota: null, allocation: [5, 0, 9], bracketShortfall: [0, 0, 0], shortfall: 0, redistributed: 0 });
  });

  it('redistributes level by level up to the budget, lowest pass rates first', () => {
    const result = allocateBrackets([5, 1, 9], { budget: 12, redistribute: true });
    expect(result.allocation).toEqual([5, 1, 6]);
    expect(result.shortfall).toBe(0);
    expect(result.redistributed).toBe(3);
    // level 3 fills [3, 1, 3, 3] = 10; the remaining 1 goes to the first bracket above the level.
    expect(allocateBrackets([6, 1, 6, 6], { budget: 11, redistribute: true }).allocation).toEqual([4, 1, 3, 3]);
    // not enough data: everything, with the rest as shortfall.
    const short = allocateBrackets([2, 1, 0], { perBracket: 4, redistribute: true });
    expect(short.allocation).toEqual([2, 1, 0]);
    expect(short.shortfall).toBe(9);
  });

  it('redistribution is max–min fair: matches a one-at-a-time greedy fill', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 150 }), (available, budget) => {
        // Reference: repeatedly add one to the bracket with the smallest allocation that still has data
        // (ties: lowest index); this is the unique max–min fair allocation with lowest-first tie breaking.
        const expected = available.map(() => 0);
        for (let step = 0; step < budget; step++) {
          let best = -1;
          for (let b = 0; b < available.length; b++) {
            if (expected[b]! < available[b]! && (best < 0 || expected[b]! < expected[best]!)) best = b;
          }
          if (best < 0) break;
          expected[best]! += 1;
        }
        const result = allocateBrackets(available, { budget, redistribute: true });
        expect(result.allocation).toEqual(expected);
        expect(result.shortfall).toBe(budget - sum(expected));
      }),
    );
  });

  it('never gives more than a bracket has or than the quota without redistribution', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 150 }), (available, budget) => {
        const { allocation, quota, shortfall } = allocateBrackets(available, { budget });
        allocation.forEach((count, b) => expect(count).toBe(Math.min(available[b]!, quota!)));
        expect(shortfall).toBe(quota! * available.length - sum(allocation));
      }),
    );
  });

  it('throws for bad counts and options', () => {
    expectAresError(() => allocateBrackets([]), 'EMPTY_INPUT', 'available');
    expectAresError(() => allocateBrackets([1, -1]), 'INVALID_ARGUMENT', 'available');
    expectAresError(() => allocateBrackets([1.5]), 'INVALID_ARGUMENT', 'available');
    expectAresError(() => allocateBrackets([1], { budget: -1 }), 'INVALID_ARGUMENT', 'options.budget');
    expectAresError(() => allocateBrackets([1], { perBracket: 0.5 }), 'INVALID_ARGUMENT', 'options.perBracket');
    expectAresError(() => allocateBrackets([1], { budget: 3, perBracket: 1 }), 'INVALID_ARGUMENT', 'options.perBracket');
    expectAresError(() => allocateBrackets([1], { redistribute: 1 as unknown as boolean }), 'INVALID_ARGUMENT', 'options.redistribute');
  });
});
