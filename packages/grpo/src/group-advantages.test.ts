import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64, loadFixture, REFERENCE, type Tolerance } from '@ares/testing';
import { groupAdvantages, type GroupAdvantagesOptions } from '@ares/grpo';

interface Case {
  name: string;
  dtype: 'float32' | 'float64';
  scores: number[];
  groupIds: (string | number)[];
  options: GroupAdvantagesOptions;
  expected: number[];
}

const fixture = loadFixture<Case>(new URL('./__fixtures__/group-advantages.json', import.meta.url));

/** verl's float32 path against our float64 arithmetic: float32 rounding of μ and σ (SPEC §2.5: rel 1e-6). */
const VERL_FLOAT32: Tolerance = Object.freeze({ rtol: 1e-6, atol: 1e-6 });

describe('groupAdvantages', () => {
  it('reproduces the SPEC §6.4 item 18 vectors', () => {
    expectAllClose(groupAdvantages([1, 0, 1, 1], [0, 0, 0, 0]), [0.25 / 0.500001, -0.75 / 0.500001, 0.25 / 0.500001, 0.25 / 0.500001], FLOAT64);
    expectAllClose(groupAdvantages([1, 0, 1, 1], [0, 0, 0, 0]), [0.499999, -1.499997, 0.499999, 0.499999], { rtol: 0, atol: 1e-6 });
    expectAllClose(groupAdvantages([1, 0, 1, 1], [0, 0, 0, 0], { convention: 'trl' }), [0.49990002, -1.49970006, 0.49990002, 0.49990002], { rtol: 0, atol: 1e-8 });
    expectAllClose(groupAdvantages([-0.498084454359], ['only']), [-0.498083956275], { rtol: 0, atol: 1e-12 });
  });

  it.each(fixture.cases.map((testCase) => [testCase.name, testCase.options.convention ?? 'verl', testCase] as const))(
    'matches the torch reference: %s [%s]',
    (_name, _convention, testCase) => {
      const tolerance = testCase.dtype === 'float32' ? VERL_FLOAT32 : REFERENCE;
      expectAllClose(groupAdvantages(testCase.scores, testCase.groupIds, testCase.options), testCase.expected, tolerance);
    },
  );

  it('gives a verl singleton s/(1 + ε) and a TRL singleton 0', () => {
    expectAllClose(groupAdvantages([3], ['x'], { epsilon: 0.5 }), [2], FLOAT64);
    expectAllClose(groupAdvantages([3], ['x'], { scale: 'none' }), [3], FLOAT64);
    expectAllClose(groupAdvantages([3], ['x'], { convention: 'trl' }), [0], FLOAT64);
  });

  it('gives exactly 0 for identical rewards, even when their sum is inexact', () => {
    expect(Array.from(groupAdvantages([0.1, 0.1, 0.1], [7, 7, 7]))).toEqual([0, 0, 0]);
    expect(Array.from(groupAdvantages([0.7, 0.7, 0.7, 0.7, 0.7], [1, 1, 1, 1, 1], { convention: 'trl' }))).toEqual([0, 0, 0, 0, 0]);
  });

  it('amplifies near-identical rewards by 1/(σ + ε)', () => {
    const delta = 2 ** -30;
    const advantages = groupAdvantages([1, 1 + delta], [0, 0]);
    const sigma = delta / Math.SQRT2;
    expectAllClose(advantages, [-delta / 2 / (sigma + 1e-6), delta / 2 / (sigma + 1e-6)], REFERENCE);
  });

  it('groups by identity in any order: 1 and "1" are different groups', () => {
    const advantages = groupAdvantages([1, 0, 5, 2], [1, '1', 1, '1'], { scale: 'none' });
    expectAllClose(advantages, [-2, -1, 2, 1], FLOAT64);
  });

  it('is equivariant under a permutation of the samples', () => {
    const scores = [0.3, 1.2, -0.4, 2.5, 0.9, 1.1, 0.0];
    const ids = ['a', 'b', 'a', 'c', 'b', 'a', 'c'];
    const permutation = [4, 0, 6, 2, 5, 1, 3];
    const direct = groupAdvantages(scores, ids);
    const permuted = groupAdvantages(permutation.map((k) => scores[k]!), permutation.map((k) => ids[k]!));
    expectAllClose(permuted, permutation.map((k) => direct[k]!), FLOAT64);
  });

  it('propagates NaN through its group under verl and maps it to 0 under TRL', () => {
    const verl = groupAdvantages([1, Number.NaN, 0, 1], [0, 0, 1, 1]);
    expect(Number.isNaN(verl[0]!) && Number.isNaN(verl[1]!)).toBe(true);
    expectAllClose(verl.subarray(2), [-0.5 / (Math.SQRT1_2 + 1e-6), 0.5 / (Math.SQRT1_2 + 1e-6)], FLOAT64);
    const trl = groupAdvantages([1, Number.NaN, 3, 0, 1], [0, 0, 0, 1, 1], { convention: 'trl' });
    expectAllClose(trl, [-1 / (Math.SQRT2 + 1e-4), 0, 1 / (Math.SQRT2 + 1e-4), -0.5 / (Math.SQRT1_2 + 1e-4), 0.5 / (Math.SQRT1_2 + 1e-4)], FLOAT64);
    expect(Array.from(groupAdvantages([1, Number.NaN, 3], [0, 0, 1], { scale: 'batch' })).every(Number.isNaN)).toBe(true);
  });

  it('uses the std of all scores with μ per group for scale batch', () => {
    const scores = [1, 3, 10, 14];
    const mean = 7;
    const batchStd = Math.sqrt(scores.reduce((sum, s) => sum + (s - mean) ** 2, 0) / 3);
    expectAllClose(groupAdvantages(scores, [0, 0, 1, 1], { scale: 'batch' }), [-1, 1, -2, 2].map((c) => c / (batchStd + 1e-6)), FLOAT64);
    expectAllClose(groupAdvantages([4], [0], { scale: 'batch' }), [4 / (1 + 1e-6)], FLOAT64);
  });

  it('handles ±Infinity like IEEE arithmetic', () => {
    const advantages = groupAdvantages([Infinity, 1], [0, 0], { scale: 'none' });
    expect(Number.isNaN(advantages[0]!)).toBe(true);
    expect(groupAdvantages([Infinity, 1, 2], [0, 0, 1], { convention: 'trl' })[0]).toBe(0);
  });

  it('returns an empty Float64Array for empty input and one value per score otherwise', () => {
    const empty = groupAdvantages([], []);
    expect(empty).toBeInstanceOf(Float64Array);
    expect(empty.length).toBe(0);
    expect(groupAdvantages(new Float32Array([1, 2, 3]), [0, 0, 0])).toHaveLength(3);
  });

  it('does not mutate its inputs', () => {
    const scores = new Float64Array([1, 0, 1, 0.5]);
    const ids = [0, 0, 1, 1];
    const before = scores.slice();
    groupAdvantages(scores, ids, { convention: 'trl' });
    expect(scores).toEqual(before);
    expect(ids).toEqual([0, 0, 1, 1]);
  });

  it('throws SHAPE_MISMATCH when groupIds.length differs from scores.length', () => {
    expectAresError(() => groupAdvantages([1, 2], [0]), 'SHAPE_MISMATCH', 'groupIds');
  });

  it('throws UNSUPPORTED for an unknown scale or convention', () => {
    expectAresError(() => groupAdvantages([1], [0], { scale: 'global' as never }), 'UNSUPPORTED', 'options.scale');
    expectAresError(() => groupAdvantages([1], [0], { convention: 'openrlhf' as never }), 'UNSUPPORTED', 'options.convention');
  });

  it('throws INVALID_ARGUMENT when epsilon is negative or not finite', () => {
    expectAresError(() => groupAdvantages([1], [0], { epsilon: -1e-6 }), 'INVALID_ARGUMENT', 'options.epsilon');
    expectAresError(() => groupAdvantages([1], [0], { epsilon: Number.NaN }), 'INVALID_ARGUMENT', 'options.epsilon');
    expectAresError(() => groupAdvantages([1], [0], { epsilon: Infinity }), 'INVALID_ARGUMENT', 'options.epsilon');
  });
});
