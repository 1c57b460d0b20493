import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { accuracy, averageAtK, lengthStatistics, tokensPerCorrect, worstCaseAccuracy } from './metrics';

describe('accuracy', () => {
  it('is the fraction of correct verdicts, booleans or 0/1', () => {
    expect(accuracy([true, false, true, true])).toBe(0.75);
    expect(accuracy(new Uint8Array([1, 0]))).toBe(0.5);
  });

  it('throws EMPTY_INPUT for no verdicts and INVALID_ARGUMENT for other values', () => {
    expectAresError(() => accuracy([]), 'EMPTY_INPUT', 'correct');
    expectAresError(() => accuracy([1, 0.5]), 'INVALID_ARGUMENT', 'correct[1]');
  });
});

describe('averageAtK', () => {
  it('averages c/n over items (pass@1 from n samples)', () => {
    expect(averageAtK([{ samples: 4, correct: 1 }, { samples: 4, correct: 3 }])).toBe(0.5);
    expectAllClose([averageAtK([{ samples: 16, correct: 5 }, { samples: 8, correct: 8 }, { samples: 1, correct: 0 }])], [(5 / 16 + 1 + 0) / 3], FLOAT64);
  });

  it('validates counts', () => {
    expectAresError(() => averageAtK([]), 'EMPTY_INPUT', 'items');
    expectAresError(() => averageAtK([{ samples: 0, correct: 0 }]), 'INVALID_ARGUMENT', 'items[0].samples');
    expectAresError(() => averageAtK([{ samples: 2, correct: 3 }]), 'INVALID_ARGUMENT', 'items[0].correct');
  });
});

describe('worstCaseAccuracy', () => {
  it('counts a seed correct only if all its variants are', () => {
    const result = worstCaseAccuracy([
      { seed: 'q1', correct: true },
      { seed: 'q1', correct: false },
      { seed: 'q2', correct: true },
      { seed: 'q2', correct: true },
      { seed: 3, correct: 1 },
    ]);
    expect(result).toEqual({ worstCase: 2 / 3, averageCase: 4 / 5, seeds: 3, variants: 5 });
  });

  it('throws EMPTY_INPUT for no records', () => {
    expectAresError(() => worstCaseAccuracy([]), 'EMPTY_INPUT', 'records');
  });
});

describe('lengthStatistics', () => {
  it('matches numpy mean, median and 90th percentile', () => {
    // numpy: np.median([100,200,300,400]) = 250, np.quantile(..., 0.9) = 370
    expect(lengthStatistics([400, 100, 300, 200])).toEqual({ count: 4, mean: 250, median: 250, p90: 370, min: 100, max: 400 });
    expect(lengthStatistics([7])).toEqual({ count: 1, mean: 7, median: 7, p90: 7, min: 7, max: 7 });
  });

  it('returns NaN statistics for no lengths', () => {
    const result = lengthStatistics([]);
    expect(result.count).toBe(0);
    expect(result.mean).toBeNaN();
    expect(result.p90).toBeNaN();
  });

  it('propagates NaN and rejects negative lengths', () => {
    expect(lengthStatistics([1, Number.NaN]).mean).toBeNaN();
    expectAresError(() => lengthStatistics([1, -2]), 'INVALID_ARGUMENT', 'lengths[1]');
  });

  it('does not mutate its input', () => {
    const lengths = new Float64Array([3, 1, 2]);
    const before = lengths.slice();
    lengthStatistics(lengths);
    expect(lengths).toEqual(before);
  });
});

describe('tokensPerCorrect', () => {
  it('divides all tokens by the correct responses, null when none', () => {
    expect(tokensPerCorrect(12_000, 8)).toBe(1500);
    expect(tokensPerCorrect(12_000, 0)).toBeNull();
  });

  it('validates its arguments', () => {
    expectAresError(() => tokensPerCorrect(-1, 1), 'INVALID_ARGUMENT', 'totalTokens');
    expectAresError(() => tokensPerCorrect(10, 1.5), 'INVALID_ARGUMENT', 'correctCount');
  });
});
