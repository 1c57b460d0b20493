import { AresError, assertInteger, neumaierSum } from '@ares/core';
import { median, quantile } from '@ares/entropy';
import type { ItemCounts } from './pass-at-k';

function toBinary(value: boolean | number, parameter: string): number {
  if (value === true || value === 1) return 1;
  if (value === false || value === 0) return 0;
  throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value, message: `${parameter}: expected a boolean or 0/1, got ${String(value)}` });
}

/**
 * Accuracy: the fraction of correct verdicts.
 *
 * accuracy = (1/N)·Σ_i 1[correct_i]
 *
 * @param correct - one verdict per sample (boolean or 0/1)
 * @returns a number in [0, 1]
 * @throws {AresError} `EMPTY_INPUT` for no verdicts; `INVALID_ARGUMENT` for a value other than a boolean, 0 or 1
 * @example
 * ```ts
 * accuracy([true, false, true, true]) // 0.75
 * ```
 * @see SPEC.md §5.4
 */
export function accuracy(correct: ArrayLike<boolean | number>): number {
  if (correct.length === 0) throw new AresError({ code: 'EMPTY_INPUT', parameter: 'correct', value: correct, message: 'correct: must not be empty' });
  let count = 0;
  for (let index = 0; index < correct.length; index++) count += toBinary(correct[index]!, `correct[${index}]`);
  return count / correct.length;
}

/**
 * avg@k: the mean over items of the fraction of an item's k samples that are correct; pass@1 estimated from n
 * samples is avg@n.
 *
 * avg@k = (1/M)·Σ_m c_m / n_m
 *
 * @param items - per-item sample and correct counts
 * @returns a number in [0, 1]
 * @throws {AresError} `EMPTY_INPUT` for no items; `INVALID_ARGUMENT` when a count is not an integer, samples < 1
 *   or correct ∉ [0, samples]
 * @example
 * ```ts
 * averageAtK([{ samples: 4, correct: 1 }, { samples: 4, correct: 3 }]) // 0.5
 * ```
 * @see SPEC.md §5.4 (avg@k)
 */
export function averageAtK(items: readonly ItemCounts[]): number {
  if (items.length === 0) throw new AresError({ code: 'EMPTY_INPUT', parameter: 'items', value: items, message: 'items: must not be empty' });
  const fractions = new Float64Array(items.length);
  items.forEach((item, index) => {
    assertInteger(item.samples, `items[${index}].samples`, 1);
    assertInteger(item.correct, `items[${index}].correct`, 0);
    if (item.correct > item.samples) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `items[${index}].correct`, value: item.correct, message: `items[${index}].correct: exceeds samples` });
    }
    fractions[index] = item.correct / item.samples;
  });
  return neumaierSum(fractions) / items.length;
}

/** Result of {@link worstCaseAccuracy}. */
export interface WorstCaseAccuracy {
  /** Fraction of seed questions whose variants are all correct (DynaMath worst case). */
  readonly worstCase: number;
  /** Fraction of correct variants over all variants (average case). */
  readonly averageCase: number;
  /** Number of seed questions. */
  readonly seeds: number;
  /** Number of variants. */
  readonly variants: number;
}

/**
 * DynaMath-style worst-case accuracy: a seed question counts as correct only if every one of its variants is.
 *
 * worst = (1/S)·Σ_s Π_{v∈s} 1[correct_v]; average = (1/V)·Σ_v 1[correct_v]
 *
 * @param records - one verdict per variant with the id of its seed question
 * @returns worst-case and average-case accuracy with the seed and variant counts
 * @throws {AresError} `EMPTY_INPUT` for no records; `INVALID_ARGUMENT` for a verdict that is not boolean/0/1
 * @example
 * ```ts
 * worstCaseAccuracy([{ seed: 'q1', correct: true }, { seed: 'q1', correct: false }, { seed: 'q2', correct: true }])
 * // { worstCase: 0.5, averageCase: 0.666…, seeds: 2, variants: 3 }
 * ```
 * @see SPEC.md §5.1 (DynaMath), §5.4
 */
