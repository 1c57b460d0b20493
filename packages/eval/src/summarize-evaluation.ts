import { AresError, DIFFICULTY_BUCKETS, type DifficultyBucket, isDifficultyBucket } from '@ares/core';
import { bucketOf } from '@ares/difficulty';
import { type LengthStatistics, lengthStatistics, tokensPerCorrect, type WorstCaseAccuracy, worstCaseAccuracy } from './metrics';
import { meanPassAtK } from './pass-at-k';

/** The graded outcome of one sample, as {@link summarizeEvaluation} reads it. */
export interface GradedSample {
  /** Item id. */
  readonly itemId: string;
  /** Benchmark name. */
  readonly benchmark: string;
  /** True when the answer was judged equivalent. */
  readonly correct: boolean;
  /** Response length in tokens. */
  readonly tokens: number;
  /** True when the grader ran out of time (counted, and not correct). */
  readonly timedOut?: boolean;
  /** False when no answer could be extracted (counted). */
  readonly answered?: boolean;
  /** HWE count N_HE of the response, when per-token entropies exist. */
  readonly hweCount?: number | null;
  /** The item's difficulty from the dataset: a bucket or a pass rate in [0, 1]. */
  readonly difficulty?: DifficultyBucket | number | null;
  /** Seed question of a variant (DynaMath); enables worst-case accuracy. */
  readonly variantOf?: string | null;
}

/** Options of {@link summarizeEvaluation}. */
export interface SummarizeEvaluationOptions {
  /** The k of pass@k to report (each only where every item of the benchmark has ≥ k samples). @default [1, 4, 8, 16] */
  readonly passAtK?: readonly number[];
}

/** Defaults of {@link SummarizeEvaluationOptions}. */
export const DEFAULT_SUMMARIZE_EVALUATION_OPTIONS: Readonly<{ passAtK: readonly number[] }> = Object.freeze({ passAtK: Object.freeze([1, 4, 8, 16]) });

/** Accuracy, length and efficiency of a group of samples. */
export interface GroupSummary {
  /** Distinct items. */
  readonly items: number;
  /** Samples (responses). */
  readonly samples: number;
  /** Correct samples. */
  readonly correct: number;
  /** correct / samples. */
  readonly accuracy: number;
  /** Grader timeouts (each counted as wrong). */
  readonly timeouts: number;
  /** Responses without an extractable answer. */
  readonly unanswered: number;
  /** Length statistics of all, correct and wrong responses. */
  readonly length: { readonly all: LengthStatistics; readonly correct: LengthStatistics; readonly wrong: LengthStatistics };
  /** All response tokens ÷ correct responses; `null` if none is correct. */
  readonly tokensPerCorrect: number | null;
  /** Mean N_HE over responses with entropies; `null` when none has them. */
  readonly meanHweCount: number | null;
}

/** One difficulty bucket of a benchmark. */
export interface BucketSummary extends GroupSummary {
  readonly bucket: DifficultyBucket;
  /** Items whose bucket came from the dataset's `difficulty` (the rest from their own pass rate c/n). */
  readonly fromDataset: number;
}

/** One benchmark. */
export interface BenchmarkSummary extends GroupSummary {
  readonly benchmark: string;
  /** avg@k: mean over items of c/n (= pass@1 estimated from all samples). */
  readonly averageAtK: number;
  /** Smallest and largest number of samples per item. */
  readonly samplesPerItem: { readonly min: number; readonly max: number };
  /** Unbiased pass@k for each reported k, keyed by k. */
  readonly passAtK: Readonly<Record<string, number>>;
  /** Worst-case accuracy over variants, when items carry `variantOf`. */
  readonly worstCase: WorstCaseAccuracy | null;
  /** Per difficulty bucket, in easy, medium, hard order (empty buckets omitted). */
  readonly buckets: readonly BucketSummary[];
}

/** Result of {@link summarizeEvaluation}. */
export interface EvaluationSummary {
  /** All benchmarks together. */
  readonly overall: GroupSummary;
  /** Per difficulty bucket over all benchmarks. */
  readonly buckets: readonly BucketSummary[];
  /** Per benchmark, by name. */
  readonly benchmarks: readonly BenchmarkSummary[];
}

function summarizeGroup(samples: readonly GradedSample[]): GroupSummary {
  const items = new Set(samples.map((sample) => `${sample.benchmark}\u0000${sample.itemId}`)).size;
  let correct = 0;
  let timeouts = 0;
  let unanswered = 0;
  let totalTokens = 0;
  let hweSum = 0;
  let hweCount = 0;
  const all: number[] = [];
  const right: number[] = [];
  const wrong: number[] = [];
  for (const sample of samples) {
    if (sample.correct) correct++;
    if (sample.timedOut === true) timeouts++;
    if (sample.answered === false) unanswered++;
    totalTokens += sample.tokens;
    all.push(sample.tokens);
    (sample.correct ? right : wrong).push(sample.tokens);
    if (typeof sample.hweCount === 'number') {
      hweSum += sample.hweCount;
      hweCount++;
    }
  }
  return {
    items,
    samples: samples.length,
    correct,
    accuracy: samples.length === 0 ? Number.NaN : correct / samples.length,
    timeouts,
    unanswered,
    length: { all: lengthStatistics(all), correct: lengthStatistics(right), wrong: lengthStatistics(wrong) },
    tokensPerCorrect: tokensPerCorrect(totalTokens, correct),
    meanHweCount: hweCount === 0 ? null : hweSum / hweCount,
  };
}

