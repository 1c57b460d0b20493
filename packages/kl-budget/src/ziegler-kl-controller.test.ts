import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ZIEGLER_KL_CONTROLLER_OPTIONS, ZieglerKlController } from './index';

describe('ZieglerKlController', () => {
  it('reproduces SPEC §6.5 item 26: KL 0.02, δ 0.01, n = 256, horizon 10000 → 0.001 → 0.00100512', () => {
    const controller = new ZieglerKlController();
    controller.update({ medium: 0.02 }, { steps: 256 });
    expectAllClose(controller.coefficient('medium'), 0.00100512, FLOAT64);
    expect(controller.coefficient('easy')).toBe(0.001);
  });

  it('has the documented frozen defaults', () => {
    expect(DEFAULT_ZIEGLER_KL_CONTROLLER_OPTIONS).toEqual({
      initialCoefficient: 0.001,
      horizon: 10000,
      targets: { easy: 0.005, medium: 0.01, hard: 0.02 },
      errorClip: 0.2,
    });
    expect(Object.isFrozen(DEFAULT_ZIEGLER_KL_CONTROLLER_OPTIONS)).toBe(true);
  });

  it('clips the proportional error to ±0.2 and accepts negative KL (k1)', () => {
    const controller = new ZieglerKlController({ horizon: 100 });
    controller.update({ easy: -5, hard: 0.021 }, { steps: 10 });
    // easy: e = −0.2 → ×0.98; hard: e = 0.05 → ×1.005
    expectAllClose([controller.coefficient('easy'), controller.coefficient('hard')], [0.001 * 0.98, 0.001 * 1.005], FLOAT64);
  });

  it('requires context.steps as an integer in [1, horizon]', () => {
    const controller = new ZieglerKlController({ horizon: 100 });
    expectAresError(() => controller.update({ easy: 0.01 }), 'INVALID_ARGUMENT', 'context.steps');
    expectAresError(() => controller.update({ easy: 0.01 }, { steps: 0 }), 'INVALID_ARGUMENT', 'context.steps');
    expectAresError(() => controller.update({ easy: 0.01 }, { steps: 101 }), 'INVALID_ARGUMENT', 'context.steps');
    expectAresError(() => controller.update({ easy: 0.01 }, { steps: 2.5 }), 'INVALID_ARGUMENT', 'context.steps');
    expectAresError(() => controller.update({ easy: Number.NaN }, { steps: 1 }), 'NON_FINITE', 'observations.easy');
    expect(controller.toJSON().updates).toBe(0);
  });

  it('round-trips its state and rejects malformed state', () => {
    const controller = new ZieglerKlController();
    controller.update({ hard: 0.5 }, { steps: 64 });
    const restored = ZieglerKlController.fromJSON(JSON.parse(JSON.stringify(controller)));
    expect(restored.toJSON()).toEqual(controller.toJSON());
    expectAresError(() => ZieglerKlController.fromJSON({ ...controller.toJSON(), options: { ...controller.toJSON().options, horizon: 0 } }), 'INVALID_STATE', 'state.options.horizon');
    expectAresError(() => new ZieglerKlController({ errorClip: 1 }), 'INVALID_ARGUMENT', 'options.errorClip');
  });
});
