import type { DifficultyBucket } from '@ares/core';
import { expectAllClose, expectAresError, FLOAT64, loadFixture } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RELEASED_KL_CONTROLLER_OPTIONS, ReleasedKlController, type ReleasedKlControllerOptions, type ReleasedKlBucketState } from './index';

interface TrajectoryCase {
  readonly options: ReleasedKlControllerOptions;
  readonly observations: Partial<Record<DifficultyBucket, number>>[];
  readonly snapshots: { calls: number; buckets: Record<DifficultyBucket, ReleasedKlBucketState> }[];
}

const fixture = loadFixture<TrajectoryCase>(new URL('./__fixtures__/released-kl-controller.json', import.meta.url));

describe('ReleasedKlController', () => {
  it('follows the trajectories of the released Python controller', () => {
    expect(fixture.cases.length).toBe(2);
    for (const c of fixture.cases) {
      const controller = new ReleasedKlController(c.options);
      const snapshots = [...c.snapshots];
      let every = 0;
      c.observations.forEach((observation, index) => {
        controller.update(observation);
        const snapshot = snapshots[0];
        if (snapshot?.calls !== index + 1) return;
        snapshots.shift();
        every++;
        const state = controller.toJSON();
        expect(state.calls).toBe(snapshot.calls);
        for (const bucket of ['easy', 'medium', 'hard'] as const) {
          const actual = state.buckets[bucket];
          const expected = snapshot.buckets[bucket];
          expectAllClose([actual.beta, actual.klAverage ?? Number.NaN, actual.errorAverage], [expected.beta, expected.klAverage ?? Number.NaN, expected.errorAverage], FLOAT64);
        }
      });
      expect(snapshots).toEqual([]);
      expect(every).toBeGreaterThan(5);
    }
  });

  it('reproduces SPEC §6.5 item 25: constant 0.02 gives ē = 0.03 at call 100 and β = e^0.0015', () => {
    const controller = new ReleasedKlController();
    for (let call = 1; call < 100; call++) controller.update({ hard: 0.02 });
    expect(controller.toJSON().buckets.hard.beta).toBe(1);
    controller.update({ hard: 0.02 });
    const { buckets } = controller.toJSON();
    expectAllClose([buckets.hard.errorAverage, buckets.hard.beta], [0.03, Math.exp(0.0015)], FLOAT64);
    expectAllClose(controller.coefficient('hard'), 0.01 * Math.exp(0.0015), FLOAT64);
    expect(controller.coefficient('easy')).toBe(0.01);
  });

  it('skips the update inside the deadzone |e| < 0.02', () => {
    const controller = new ReleasedKlController({ updateInterval: 1 });
    controller.update({ easy: 0.0101 });
    expect(controller.toJSON().buckets.easy).toEqual({ beta: 1, klAverage: 0.0101, errorAverage: 0 });
  });

  it('advances the call counter even without observations', () => {
    const controller = new ReleasedKlController({ updateInterval: 2 });
    controller.update({});
    controller.update({ medium: 0.05 });
    expect(controller.toJSON().calls).toBe(2);
    expect(controller.toJSON().buckets.medium.beta).toBeGreaterThan(1);
  });

  it('has the released constants as frozen defaults', () => {
    expect(DEFAULT_RELEASED_KL_CONTROLLER_OPTIONS).toEqual({
      coefficient: 0.01,
      targets: { easy: 0.01, medium: 0.01, hard: 0.01 },
      initialBeta: 1,
      minBeta: 1e-4,
      maxBeta: 100,
      emaDecay: 0.97,
      learningRate: 0.05,
      errorClip: 0.2,
      updateInterval: 100,
      deadzone: 0.02,
      secondChance: false,
      secondChanceScale: 0.67,
      secondChanceMinSoftCost: 0.5,
    });
    expect(Object.isFrozen(DEFAULT_RELEASED_KL_CONTROLLER_OPTIONS)).toBe(true);
  });

  it('scales easy, wrong, high-soft-cost sequences by 0.67 only with secondChance', () => {
    const off = new ReleasedKlController();
    expect(off.sequenceCoefficient('easy', { correct: false, softCost: 0.9 })).toBe(0.01);
    const on = new ReleasedKlController({ secondChance: true });
    expect(on.sequenceCoefficient('easy', { correct: false, softCost: 0.5 })).toBe(0.01 * 0.67);
    expect(on.sequenceCoefficient('easy', { correct: false, softCost: 0.49 })).toBe(0.01);
    expect(on.sequenceCoefficient('easy', { correct: true, softCost: 0.9 })).toBe(0.01);
    expect(on.sequenceCoefficient('medium', { correct: false, softCost: 0.9 })).toBe(0.01);
    expectAresError(() => on.sequenceCoefficient('easy', { correct: 0 as never, softCost: 1 }), 'INVALID_ARGUMENT', 'outcome.correct');
    expectAresError(() => on.sequenceCoefficient('easy', { correct: false, softCost: Number.NaN }), 'INVALID_ARGUMENT', 'outcome.softCost');
  });

  it('throws NON_FINITE on a non-finite observation without advancing the counter', () => {
    const controller = new ReleasedKlController();
    expectAresError(() => controller.update({ easy: 0.01, medium: -Infinity }), 'NON_FINITE', 'observations.medium');
    expect(controller.toJSON().calls).toBe(0);
    expect(controller.toJSON().buckets.easy.klAverage).toBeNull();
  });

  it('round-trips its state, null averages and counters included', () => {
    const controller = new ReleasedKlController({ updateInterval: 3, secondChance: true });
    for (let call = 0; call < 7; call++) controller.update({ easy: 0.03 * (call + 1), hard: 0.001 });
    const restored = ReleasedKlController.fromJSON(JSON.parse(JSON.stringify(controller)));
    expect(restored.toJSON()).toEqual(controller.toJSON());
    expect(restored.toJSON().buckets.medium.klAverage).toBeNull();
    for (const target of [restored, controller]) target.update({ easy: 0.5, medium: 0.2 });
    expect(restored.toJSON()).toEqual(controller.toJSON());
  });

  it('throws INVALID_STATE on malformed state and INVALID_ARGUMENT on bad options', () => {
    const state = new ReleasedKlController().toJSON();
    expectAresError(() => ReleasedKlController.fromJSON({ ...state, calls: Number.NaN }), 'INVALID_STATE', 'state.calls');
    expectAresError(
      () => ReleasedKlController.fromJSON({ ...state, buckets: { ...state.buckets, hard: { beta: 0, klAverage: null, errorAverage: 0 } } }),
      'INVALID_STATE',
      'state.buckets.hard.beta',
    );
    expectAresError(
      () => ReleasedKlController.fromJSON({ ...state, buckets: { ...state.buckets, easy: { beta: 1, klAverage: 'x', errorAverage: 0 } } } as never),
      'INVALID_STATE',
      'state.buckets.easy.klAverage',
    );
    expectAresError(() => ReleasedKlController.fromJSON({ ...state, options: { ...state.options, secondChance: 'no' } } as never), 'INVALID_STATE', 'state.options.secondChance');
    expectAresError(() => new ReleasedKlController({ updateInterval: 0 }), 'INVALID_ARGUMENT', 'options.updateInterval');
    expectAresError(() => new ReleasedKlController({ emaDecay: 1 }), 'INVALID_ARGUMENT', 'options.emaDecay');
    expectAresError(() => new ReleasedKlController({ initialBeta: 1000 }), 'INVALID_ARGUMENT', 'options.initialBeta');
  });
});
