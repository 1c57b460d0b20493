import { AresError, assertOneOf } from '@ares/core';
import { DualAscentKlController, type DualAscentKlControllerOptions } from './dual-ascent-kl-controller';
import { FixedKlController, type FixedKlControllerOptions } from './fixed-kl-controller';
import { KL_CONTROLLER_KINDS, type KlController, type KlControllerKind, type KlControllerState } from './kl-controller';
import { ReleasedKlController, type ReleasedKlControllerOptions } from './released-kl-controller';
import { ZieglerKlController, type ZieglerKlControllerOptions } from './ziegler-kl-controller';
import { checkObject } from './validate';

/** The options type of each controller kind. */
export interface KlControllerOptionsByKind {
  'dual-ascent': DualAscentKlControllerOptions;
  released: ReleasedKlControllerOptions;
  fixed: FixedKlControllerOptions;
  ziegler: ZieglerKlControllerOptions;
}

/** The class of each controller kind. */
export interface KlControllerByKind {
  'dual-ascent': DualAscentKlController;
  released: ReleasedKlController;
  fixed: FixedKlController;
  ziegler: ZieglerKlController;
}

/**
 * Creates a KL controller by kind name (for configuration files and command lines).
 *
 * @param kind - `'dual-ascent'` (DEFAULT, the paper), `'released'`, `'fixed'` or `'ziegler'`
 * @param options - the options of that kind's class
 * @returns a new controller in its initial state
 * @throws {AresError} `UNSUPPORTED` for an unknown kind; `INVALID_ARGUMENT` for bad options (as the constructor)
 * @example
 * ```ts
 * const controller = createKlController('dual-ascent', { learningRate: 0.1 });
 * ```
 * @see SPEC.md §2.4 (Controllers)
 */
export function createKlController<Kind extends KlControllerKind = 'dual-ascent'>(
  kind: Kind = 'dual-ascent' as Kind,
  options: KlControllerOptionsByKind[Kind] = {},
): KlControllerByKind[Kind] {
  assertOneOf(kind, KL_CONTROLLER_KINDS, 'kind');
  switch (kind as KlControllerKind) {
    case 'dual-ascent':
      return new DualAscentKlController(options as DualAscentKlControllerOptions) as KlControllerByKind[Kind];
    case 'released':
      return new ReleasedKlController(options as ReleasedKlControllerOptions) as KlControllerByKind[Kind];
    case 'fixed':
      return new FixedKlController(options as FixedKlControllerOptions) as KlControllerByKind[Kind];
    case 'ziegler':
      return new ZieglerKlController(options as ZieglerKlControllerOptions) as KlControllerByKind[Kind];
  }
}

/**
 * Rebuilds any controller from its `toJSON()` state, dispatching on `state.kind`.
 *
 * @param state - a {@link KlControllerState}, e.g. parsed from a checkpoint
 * @returns the controller, in exactly the serialised state
 * @throws {AresError} `INVALID_STATE` (naming the field) when the state is malformed or of an unknown kind
 * @example
 * ```ts
 * const restored = klControllerFromJSON(JSON.parse(JSON.stringify(controller)));
 * ```
 * @see SPEC.md §2.4 (Controllers: `toJSON`/`fromJSON`)
 */
export function klControllerFromJSON(state: KlControllerState): KlController {
  const kind = checkObject(state, 'state', 'INVALID_STATE')['kind'];
  switch (kind) {
    case 'dual-ascent':
      return DualAscentKlController.fromJSON(state as never);
    case 'released':
      return ReleasedKlController.fromJSON(state as never);
    case 'fixed':
      return FixedKlController.fromJSON(state as never);
    case 'ziegler':
      return ZieglerKlController.fromJSON(state as never);
    default:
      throw new AresError({
        code: 'INVALID_STATE',
        parameter: 'state.kind',
        value: kind,
        message: `state.kind: unknown controller kind ${JSON.stringify(kind)}`,
      });
  }
}
