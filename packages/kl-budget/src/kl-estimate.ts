import { AresError, assertSameLength } from '@ares/core';
import { checkBoolean } from './validate';

/** The base KL estimator names of verl `kl_penalty`, aliases included (`kl` = `k1`, `mse` = `k2`, `low_var_kl` = `k3`). */
export type KlEstimatorBase = 'k1' | 'kl' | 'abs' | 'k2' | 'mse' | 'k3' | 'low_var_kl';

/**
 * A KL estimator name: a base name, or a base name with a `+` suffix (`k3+`), which has the same value and the k2
 * gradient (straight-through; it matters only in `@ares/kl-budget/tf`).
 */
export type KlEstimator = KlEstimatorBase | `${KlEstimatorBase}+`;

/** Every accepted estimator name, in the order of SPEC §2.4 (base names, then the `+` variants). */
export const KL_ESTIMATORS: readonly KlEstimator[] = Object.freeze([
  'k1',
  'kl',
  'abs',
  'k2',
  'mse',
  'k3',
  'low_var_kl',
  'k1+',
  'kl+',
  'abs+',
  'k2+',
  'mse+',
  'k3+',
  'low_var_kl+',
] as const);

/** Options of {@link klEstimate}. */
export interface KlEstimateOptions {
  /**
   * Apply verl's k3 clamps (δ to [−20, 20], the value to [−10, 10]). `false` gives TRL GRPOTrainer's unclamped k3,
   * e^δ − δ − 1, which differs for δ ≥ 2.611 or δ ≤ −11.0. Other estimators ignore it.
   * @default true
   */
  readonly clamp?: boolean;
}

/** Defaults of {@link KlEstimateOptions}. */
export const DEFAULT_KL_ESTIMATE_OPTIONS: Readonly<Required<KlEstimateOptions>> = Object.freeze({ clamp: true });

/** The canonical kernel behind an estimator name. @internal */
export type KlKernel = 'k1' | 'abs' | 'k2' | 'k3';

/**
 * Resolves an estimator name to its kernel and straight-through flag; unknown names throw `UNSUPPORTED`.
 * @internal
 */
export function parseEstimator(estimator: unknown): { kernel: KlKernel; straightThrough: boolean } {
  if (typeof estimator === 'string') {
    const straightThrough = estimator.endsWith('+');
    const base = straightThrough ? estimator.slice(0, -1) : estimator;
    const kernel = KERNELS[base];
    if (kernel !== undefined) return { kernel, straightThrough };
  }
  throw new AresError({
    code: 'UNSUPPORTED',
    parameter: 'estimator',
    value: estimator,
    message: `estimator: unknown KL estimator ${JSON.stringify(estimator)}; expected one of ${KL_ESTIMATORS.join(', ')}`,
  });
}

const KERNELS: Readonly<Record<string, KlKernel>> = Object.freeze({
  k1: 'k1',
  kl: 'k1',
  abs: 'abs',
  k2: 'k2',
  mse: 'k2',
  k3: 'k3',
  low_var_kl: 'k3',
});

/** δ clamp of verl's k3 (`torch.clamp(ref − lp, −20, 20)`). @internal */
export const K3_DELTA_BOUND = 20;
/** Value clamp of verl's k3 (`torch.clamp(kld, −10, 10)`). @internal */
export const K3_VALUE_BOUND = 10;

/**
 * verl k3 of one δ = ref − lp, as e^δ − δ − 1 = expm1(δ) − δ (clamped as verl when `clamp`).
 * @internal
 */
export function k3Value(delta: number, clamp: boolean): number {
  if (!clamp) return Math.expm1(delta) - delta;
  const bounded = Math.min(Math.max(delta, -K3_DELTA_BOUND), K3_DELTA_BOUND);
  return Math.min(Math.max(Math.expm1(bounded) - bounded, -K3_VALUE_BOUND), K3_VALUE_BOUND);
}

/**
 * Per-token KL estimate between the policy and the reference policy, with verl `kl_penalty` semantics.
 *
 * With x = lp − ref and δ = ref − lp: k1 = x; abs = |x|; k2 = ½x²; k3 = clamp(e^{δ'} − δ' − 1, −10, 10) with
 * δ' = clamp(δ, −20, 20). Aliases: `kl` = k1, `mse` = k2, `low_var_kl` = k3; a `+` suffix gives the same value.
 *
 * @param logProbs - log π_θ(y_t) of the sampled tokens, in nats (any length)
 * @param refLogProbs - log π_ref(y_t) of the same tokens; the same length as `logProbs`
 * @param estimator - `'k1' | 'kl' | 'abs' | 'k2' | 'mse' | 'k3' | 'low_var_kl'`, optionally with a `+` suffix
 * @param options - `clamp` (default true; `false` gives TRL's unclamped k3)
 * @returns a new `Float64Array` with one estimate per token (empty for empty input)
 * @throws {AresError} `UNSUPPORTED` for an unknown estimator; `SHAPE_MISMATCH` when the lengths differ;
 *   `INVALID_ARGUMENT` when `options.clamp` is not a boolean
 * @remarks
 * ## Numerics
 * Element-wise in float64. k3 is evaluated as expm1(δ) − δ, which keeps full relative precision near δ = 0
 * where e^δ − δ − 1 cancels (k3 ≈ δ²/2). The upper clamp is active for δ ≥ 2.611 and δ ≤ −11.0, and the δ clamp
 * makes −∞ log-probabilities finite (lp = −∞ gives 10). NaN propagates; lp = ref = ±∞ gives NaN (∞ − ∞), as in
 * torch. E_{π_θ}[k1] = E_{π_θ}[k3] = KL(π_θ‖π_ref) where no clamp is active; k2, abs and k3 are ≥ 0.
 * The value of a `+` estimator is the base value; its straight-through k2 gradient exists only in `/tf`.
 * @example
 * ```ts
 * klEstimate([-1, -2], [-1.5, -1.5], 'k3') // Float64Array [e^−0.5 − 0.5, e^0.5 − 1.5] ≈ [0.1065, 0.1487]
 * ```
 * @see SPEC.md §2.4 (Estimators), §6.4 item 23; verl `core_algos.kl_penalty`; J. Schulman, *Approximating KL
 *   divergence* (2020)
 */
export function klEstimate(
  logProbs: ArrayLike<number>,
  refLogProbs: ArrayLike<number>,
  estimator: KlEstimator,
  options: KlEstimateOptions = {},
): Float64Array {
  const { kernel } = parseEstimator(estimator);
  assertSameLength(refLogProbs.length, logProbs.length, 'refLogProbs', 'logProbs');
  const clamp = checkBoolean(options.clamp ?? DEFAULT_KL_ESTIMATE_OPTIONS.clamp, 'options.clamp', 'INVALID_ARGUMENT');
  const length = logProbs.length;
  const out = new Float64Array(length);
  switch (kernel) {
    case 'k1':
      for (let index = 0; index < length; index++) out[index] = logProbs[index]! - refLogProbs[index]!;
      break;
    case 'abs':
      for (let index = 0; index < length; index++) out[index] = Math.abs(logProbs[index]! - refLogProbs[index]!);
      break;
    case 'k2':
      for (let index = 0; index < length; index++) {
        const difference = logProbs[index]! - refLogProbs[index]!;
        out[index] = 0.5 * difference * difference;
      }
      break;
    case 'k3':
      for (let index = 0; index < length; index++) out[index] = k3Value(refLogProbs[index]! - logProbs[index]!, clamp);
      break;
  }
  return out;
}
