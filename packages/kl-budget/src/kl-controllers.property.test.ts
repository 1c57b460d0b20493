import { DIFFICULTY_BUCKETS, type DifficultyBucket } from '@ares/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DualAscentKlController,
  FixedKlController,
  klControllerFromJSON,
  ReleasedKlController,
  ZieglerKlController,
  type KlController,
} from './index';

const bucket = fc.constantFrom<DifficultyBucket>(...DIFFICULTY_BUCKETS);
const observationRecord = fc.record(
  { easy: fc.double({ min: 0, max: 0.1, noNaN: true }), medium: fc.double({ min: 0, max: 0.1, noNaN: true }), hard: fc.double({ min: 0, max: 0.1, noNaN: true }) },
  { requiredKeys: [] },
);

describe('DualAscentKlController properties (SPEC §6.5 item 24)', () => {
  it('raises κ when KL is over budget, lowers it when under, keeps it at the budget, within bounds', () => {
    fc.assert(
      fc.property(
        bucket,
        fc.double({ min: 1e-4, max: 100, noNaN: true }),
        fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (d, initial, target, ratio, learningRate) => {
          const controller = new DualAscentKlController({ initialCoefficient: initial, targets: { [d]: target }, learningRate });
          controller.update({ [d]: ratio * target });
          const after = controller.coefficient(d);
          if (ratio > 1 + 1e-9) expect(after).toBeGreaterThanOrEqual(initial);
          if (ratio < 1 - 1e-9) expect(after).toBeLessThanOrEqual(initial);
          if (initial < 100 && ratio > 1 + 1e-9) expect(after).toBeGreaterThan(initial);
          if (initial > 1e-4 && ratio < 1 - 1e-9) expect(after).toBeLessThan(initial);
          expect(after).toBeGreaterThanOrEqual(1e-4);
          expect(after).toBeLessThanOrEqual(100);
        },
      ),
    );
  });

  it('has the budget as a fixed point', () => {
    fc.assert(
      fc.property(bucket, fc.double({ min: 1e-4, max: 100, noNaN: true }), fc.double({ min: 1e-4, max: 1, noNaN: true }), (d, initial, target) => {
        const controller = new DualAscentKlController({ initialCoefficient: initial, targets: { [d]: target } });
        controller.update({ [d]: target });
        expect(controller.coefficient(d)).toBe(initial);
      }),
    );
  });

  it('stays within [κ_min, κ_max] over long random runs', () => {
    fc.assert(
      fc.property(fc.array(observationRecord, { maxLength: 60 }), (observations) => {
        const controller = new DualAscentKlController({ learningRate: 0.5, minCoefficient: 0.1, maxCoefficient: 3 });
        for (const observation of observations) controller.update(observation);
        for (const d of DIFFICULTY_BUCKETS) {
          expect(controller.coefficient(d)).toBeGreaterThanOrEqual(0.1);
          expect(controller.coefficient(d)).toBeLessThanOrEqual(3);
        }
      }),
    );
  });
});

describe('ZieglerKlController properties', () => {
  it('moves κ in the direction of KL − δ by at most the clipped factor', () => {
    fc.assert(
      fc.property(bucket, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 10_000 }), (d, observation, steps) => {
        const controller = new ZieglerKlController();
        const target = { easy: 0.005, medium: 0.01, hard: 0.02 }[d];
        controller.update({ [d]: observation }, { steps });
        const change = controller.coefficient(d) / 0.001 - 1;
        const error = observation / target - 1;
        if (error > 1e-6) expect(change).toBeGreaterThan(0);
        if (error < -1e-6) expect(change).toBeLessThan(0);
        if (error === 0) expect(change).toBe(0);
        expect(Math.abs(change)).toBeLessThanOrEqual((0.2 * steps) / 10_000 + 1e-15);
      }),
    );
  });
});

describe('ReleasedKlController properties (SPEC §6.5 item 25)', () => {
  it('changes β only on multiples of the interval with |e| ≥ deadzone, by sign(ē) and at most 0.01 in ln β', () => {
    fc.assert(
      fc.property(fc.array(observationRecord, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (observations, updateInterval) => {
        const controller = new ReleasedKlController({ updateInterval });
        observations.forEach((observation, index) => {
          const before = controller.toJSON().buckets;
          controller.update(observation);
          const after = controller.toJSON().buckets;
          for (const d of DIFFICULTY_BUCKETS) {
            const change = Math.log(after[d].beta) - Math.log(before[d].beta);
            const error = after[d].klAverage === null ? 0 : after[d].klAverage! / 0.01 - 1;
            const eligible = observation[d] !== undefined && (index + 1) % updateInterval === 0 && Math.abs(error) >= 0.02;
            if (!eligible) expect(after[d]).toEqual({ ...before[d], klAverage: after[d].klAverage });
            if (!eligible) expect(change).toBe(0);
            expect(Math.abs(change)).toBeLessThanOrEqual(0.01 + 1e-15);
            if (eligible && change !== 0) expect(Math.sign(change)).toBe(Math.sign(after[d].errorAverage));
            expect(after[d].beta).toBeGreaterThanOrEqual(1e-4);
            expect(after[d].beta).toBeLessThanOrEqual(100);
          }
        });
      }),
    );
  });
});

describe('controller JSON round trips (SPEC §6.5 item 27)', () => {
  const factories: (() => KlController)[] = [
    () => new DualAscentKlController(),
    () => new ReleasedKlController({ updateInterval: 2 }),
    () => new FixedKlController(),
    () => new ZieglerKlController(),
  ];

  it('restores every controller state unchanged after random updates, and the copies evolve identically', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.array(observationRecord, { maxLength: 20 }), fc.array(observationRecord, { maxLength: 5 }), (which, history, future) => {
        const controller = factories[which]!();
        for (const observation of history) controller.update(observation, { steps: 32 });
        const state = controller.toJSON();
        const restored = klControllerFromJSON(JSON.parse(JSON.stringify(state)));
        expect(restored.toJSON()).toEqual(state);
        for (const observation of future) {
          controller.update(observation, { steps: 32 });
          restored.update(observation, { steps: 32 });
        }
        expect(restored.toJSON()).toEqual(controller.toJSON());
        for (const d of DIFFICULTY_BUCKETS) expect(restored.coefficient(d)).toBe(controller.coefficient(d));
      }),
    );
  });
});
