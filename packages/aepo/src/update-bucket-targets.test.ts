import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import type { DifficultyBucket } from '@ares/core';
import {
  createBucketTargetState,
  roundHalfEven,
  updateBucketTargets,
  type BucketTargetState,
} from './update-bucket-targets';

const initial = createBucketTargetState();

describe('roundHalfEven', () => {
  it('rounds ties to even like Python round (SPEC §6.3 item 17)', () => {
    expect(roundHalfEven(27.5)).toBe(28);
    expect(roundHalfEven(26.5)).toBe(26);
    expect(Math.round(26.5)).toBe(27); // the reason Math.round is wrong here
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2]);
  });

  it('rounds non-ties to the nearest integer', () => {
    expect([26.49, 26.51, 0.49999999999999994, 3, 1e16 + 2].map(roundHalfEven)).toEqual([26, 27, 0, 3, 1e16 + 2]);
  });
});

describe('createBucketTargetState', () => {
  it('starts every bucket at T = 0, α = 0.5', () => {
    expect(initial).toEqual({
      easy: { target: 0, alpha: 0.5 },
      medium: { target: 0, alpha: 0.5 },
      hard: { target: 0, alpha: 0.5 },
    });
    expect(createBucketTargetState({ alpha: 0.3, target: 10 }).hard).toEqual({ target: 10, alpha: 0.3 });
  });

  it('throws INVALID_ARGUMENT for negative or non-finite initial values', () => {
    expectAresError(() => createBucketTargetState({ alpha: -0.1 }), 'INVALID_ARGUMENT', 'options.alpha');
    expectAresError(() => createBucketTargetState({ target: Number.NaN }), 'INVALID_ARGUMENT', 'options.target');
  });
});

describe('updateBucketTargets', () => {
  it('sets T = roundHalfEven(mean) and moves α by 0.05·δ (SPEC §2.8 and §6.3 item 17)', () => {
    const next = updateBucketTargets(initial, [
      { bucket: 'easy', meanHweCount: 27 },
      { bucket: 'easy', meanHweCount: 28 },
      { bucket: 'medium', meanHweCount: 26.5 },
      { bucket: 'hard', meanHweCount: 27.5 },
    ]);
    // easy: mean 27.5 → T 28, δ = −0.5, α = 0.5 − 0.025.
    expect(next.easy).toEqual({ target: 28, alpha: 0.475 });
    // medium: mean 26.5 → T 26, δ = +0.5, α = 0.525 (below αmax 0.55).
    expect(next.medium.target).toBe(26);
    expectAllClose(next.medium.alpha, 0.525, FLOAT64);
    // hard: mean 27.5 → T 28, δ = T − mean = +0.5.
    expect(next.hard.target).toBe(28);
    expectAllClose(next.hard.alpha, 0.525, FLOAT64);
  });

  it('keeps T and α of buckets without prompts', () => {
    const state: BucketTargetState = {
      easy: { target: 3, alpha: 0.2 },
      medium: { target: 40, alpha: 0.41 },
      hard: { target: 90, alpha: 0.55 },
    };
    const next = updateBucketTargets(state, [{ bucket: 'medium', meanHweCount: 12.25 }]);
    expect(next.easy).toEqual(state.easy);
    expect(next.hard).toEqual(state.hard);
    expect(next.medium.target).toBe(12);
    expectAllClose(next.medium.alpha, 0.41 + 0.05 * 0.25, FLOAT64);
    expect(updateBucketTargets(state, [])).toEqual(state);
  });

  it('clips α to [alphaMin, alphaMax]', () => {
    const state: BucketTargetState = {
      easy: { target: 0, alpha: 0.549 },
      medium: { target: 0, alpha: 0.01 },
      hard: { target: 0, alpha: 0.5 },
    };
    const next = updateBucketTargets(state, [
      { bucket: 'easy', meanHweCount: 10.4 }, // δ = +0.4 → 0.569 → 0.55
      { bucket: 'medium', meanHweCount: 9.6 }, // δ = −0.4 → −0.01 → 0
    ]);
    expect(next.easy.alpha).toBe(0.55);
    expect(next.medium.alpha).toBe(0);
    const wide = updateBucketTargets(state, [{ bucket: 'easy', meanHweCount: 10.4 }], {
      alphaMax: 2,
      alphaLearningRate: 1,
    });
    expectAllClose(wide.easy.alpha, 0.949, FLOAT64);
    const floor = updateBucketTargets(state, [{ bucket: 'medium', meanHweCount: 9.6 }], { alphaMin: 0.1 });
    expect(floor.medium.alpha).toBe(0.1);
  });

  it('is pure: returns a new state and leaves the input untouched', () => {
    const state: BucketTargetState = {
      easy: { target: 5, alpha: 0.5 },
      medium: { target: 6, alpha: 0.5 },
      hard: { target: 7, alpha: 0.5 },
    };
    const snapshot = JSON.parse(JSON.stringify(state)) as unknown;
    const prompts = [{ bucket: 'easy' as const, meanHweCount: 9 }];
    const next = updateBucketTargets(state, prompts);
    expect(next).not.toBe(state);
    expect(state).toEqual(snapshot);
    expect(prompts).toEqual([{ bucket: 'easy', meanHweCount: 9 }]);
    expect(JSON.parse(JSON.stringify(next))).toEqual(next);
  });

  it('throws INVALID_ARGUMENT for bad prompts or options', () => {
    expectAresError(
      () => updateBucketTargets(initial, [{ bucket: 'x' as DifficultyBucket, meanHweCount: 1 }]),
      'INVALID_ARGUMENT',
      'prompts[0].bucket'
    );
    expectAresError(
      () =>
        updateBucketTargets(initial, [
          { bucket: 'easy', meanHweCount: 1 },
          { bucket: 'hard', meanHweCount: -1 },
        ]),
      'INVALID_ARGUMENT',
      'prompts[1].meanHweCount'
    );
    expectAresError(
      () => updateBucketTargets(initial, [{ bucket: 'easy', meanHweCount: Number.NaN }]),
      'INVALID_ARGUMENT',
      'prompts[0].meanHweCount'
    );
    expectAresError(
      () => updateBucketTargets(initial, [], { alphaLearningRate: -0.05 }),
      'INVALID_ARGUMENT',
      'options.alphaLearningRate'
    );
    expectAresError(() => updateBucketTargets(initial, [], { alphaMin: -1 }), 'INVALID_ARGUMENT', 'options.alphaMin');
    expectAresError(
      () => updateBucketTargets(initial, [], { alphaMin: 0.3, alphaMax: 0.2 }),
      'INVALID_ARGUMENT',
      'options.alphaMax'
    );
    expectAresError(
      () => updateBucketTargets(initial, [], { alphaMax: Number.POSITIVE_INFINITY }),
      'INVALID_ARGUMENT',
      'options.alphaMax'
    );
  });

  it('throws INVALID_STATE for a malformed state', () => {
    expectAresError(
      () => updateBucketTargets({ easy: initial.easy, medium: initial.medium } as BucketTargetState, []),
      'INVALID_STATE',
      'state.hard.target'
    );
    expectAresError(
      () => updateBucketTargets({ ...initial, medium: { target: 3, alpha: Number.NaN } }, []),
      'INVALID_STATE',
      'state.medium.alpha'
    );
    expectAresError(() => updateBucketTargets(null as unknown as BucketTargetState, []), 'INVALID_STATE', 'state');
  });
});