function itemBucket(samples: readonly GradedSample[], index: number): { bucket: DifficultyBucket; fromDataset: boolean } {
  const difficulty = samples[0]!.difficulty;
  if (typeof difficulty === 'string') {
    if (!isDifficultyBucket(difficulty)) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `samples[${index}].difficulty`, value: difficulty, message: `samples[${index}].difficulty: not a bucket name` });
    }
    return { bucket: difficulty, fromDataset: true };
  }
  if (typeof difficulty === 'number') return { bucket: bucketOf(difficulty), fromDataset: true };
  const correct = samples.filter((sample) => sample.correct).length;
  return { bucket: bucketOf(correct / samples.length), fromDataset: false };
}

function summarizeBuckets(byItem: ReadonlyMap<string, GradedSample[]>): BucketSummary[] {
  const groups = new Map<DifficultyBucket, { samples: GradedSample[]; fromDataset: number }>();
  let index = 0;
  for (const samples of byItem.values()) {
    const { bucket, fromDataset } = itemBucket(samples, index++);
    const group = groups.get(bucket) ?? { samples: [], fromDataset: 0 };
    group.samples.push(...samples);
    if (fromDataset) group.fromDataset++;
    groups.set(bucket, group);
  }
  return DIFFICULTY_BUCKETS.filter((bucket) => groups.has(bucket)).map((bucket) => ({
    bucket,
    fromDataset: groups.get(bucket)!.fromDataset,
    ...summarizeGroup(groups.get(bucket)!.samples),
  }));
}

/**
 * The difficulty bucket of every item (keyed `benchmark + "\u0000" + itemId`), as {@link summarizeEvaluation}
 * assigns it.
 * @internal
 */
export function bucketsOfItems(samples: readonly GradedSample[]): Map<string, DifficultyBucket> {
  const buckets = new Map<string, DifficultyBucket>();
  let index = 0;
  for (const [key, list] of groupByItem(samples)) buckets.set(key, itemBucket(list, index++).bucket);
  return buckets;
}

function groupByItem(samples: readonly GradedSample[]): Map<string, GradedSample[]> {
  const byItem = new Map<string, GradedSample[]>();
  for (const sample of samples) {
    const key = `${sample.benchmark}\u0000${sample.itemId}`;
    const list = byItem.get(key);
    if (list === undefined) byItem.set(key, [sample]);
    else list.push(sample);
  }
  return byItem;
}

/**
 * The SPEC §5.4 tables: accuracy, avg@k, pass@k, worst-case accuracy over variants, response length statistics
 * (all / correct / wrong), tokens per correct answer and mean N_HE, per benchmark and per difficulty bucket.
 *
 * An item's bucket is `bucketOf(difficulty)` when the dataset gives a pass rate, the given bucket when it gives a
 * name, and otherwise `bucketOf(c/n)` from the item's own samples (with n = 1 only easy and hard occur).
 *
 * @param samples - graded samples (any order; several per item for pass@k)
 * @param options - `passAtK` (default [1, 4, 8, 16])
 * @returns overall, per-bucket and per-benchmark summaries
 * @throws {AresError} `EMPTY_INPUT` for no samples; `INVALID_ARGUMENT` for a pass@k value that is not an
 *   integer ≥ 1, a negative length or an unknown bucket name
 * @remarks
 * ## Numerics
 * Means by plain float64 summation over at most millions of samples; medians and p90 follow numpy.
 * @example
 * ```ts
 * const summary = summarizeEvaluation([{ itemId: '1', benchmark: 'gsm8k', correct: true, tokens: 120 }])
 * summary.benchmarks[0].accuracy // 1
 * ```
 * @see SPEC.md §5.4
 */
export function summarizeEvaluation(samples: readonly GradedSample[], options: SummarizeEvaluationOptions = {}): EvaluationSummary {
  if (samples.length === 0) throw new AresError({ code: 'EMPTY_INPUT', parameter: 'samples', value: samples, message: 'samples: must not be empty' });
  const ks = options.passAtK ?? DEFAULT_SUMMARIZE_EVALUATION_OPTIONS.passAtK;
  ks.forEach((k, index) => {
    if (!Number.isInteger(k) || k < 1) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `options.passAtK[${index}]`, value: k, message: 'options.passAtK: expected integers ≥ 1' });
  });
  const benchmarks = [...new Set(samples.map((sample) => sample.benchmark))].sort();
  return {
    overall: summarizeGroup(samples),
    buckets: summarizeBuckets(groupByItem(samples)),
    benchmarks: benchmarks.map((benchmark) => {
      const own = samples.filter((sample) => sample.benchmark === benchmark);
      const byItem = groupByItem(own);
      const counts = [...byItem.values()].map((list) => ({ samples: list.length, correct: list.filter((sample) => sample.correct).length }));
      const minimum = Math.min(...counts.map((count) => count.samples));
      const maximum = Math.max(...counts.map((count) => count.samples));
      const passAtK: Record<string, number> = {};
      for (const k of ks) if (k <= minimum) passAtK[String(k)] = meanPassAtK(counts, k);
      const variants = own.filter((sample) => typeof sample.variantOf === 'string' && sample.variantOf.length > 0);
      return {
        benchmark,
        ...summarizeGroup(own),
        averageAtK: counts.reduce((sum, count) => sum + count.correct / count.samples, 0) / counts.length,
        samplesPerItem: { min: minimum, max: maximum },
        passAtK,
        worstCase: variants.length === 0 ? null : worstCaseAccuracy(own.map((sample) => ({ seed: sample.variantOf ?? sample.itemId, correct: sample.correct }))),
        buckets: summarizeBuckets(byItem),
      };
    }),
  };
}