export function worstCaseAccuracy(records: readonly { readonly seed: string | number; readonly correct: boolean | number }[]): WorstCaseAccuracy {
  if (records.length === 0) throw new AresError({ code: 'EMPTY_INPUT', parameter: 'records', value: records, message: 'records: must not be empty' });
  const allCorrect = new Map<string, boolean>();
  let correctVariants = 0;
  records.forEach((record, index) => {
    const value = toBinary(record.correct, `records[${index}].correct`);
    correctVariants += value;
    const key = String(record.seed);
    allCorrect.set(key, (allCorrect.get(key) ?? true) && value === 1);
  });
  let correctSeeds = 0;
  for (const value of allCorrect.values()) if (value) correctSeeds++;
  return { worstCase: correctSeeds / allCorrect.size, averageCase: correctVariants / records.length, seeds: allCorrect.size, variants: records.length };
}

/** Summary statistics of response lengths, from {@link lengthStatistics}. */
export interface LengthStatistics {
  /** Number of responses. */
  readonly count: number;
  /** Mean length (NaN when count = 0). */
  readonly mean: number;
  /** Median (numpy `median`; NaN when count = 0). */
  readonly median: number;
  /** 90th percentile (numpy `linear`; NaN when count = 0). */
  readonly p90: number;
  /** Shortest (NaN when count = 0). */
  readonly min: number;
  /** Longest (NaN when count = 0). */
  readonly max: number;
}

/**
 * Mean, median, 90th percentile, minimum and maximum of response lengths (in tokens).
 *
 * @param lengths - one length per response, finite and ≥ 0
 * @returns the statistics; every statistic is NaN for an empty input (reports show "–"), and NaN lengths
 *   propagate
 * @throws {AresError} `INVALID_ARGUMENT` for a negative length
 * @remarks
 * ## Numerics
 * Mean by Neumaier summation; median and p90 follow numpy (`np.median`, `np.quantile(…, 0.9)` linear), through
 * `@ares/entropy`'s `median` and `quantile`.
 * @example
 * ```ts
 * lengthStatistics([100, 200, 300, 400]) // { count: 4, mean: 250, median: 250, p90: 370, min: 100, max: 400 }
 * ```
 * @see SPEC.md §5.4 (Length)
 */
export function lengthStatistics(lengths: ArrayLike<number>): LengthStatistics {
  const count = lengths.length;
  if (count === 0) return { count: 0, mean: Number.NaN, median: Number.NaN, p90: Number.NaN, min: Number.NaN, max: Number.NaN };
  const values = Float64Array.from(lengths);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count; index++) {
    const value = values[index]!;
    if (value < 0) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `lengths[${index}]`, value, message: `lengths[${index}]: negative length ${value}` });
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (values.some(Number.isNaN)) min = max = Number.NaN;
  return { count, mean: neumaierSum(values) / count, median: median(values), p90: quantile(values, 0.9), min, max };
}

/**
 * Tokens per correct answer: all response tokens (correct and wrong) divided by the number of correct responses.
 *
 * @param totalTokens - response tokens over all responses, ≥ 0
 * @param correctCount - correct responses, an integer ≥ 0
 * @returns the ratio, or `null` when no response is correct
 * @throws {AresError} `INVALID_ARGUMENT` for a negative or non-finite token total or a bad count
 * @example
 * ```ts
 * tokensPerCorrect(12_000, 8) // 1500
 * tokensPerCorrect(12_000, 0) // null
 * ```
 * @see SPEC.md §5.4
 */
export function tokensPerCorrect(totalTokens: number, correctCount: number): number | null {
  if (!Number.isFinite(totalTokens) || totalTokens < 0) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'totalTokens', value: totalTokens, message: 'totalTokens: expected a finite number ≥ 0' });
  }
  assertInteger(correctCount, 'correctCount', 0);
  return correctCount === 0 ? null : totalTokens / correctCount;
}
