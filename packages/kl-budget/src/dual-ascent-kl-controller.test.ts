import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DUAL_ASCENT_KL_CONTROLLER_OPTIONS, DualAscentKlController, type DualAscentKlControllerState } from './index';

describe('DualAscentKlController', () => {
  it('reproduces SPEC §6.5 item 24: 1 → 1.05 → 1.1025 → 1.06115625 for δ = 0.01', () => {
    const controller = new DualAscentKlController();
    const trajectory = [0.02, 0.02, 0.0025].map((observation) => {
      controller.update({ medium: observation });
      return controller.coefficient('medium');
    });
    expectAllClose(trajectory, [1.05, 1.1025, 1.06115625], FLOAT64);
  });

  it('has the documented frozen defaults', () => {
    expect(DEFAULT_DUAL_ASCENT_KL_CONTROLLER_OPTIONS).toEqual({
      learningRate: 0.05,
      targets: { easy: 0.005, medium: 0.01, hard: 0.02 },
      initialCoefficient: 1,
      minCoefficient: 1e-4,
      maxCoefficient: 100,
    });
    expect(Object.isFrozen(DEFAULT_DUAL_ASCENT_KL_CONTROLLER_OPTIONS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_DUAL_ASCENT_KL_CONTROLLER_OPTIONS.targets)).toBe(true);
  });

  it('leaves absent buckets unchanged and uses per-bucket budgets', () => {
    const controller = new DualAscentKlController();
    controller.update({ easy: 0.01, hard: 0.01 });
    // easy: 2× its 0.005 budget → 1.05; hard: ½ its 0.02 budget → 0.975; medium untouched
    expectAllClose([controller.coefficient('easy'), controller.coefficient('medium'), controller.coefficient('hard')], [1.05, 1, 0.975], FLOAT64);
  });

  it('clips κ to [minCoefficient, maxCoefficient]', () => {
    const controller = new DualAscentKlController({ learningRate: 0.9, minCoefficient: 0.5, maxCoefficient: 2 });
    for (let step = 0; step < 5; step++) controller.update({ easy: 1, hard: 0 });
    expect(controller.coefficient('easy')).toBe(2);
    expect(controller.coefficient('hard')).toBe(0.5);
  });

  it('throws NON_FINITE on a non-finite observation and changes nothing', () => {
    const controller = new DualAscentKlController();
    const before = controller.toJSON();
    expectAresError(() => controller.update({ easy: 0.02, hard: Number.NaN }), 'NON_FINITE', 'observations.hard');
    expectAresError(() => controller.update({ medium: Infinity }), 'NON_FINITE', 'observations.medium');
    expect(controller.toJSON()).toEqual(before);
  });

  it('throws INVALID_ARGUMENT on a negative observation or an unknown bucket key', () => {
    expectAresError(() => new DualAscentKlController().update({ easy: -0.001 }), 'INVALID_ARGUMENT', 'observations.easy');
    expectAresError(() => new DualAscentKlController().update({ Easy: 0.01 } as never), 'INVALID_ARGUMENT', 'observations.Easy');
    expectAresError(() => new DualAscentKlController().update(null as never), 'INVALID_ARGUMENT', 'observations');
  });

  it('throws INVALID_ARGUMENT for out-of-range options and an unknown bucket', () => {
    expectAresError(() => new DualAscentKlController({ learningRate: 1 }), 'INVALID_ARGUMENT', 'options.learningRate');
    expectAresError(() => new DualAscentKlController({ learningRate: 0 }), 'INVALID_ARGUMENT', 'options.learningRate');
    expectAresError(() => new DualAscentKlController({ targets: { hard: 0 } }), 'INVALID_ARGUMENT', 'options.targets.hard');
    expectAresError(() => new DualAscentKlController({ minCoefficient: 0 }), 'INVALID_ARGUMENT', 'options.minCoefficient');
    expectAresError(() => new DualAscentKlController({ minCoefficient: 2, maxCoefficient: 1 }), 'INVALID_ARGUMENT', 'options.maxCoefficient');
    expectAresError(() => new DualAscentKlController({ initialCoefficient: 200 }), 'INVALID_ARGUMENT', 'options.initialCoefficient');
    expectAresError(() => new DualAscentKlController().coefficient('trivial' as never), 'INVALID_ARGUMENT', 'bucket');
  });

  it('round-trips its state through JSON, counters included', () => {
    const controller = new DualAscentKlController({ targets: { easy: 0.002 } });
    controller.update({ easy: 0.003, medium: 0.001 });
    controller.update({ hard: 0.05 });
    const state = JSON.parse(JSON.stringify(controller)) as DualAscentKlControllerState;
    expect(state.updates).toBe(2);
    const restored = DualAscentKlController.fromJSON(state);
    expect(restored.toJSON()).toEqual(controller.toJSON());
    restored.update({ easy: 0.01 });
    controller.update({ easy: 0.01 });
    expect(restored.coefficient('easy')).toBe(controller.coefficient('easy'));
  });

  it('throws INVALID_STATE on malformed state, naming the field', () => {
    const state = new DualAscentKlController().toJSON();
    expectAresError(() => DualAscentKlController.fromJSON(null as never), 'INVALID_STATE', 'state');
    expectAresError(() => DualAscentKlController.fromJSON({ ...state, kind: 'fixed' } as never), 'INVALID_STATE', 'state.kind');
    expectAresError(() => DualAscentKlController.fromJSON({ ...state, version: 2 } as never), 'INVALID_STATE', 'state.version');
    expectAresError(() => DualAscentKlController.fromJSON({ ...state, updates: -1 }), 'INVALID_STATE', 'state.updates');
    expectAresError(() => DualAscentKlController.fromJSON({ ...state, updates: 1.5 }), 'INVALID_STATE', 'state.updates');
    expectAresError(
      () => DualAscentKlController.fromJSON({ ...state, coefficients: { ...state.coefficients, hard: 1000 } }),
      'INVALID_STATE',
      'state.coefficients.hard',
    );
    const { easy: _easy, ...partial } = state.coefficients;
    expectAresError(() => DualAscentKlController.fromJSON({ ...state, coefficients: partial } as never), 'INVALID_STATE', 'state.coefficients.easy');
    expectAresError(
      () => DualAscentKlController.fromJSON({ ...state, options: { ...state.options, learningRate: '0.05' } } as never),
      'INVALID_STATE',
      'state.options.learningRate',
    );
    const { targets: _targets, ...noTargets } = state.options;
    expectAresError(() => DualAscentKlController.fromJSON({ ...state, options: noTargets } as never), 'INVALID_STATE', 'state.options.targets');
  });
});
