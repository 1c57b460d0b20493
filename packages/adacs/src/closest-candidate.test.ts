import { expectAresError } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestCandidate } from './index';

describe('closestCandidate', () => {
  it('picks the candidate nearest the target', () => {
    expect(closestCandidate([120, 480, 300], 350)).toBe(2);
    expect(closestCandidate([120, 480, 300], 0)).toBe(0);
    expect(closestCandidate([120, 480, 300], 10_000)).toBe(1);
    expect(closestCandidate([42], 7)).toBe(0);
  });

  it('breaks ties towards the shorter candidate, then the lower index', () => {
    expect(closestCandidate([400, 200], 300)).toBe(1);
    expect(closestCandidate([200, 400], 300)).toBe(0);
    expect(closestCandidate([250, 250, 250], 250)).toBe(0);
    expect(closestCandidate([260, 250, 240, 250], 250)).toBe(1);
  });

  it('matches a brute-force argmin over (distance, length, index)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 100 }).map((x) => x / 2), (lengths, target) => {
        const ranked = lengths
          .map((length, index) => ({ length, index, distance: Math.abs(length - target) }))
          .sort((a, b) => a.distance - b.distance || a.length - b.length || a.index - b.index);
        expect(closestCandidate(lengths, target)).toBe(ranked[0]!.index);
      }),
    );
  });

  it('does not modify the lengths', () => {
    const lengths = new Float64Array([3, 1, 2]);
    const before = lengths.slice();
    closestCandidate(lengths, 2);
    expect(lengths).toEqual(before);
  });

  it('throws EMPTY_INPUT without candidates and INVALID_ARGUMENT for bad lengths or target', () => {
    expectAresError(() => closestCandidate([], 1), 'EMPTY_INPUT', 'lengths');
    expectAresError(() => closestCandidate([1, -1], 1), 'INVALID_ARGUMENT', 'lengths');
    expectAresError(() => closestCandidate([1, Number.NaN], 1), 'INVALID_ARGUMENT', 'lengths');
    expectAresError(() => closestCandidate([1], Number.NaN), 'INVALID_ARGUMENT', 'target');
    expectAresError(() => closestCandidate([1], -2), 'INVALID_ARGUMENT', 'target');
  });
});
