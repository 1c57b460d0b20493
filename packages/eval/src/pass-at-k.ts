import { AresError, assertInteger } from '@ares/core';

/**
 * The unbiased pass@k estimator for one item: the probability that at least one of k samples drawn without
 * replacement from n generated samples, c of them correct, is correct.
 *
 * pass@k = 1 − C(n − c, k) / C(n, k) = 1 − Π_{i=n−c+1}^{n} (1 − k/i), and 1 when n − c < k.
 *
 * @param n - samples generated for the item, an integer ≥ 1
 * @param c - correct samples, an integer in [0, n]
 * @param k - samples drawn, an integer in [1, n]
 * @returns pass@k in [0, 1]
 * @throws {AresError} `INVALID_ARGUMENT` for non-integers, n < 1, c ∉ [0, n] or k ∉ [1, n]
 * @remarks
 * ## Numerics
 * The product form (Chen et al. 2021) never forms a binomial coefficient, so it neither overflows nor loses
 * precision for large n; c factors, each in [0, 1].
 * @example
 * ```ts
 * passAtK(10, 3, 1) // 0.3
 * passAtK(10, 3, 5) // 1 − C(7,5)/C(10,5) = 1 − 21/252 ≈ 0.9167
 * ```
 * @see SPEC.md §5.4 (pass@k), §3 (validation codes); Chen et al., *Evaluating Large Language Models Trained on
 *   Code*, 2021
 */
export function passAtK(n: number, c: number, k: number): number {
  assertInteger(n, 'n', 1);
  assertInteger(c, 'c', 0);
  assertInteger(k, 'k', 1);
  if (c > n) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'c', value: c, message: `c: ${c} correct out of n = ${n} samples` });
  if (k > n) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'k', value: k, message: `k: ${k} exceeds n = ${n} samples` });
  if (n - c < k) return 1;
  let product = 1;
  for (let i = n - c + 1; i <= n; i++) product *= 1 - k / i;
  return 1 - product;
}

/** Samples and correct samples of one item. */
export interface ItemCounts {
  /** Samples generated, n ≥ 1. */
  readonly samples: number;
  /** Correct samples, c ∈ [0, n]. */
  readonly correct: number;
}

/**
 * pass@k averaged over items (each item with its own n and c).
 *
 * @param items - per-item counts; every item needs n ≥ k
 * @param k - samples drawn, an integer ≥ 1
 * @returns the mean of {@link passAtK} over items
 * @throws {AresError} `EMPTY_INPUT` for no items; `INVALID_ARGUMENT` as {@link passAtK} (named `items[i].…`)
 * @example
 * ```ts
 * meanPassAtK([{ samples: 4, correct: 0 }, { samples: 4, correct: 4 }], 2) // 0.5
 * ```
 * @see SPEC.md §5.4
 */
export function meanPassAtK(items: readonly ItemCounts[], k: number): number {
  if (items.length === 0) throw new AresError({ code: 'EMPTY_INPUT', parameter: 'items', value: items, message: 'items: must not be empty' });
  let sum = 0;
  items.forEach((item, index) => {
    try {
      sum += passAtK(item.samples, item.correct, k);
    } catch (error) {
      if (AresError.isInstance(error) && error.parameter !== 'k') {
        throw new AresError({ code: error.code, parameter: `items[${index}].${error.parameter === 'n' ? 'samples' : 'correct'}`, value: error.value, message: error.message, cause: error });
      }
      throw error;
    }
  });
  return sum / items.length;
}
