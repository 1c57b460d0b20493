import { assertBinaryMask, assertMultipleOf, assertSameLength } from '@ares/core';
import {  } from './internal';

/**
 * Broadcasts one advantage per sequence to its tokens: A[i, t] = a_i·M[i, t].
 *
 * @param advantages - one advantage per row (e.g. from `groupAdvantages`)
 * @param mask - 0/1 response mask, row-major `rows × columns` with rows = `advantages.length`
 * @param columns - tokens per row; a positive integer
 * @returns a new `Float64Array` of `mask.length` per-token advantages
 * @throws {AresError} `INVALID_ARGUMENT` when `columns` is not a positive integer or a mask value is not 0/1;
 *   `SHAPE_MISMATCH` when `mask.length` is not a multiple of `columns` or `advantages.length` differs from the
 *   number of rows
 * @remarks
 * ## Numerics
 * A plain product, as verl's `scores.unsqueeze(-1) * response_mask`: a NaN or ±Infinity advantage gives NaN at
 * the row's masked-out positions too (NaN·0 = ∞·0 = NaN), and a negative advantage gives −0 there.
 * @example
 * ```ts
 * tokenAdvantages([2, -1], [1, 1, 0, 1, 0, 0], 3) // [2, 2, 0, −1, −0, −0]
 * ```
 * @see SPEC.md §2.5 (tokenAdvantages); verl `core_algos.compute_grpo_outcome_advantage`
 */
export function tokenAdvantages(advantages: ArrayLike<number>, mask: ArrayLike<number>, columns: number): Float64Array {
  assertMultipleOf(mask.length, columns, 'mask', 'columns');
  assertSameLength(advantages.length, mask.length / columns, 'advantages', 'mask rows');
  assertBinaryMask(mask, 'mask');
  const out = new Float64Array(mask.length);
  for (let row = 0; row < advantages.length; row++) {
    const advantage = advantages[row]!;
    const start = row * columns;
    for (let index = start; index < start + columns; index++) out[index] = advantage * mask[index]!;
  }
  return out;
}
