import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { bucketOf, DEFAULT_BUCKET_OF_OPTIONS } from './bucket-of';
import { referenceBucket } from './bucket-test-utils';

describe('bucketOf', () => {
  it('splits c of 8 into {6,7,8} easy, {3,4,5} medium, {0,1,2} hard (SPEC §6.2 item 9)', () => {
    const buckets = Array.from({ length: 9 }, (_, correct) => bucketOf(correct / 8));
    expect(buckets).toEqual(['hard', 'hard', 'hard', 'medium', 'medium', 'medium', 'easy', 'easy', 'easy']);
  });

  it('classifies every c of n for n = 1..16 exactly as the rational c/n (3c ≥ 2n easy, 3c < n hard)', () => {
    for (let total = 1; total <= 16; total++) {
      for (let correct = 0; correct <= total; correct++) {
        expect(bucketOf(correct / total), `${correct}/${total}`).toBe(referenceBucket(correct, total));
      }
    }
  });

  it('stays exact on the boundaries for multiples of 3 up to n = 3000', () => {
    for (let total = 3; total <= 3000; total += 3) {
      expect(bucketOf((2 * total) / 3 / total)).toBe('easy');
      expect(bucketOf((2 * total / 3 - 1) / total)).toBe('medium');
      expect(bucketOf(total / 3 / total)).toBe('medium');
      expect(bucketOf((total / 3 - 1) / total)).toBe('hard');
    }
  });

  it('puts each boundary in the upper bucket: p = 2/3 is easy and p = 1/3 is medium', () => {
    expect(bucketOf(2 / 3)).toBe('easy');
    expect(bucketOf(1 / 3)).toBe('medium');
    expect(bucketOf(0.5, { easyAtLeast: 0.5, hardBelow: 0.25 })).toBe('easy');
    expect(bucketOf(0.25, { easyAtLeast: 0.5, hardBelow: 0.25 })).toBe('medium');
    expect(bucketOf(0.2499999, { easyAtLeast: 0.5, hardBelow: 0.25 })).toBe('hard');
  });

  it('gives only easy and hard with a single rollout (n = 1, validation)', () => {
    expect([bucketOf(0), bucketOf(1)]).toEqual(['hard', 'easy']);
  });

  it('has no medium bucket when hardBelow equals easyAtLeast', () => {
    const options = { easyAtLeast: 0.5, hardBelow: 0.5 };
    expect([0, 0.49, 0.5, 1].map((p) => bucketOf(p, options))).toEqual(['hard', 'hard', 'easy', 'easy']);
  });

  it('accepts the extreme thresholds 0 and 1', () => {
    expect([0, 0.5, 1].map((p) => bucketOf(p, { easyAtLeast: 0, hardBelow: 0 }))).toEqual(['easy', 'easy', 'easy']);
    expect([0, 0.999, 1].map((p) => bucketOf(p, { easyAtLeast: 1, hardBelow: 1 }))).toEqual(['hard', 'hard', 'easy']);
    expect([0, 0.5, 1].map((p) => bucketOf(p, { easyAtLeast: 1, hardBelow: 0 }))).toEqual(['medium', 'medium', 'easy']);
  });

  it('uses one default when only the other threshold is given', () => {
    expect(bucketOf(0.3, { easyAtLeast: 0.9 })).toBe('hard');
    expect(bucketOf(0.7, { easyAtLeast: 0.9 })).toBe('medium');
    expect(bucketOf(0.3, { hardBelow: 0.2 })).toBe('medium');
  });

  it('exports frozen defaults of 2/3 and 1/3', () => {
    expect(DEFAULT_BUCKET_OF_OPTIONS).toEqual({ easyAtLeast: 2 / 3, hardBelow: 1 / 3 });
    expect(Object.isFrozen(DEFAULT_BUCKET_OF_OPTIONS)).toBe(true);
  });

  it('treats -0 as a pass rate of 0', () => {
    expect(bucketOf(-0)).toBe('hard');
  });

  it('throws INVALID_ARGUMENT naming passRate when p is outside [0, 1] or not finite', () => {
    for (const bad of [-0.01, 1.0000001, Number.NaN, Infinity, -Infinity]) {
      const error = expectAresError(() => bucketOf(bad), 'INVALID_ARGUMENT', 'passRate');
      expect(error.value).toBe(bad);
    }
  });

  it('throws INVALID_ARGUMENT naming the threshold when a threshold is outside [0, 1]', () => {
    expectAresError(() => bucketOf(0.5, { easyAtLeast: 1.5 }), 'INVALID_ARGUMENT', 'options.easyAtLeast');
    expectAresError(() => bucketOf(0.5, { easyAtLeast: Number.NaN }), 'INVALID_ARGUMENT', 'options.easyAtLeast');
    expectAresError(() => bucketOf(0.5, { hardBelow: -0.1 }), 'INVALID_ARGUMENT', 'options.hardBelow');
    expectAresError(() => bucketOf(0.5, { hardBelow: Infinity }), 'INVALID_ARGUMENT', 'options.hardBelow');
  });

  it('throws INVALID_ARGUMENT naming options.hardBelow when hardBelow exceeds easyAtLeast', () => {
    const error = expectAresError(
      () => bucketOf(0.5, { easyAtLeast: 0.4, hardBelow: 0.6 }),
      'INVALID_ARGUMENT',
      'options.hardBelow',
    );
    expect(error.value).toBe(0.6);
    expectAresError(() => bucketOf(0.5, { easyAtLeast: 0.2 }), 'INVALID_ARGUMENT', 'options.hardBelow');
  });
});
