import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { type GradedSample, summarizeEvaluation } from './summarize-evaluation';

function samples(benchmark: string, itemId: string, outcomes: readonly boolean[], tokens: readonly number[], extra: Partial<GradedSample> = {}): GradedSample[] {
  return outcomes.map((correct, index) => ({ benchmark, itemId, correct, tokens: tokens[index]!, ...extra }));
}

describe('summarizeEvaluation', () => {
  const data = [
    ...samples('aime25', 'a1', [true, true, true, true], [100, 200, 300, 400]),
    ...samples('aime25', 'a2', [false, false, true, false], [1000, 1000, 800, 1200], { hweCount: 3 }),
    ...samples('aime25', 'a3', [false, false, false, false], [50, 60, 70, 80], { timedOut: false, answered: false }),
    ...samples('gsm8k', 'g1', [true], [90], { difficulty: 'medium' }),
    ...samples('gsm8k', 'g2', [false], [110], { difficulty: 0.9, timedOut: true }),
  ];
  const summary = summarizeEvaluation(data);

  it('reports accuracy, avg@k and unbiased pass@k per benchmark', () => {
    const aime = summary.benchmarks.find((entry) => entry.benchmark === 'aime25')!;
    expect(aime.items).toBe(3);
    expect(aime.samples).toBe(12);
    expect(aime.accuracy).toBe(5 / 12);
    expectAllClose([aime.averageAtK], [(1 + 0.25 + 0) / 3], FLOAT64);
    // pass@4 with n = 4: 1 for a1 and a2, 0 for a3.
    expect(aime.passAtK).toEqual({ '1': expect.closeTo((1 + 0.25 + 0) / 3, 12), '4': expect.closeTo(2 / 3, 12) });
    expect(aime.samplesPerItem).toEqual({ min: 4, max: 4 });
  });

  it('reports lengths by correctness and tokens per correct answer', () => {
    const aime = summary.benchmarks.find((entry) => entry.benchmark === 'aime25')!;
    expect(aime.length.correct.mean).toBe((100 + 200 + 300 + 400 + 800) / 5);
    expect(aime.length.wrong.count).toBe(7);
    const total = 1000 + 4000 + 260;
    expect(aime.tokensPerCorrect).toBe(total / 5);
    expect(aime.unanswered).toBe(4);
    expect(aime.meanHweCount).toBe(3);
  });

  it('buckets items by dataset difficulty, else by their own pass rate', () => {
    const aime = summary.benchmarks.find((entry) => entry.benchmark === 'aime25')!;
    // a1: 4/4 easy; a2: 1/4 hard; a3: 0/4 hard.
    expect(aime.buckets.map((bucket) => [bucket.bucket, bucket.items, bucket.fromDataset])).toEqual([
      ['easy', 1, 0],
      ['hard', 2, 0],
    ]);
    const gsm = summary.benchmarks.find((entry) => entry.benchmark === 'gsm8k')!;
    expect(gsm.buckets.map((bucket) => [bucket.bucket, bucket.items, bucket.fromDataset])).toEqual([
      ['easy', 1, 1],
      ['medium', 1, 1],
    ]);
    expect(gsm.timeouts).toBe(1);
  });

  it('returns null tokens per correct and skips pass@k beyond n', () => {
    const only = summarizeEvaluation(samples('math500', 'm', [false, false], [10, 20]), { passAtK: [1, 2, 3] });
    expect(only.overall.tokensPerCorrect).toBeNull();
    expect(Object.keys(only.benchmarks[0]!.passAtK)).toEqual(['1', '2']);
  });

  it('reports worst-case accuracy over variants', () => {
    const dyna = summarizeEvaluation([
      { benchmark: 'dynamath', itemId: 'q1-v1', variantOf: 'q1', correct: true, tokens: 1 },
      { benchmark: 'dynamath', itemId: 'q1-v2', variantOf: 'q1', correct: false, tokens: 1 },
      { benchmark: 'dynamath', itemId: 'q2-v1', variantOf: 'q2', correct: true, tokens: 1 },
    ]);
    expect(dyna.benchmarks[0]!.worstCase).toEqual({ worstCase: 0.5, averageCase: 2 / 3, seeds: 2, variants: 3 });
    expect(summary.benchmarks[0]!.worstCase).toBeNull();
  });

  it('throws on empty input, bad k and unknown bucket names', () => {
    expectAresError(() => summarizeEvaluation([]), 'EMPTY_INPUT', 'samples');
    expectAresError(() => summarizeEvaluation(data, { passAtK: [0] }), 'INVALID_ARGUMENT', 'options.passAtK[0]');
    expectAresError(() => summarizeEvaluation([{ benchmark: 'x', itemId: '1', correct: true, tokens: 1, difficulty: 'trivial' as never }]), 'INVALID_ARGUMENT', 'samples[0].difficulty');
  });
});
