import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIXED_KL_CONTROLLER_OPTIONS, FixedKlController } from './index';

describe('FixedKlController', () => {
  it('returns 0.01 for every bucket by default (the released original-GRPO ablation)', () => {
    expect(DEFAULT_FIXED_KL_CONTROLLER_OPTIONS).toEqual({ coefficients: { easy: 0.01, medium: 0.01, hard: 0.01 } });
    expect(Object.isFrozen(DEFAULT_FIXED_KL_CONTROLLER_OPTIONS.coefficients)).toBe(true);
    const controller = new FixedKlController({ coefficients: { hard: 0.05 } });
    expect([controller.coefficient('easy'), controller.coefficient('hard')]).toEqual([0.01, 0.05]);
  });

  it('never changes κ but counts updates and still rejects non-finite observations', () => {
    const controller = new FixedKlController();
    controller.update({ easy: 10, medium: 0 });
    expect(controller.coefficient('easy')).toBe(0.01);
    expect(controller.toJSON().updates).toBe(1);
    expectAresError(() => controller.update({ easy: Number.NaN }), 'NON_FINITE', 'observations.easy');
    expect(controller.toJSON().updates).toBe(1);
  });

  it('round-trips its state and rejects malformed state', () => {
    const controller = new FixedKlController({ coefficients: { medium: 0 } });
    controller.update({});
    const restored = FixedKlController.fromJSON(JSON.parse(JSON.stringify(controller)));
    expect(restored.toJSON()).toEqual(controller.toJSON());
    expectAresError(() => FixedKlController.fromJSON({ ...controller.toJSON(), options: { coefficients: { easy: 1 } } } as never), 'INVALID_STATE', 'state.options.coefficients.medium');
    expectAresError(() => new FixedKlController({ coefficients: { easy: -0.1 } }), 'INVALID_ARGUMENT', 'options.coefficients.easy');
  });
});
