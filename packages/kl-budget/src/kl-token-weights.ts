import type { DifficultyBucket } from '@ares/core';
import { checkBucketRecord, checkNumber, validateTokenRows } from './validate';

/** Options of {@link klTokenWeights}. */
export interface KlTokenWeightsOptions {
  /**
   * ρ ∈ (0, 1], the relaxation factor inside high-window-entropy windows; ρ = 1 disables the relaxation.
   * @default 0.5
   */
  readonly rho?: number;
  /**
   * Base weight β_d ≥ 0 per bucket; missing buckets keep the default.
   * @default { easy: 1, medium: 1, hard: 1 }
   */
  readonly base?: Readonly<Partial<Record<DifficultyBucket, number>>>;
}

/** Defaults of {@link KlTokenWeightsOptions}: ρ = 0.5, β_d = 1 for every bucket. */
export const DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS: Readonly<{ rho: number; base: Readonly<Record<DifficultyBucket, number>> }> =
  Object.freeze({ rho: 0.5, base: Object.freeze({ easy: 1, medium: 1, hard: 1 }) });

/**
 * Resolves and checks ρ and β_d (`INVALID_ARGUMENT` naming `options.rho` / `options.base.<bucket>`).
 * @internal
 */
export function resolveTokenWeightOptions(options: KlTokenWeightsOptions): { rho: number; base: Record<DifficultyBucket, number> } {
  const rho = checkNumber(options.rho ?? DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS.rho, 'options.rho', { min: 0, lowerOpen: true, max: 1 }, 'INVALID_ARGUMENT');
  const base = checkBucketRecord(options.base, DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS.base, 'options.base', { min: 0 }, 'INVALID_ARGUMENT');
  return { rho, base };
}

/**
 * Per-token KL weights that relax the KL penalty inside high-window-entropy (HWE) windows.
 *
 * β_{i,t} = β_{d(i)}·ρ^{m_{i,t}}: β_d outside windows and ρ·β_d inside them (paper eq. 1, App. F).
 *
 * @param windowMask - row-major 0/1 HWE mask m (`start` coverage), `rows × columns`
 * @param buckets - the difficulty bucket d(i) of each row; length `windowMask.length / columns`
 * @param columns - tokens per row; a positive integer
 * @param options - `rho` (default 0.5) and `base` (default β_d = 1)
 * @returns a new `Float64Array` of weights, one per token (padding positions get their row's weight too; the loss
 *   masks them)
 * @throws {AresError} `INVALID_ARGUMENT` when `columns` is not a positive integer, `windowMask` holds a value other
 *   than 0/1, a bucket is unknown, `options.rho` ∉ (0, 1] or a base weight is negative or non-finite;
 *   `SHAPE_MISMATCH` when `windowMask.length` is not a multiple of `columns` or `buckets` has the wrong length
 * @remarks
 * ## Numerics
 * Exact: each weight is β_d or the single product ρ·β_d, no accumulation.
 * @example
 * ```ts
 * klTokenWeights([0, 1, 1, 0], ['easy', 'hard'], 2, { base: { hard: 2 } }) // Float64Array [1, 0.5, 1, 2]
 * ```
 * @see SPEC.md §2.4 (Token weights), §6.5 item 27; paper eq. 1 and App. F
 */
export function klTokenWeights(
  windowMask: ArrayLike<number>,
  buckets: ArrayLike<DifficultyBucket>,
  columns: number,
  options: KlTokenWeightsOptions = {},
): Float64Array {
  const rows = validateTokenRows(undefined, '', windowMask, 'windowMask', buckets, columns);
  const { rho, base } = resolveTokenWeightOptions(options);
  const out = new Float64Array(windowMask.length);
  for (let row = 0; row < rows; row++) {
    const outside = base[buckets[row]!];
    const inside = rho * outside;
    const start = row * columns;
    for (let index = start; index < start + columns; index++) out[index] = windowMask[index] === 1 ? inside : outside;
  }
  return out;
}
