import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import {
  createKlController,
  DualAscentKlController,
  FixedKlController,
  KL_CONTROLLER_KINDS,
  klControllerFromJSON,
  ReleasedKlController,
  ZieglerKlController,
} from './index';

describe('createKlController', () => {
  it('creates each kind with its options, dual-ascent by default', () => {
    expect(createKlController()).toBeInstanceOf(DualAscentKlController);
    expect(createKlController('dual-ascent', { initialCoefficient: 2 }).coefficient('easy')).toBe(2);
    expect(createKlController('released')).toBeInstanceOf(ReleasedKlController);
    expect(createKlController('fixed', { coefficients: { easy: 0.3 } }).coefficient('easy')).toBe(0.3);
    expect(createKlController('ziegler')).toBeInstanceOf(ZieglerKlController);
    expect(KL_CONTROLLER_KINDS.map((kind) => createKlController(kind).kind)).toEqual([...KL_CONTROLLER_KINDS]);
  });

  it('throws UNSUPPORTED for an unknown kind and INVALID_ARGUMENT for bad options', () => {
    expectAresError(() => createKlController('pid' as never), 'UNSUPPORTED', 'kind');
    expectAresError(() => createKlController('fixed', { coefficients: { easy: Number.NaN } }), 'INVALID_ARGUMENT', 'options.coefficients.easy');
  });
});

describe('klControllerFromJSON', () => {
  it('restores every kind from its JSON state', () => {
    for (const kind of KL_CONTROLLER_KINDS) {
      const controller = createKlController(kind);
      controller.update({ hard: 0.04 }, { steps: 8 });
      const restored = klControllerFromJSON(JSON.parse(JSON.stringify(controller)));
      expect(restored).toBeInstanceOf(controller.constructor);
      expect(restored.toJSON()).toEqual(controller.toJSON());
    }
    expect(klControllerFromJSON(new FixedKlController().toJSON())).toBeInstanceOf(FixedKlController);
  });

  it('throws INVALID_STATE for an unknown kind or a non-object', () => {
    expectAresError(() => klControllerFromJSON({ kind: 'pid', version: 1 } as never), 'INVALID_STATE', 'state.kind');
    expectAresError(() => klControllerFromJSON('state' as never), 'INVALID_STATE', 'state');
  });
});
