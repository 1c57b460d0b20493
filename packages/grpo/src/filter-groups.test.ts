import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { filterGroups } from '@ares/grpo';

describe('filterGroups', () => {
  it('keeps groups whose mean lies strictly inside (0.01, 0.99)', () => {
    const result = filterGroups([1, 1, 0, 1, 0, 0, 0.5, 0.5], ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
    expect(result.keptGroupIds).toEqual(['b', 'd']);
    expect(Array.from(result.keep)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    expect([...result.groupMeans]).toEqual([['a', 1], ['b', 0.5], ['c', 0], ['d', 0.5]]);
  });

  it('compares strictly at the bounds and drops NaN means', () => {
    const result = filterGroups([0.25, 0.25, 0.75, 0.75, Number.NaN, 0.5], [0, 0, 1, 1, 2, 2], { low: 0.25, high: 0.75 });
    expect(result.keptGroupIds).toEqual([]);
    expect(result.groupMeans.get(2)).toBeNaN();
    expect(filterGroups([0.99, 0.99, 0.99], [0, 0, 0]).keptGroupIds).toEqual([]);
  });

  it('works with interleaved ids of any group sizes and with infinite bounds', () => {
    const result = filterGroups([0, 5, 1, -3], [1, 2, 1, 3], { low: -Infinity, high: 4 });
    expect(result.keptGroupIds).toEqual([1, 3]);
    expect(Array.from(result.keep)).toEqual([1, 0, 1, 1]);
  });

  it('returns empty results for empty input', () => {
    const result = filterGroups([], []);
    expect(result.keep).toHaveLength(0);
    expect(result.keptGroupIds).toEqual([]);
    expect(result.groupMeans.size).toBe(0);
  });

  it('does not mutate its inputs', () => {
    const scores = new Float64Array([1, 0, 1]);
    filterGroups(scores, [0, 0, 1]);
    expect(Array.from(scores)).toEqual([1, 0, 1]);
  });

  it('throws for mismatched lengths and invalid bounds', () => {
    expectAresError(() => filterGroups([1, 0], [0]), 'SHAPE_MISMATCH', 'groupIds');
    expectAresError(() => filterGroups([1], [0], { low: Number.NaN }), 'INVALID_ARGUMENT', 'options.low');
    expectAresError(() => filterGroups([1], [0], { high: 'x' as never }), 'INVALID_ARGUMENT', 'options.high');
    expectAresError(() => filterGroups([1], [0], { low: 0.5, high: 0.5 }), 'INVALID_ARGUMENT', 'options.high');
  });
});
