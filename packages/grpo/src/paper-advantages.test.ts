import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { paperAdvantages, type PaperAdvantagesInput } from '@ares/grpo';

// Two prompts: rows 0–1 (hard), row 2 alone (easy). Four columns.
const mask = [1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1];
const input: PaperAdvantagesInput = {
  rewards: [1, 0, 0.5],
  groupIds: ['p', 'p', 'q'],
  buckets: ['hard', 'hard', 'easy'],
  windowEntropies: [2.0, 0.5, 1.5, 9, 1.2, 1.4, 0.1, 0.2, 3, 3, 3, 3],
  highEntropyMask: [1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1],
  mask,
  columns: 4,
  threshold: 1,
};

describe('paperAdvantages', () => {
  it('gives (R − mean_g R)/L_i on valid tokens when λ_d = 0 (the default)', () => {
    expectAllClose(paperAdvantages(input), [0.5 / 3, 0.5 / 3, 0.5 / 3, 0, -0.25, -0.25, 0, 0, 0, 0, 0, 0], FLOAT64);
  });

  it('adds a zero-mean entropy bonus λ_d·[W − τ]_+ at high-entropy valid tokens', () => {
    const lambda = 0.5;
    const out = paperAdvantages(input, { entropyBonusWeights: { hard: lambda } });
    // Row 0: bonus terms 0.5·[1, 0 (m = 0), 0.5] over 3 valid tokens (the 9 is masked out); mean 0.25.
    const row0 = [0.5, 0, 0.25].map((e) => 0.5 / 3 + e - 0.25);
    // Row 1: terms 0.5·[0.2, 0.4], mean 0.15.
    const row1 = [0.1, 0.2].map((e) => -0.25 + e - 0.15);
    expectAllClose(out, [...row0, 0, ...row1, 0, 0, 0, 0, 0, 0], FLOAT64);
    // ψ is zero-mean per sequence: each row sums to R_i − mean_g R.
    expectAllClose([out[0]! + out[1]! + out[2]!, out[4]! + out[5]!], [0.5, -0.5], FLOAT64);
  });

  it('leaves rows with no valid token at 0 and never reads W where m, M or λ_d is 0', () => {
    const out = paperAdvantages({
      ...input,
      windowEntropies: [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, 0, 0, 3, 3, 3, 3],
      highEntropyMask: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
      mask: [1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1],
    }, { entropyBonusWeights: { hard: 1 } });
    expect(Array.from(out).every(Number.isFinite)).toBe(true);
    expect(Array.from(out.subarray(4, 8))).toEqual([0, 0, 0, 0]);
  });

  it('propagates a NaN reward through its group', () => {
    const out = paperAdvantages({ ...input, rewards: [Number.NaN, 0, 0.5] });
    expect(out[0]).toBeNaN();
    expect(out[4]).toBeNaN();
    expect(out[8]).toBe(0);
  });

  it('does not mutate its inputs', () => {
    const rewards = new Float64Array([1, 0, 0.5]);
    paperAdvantages({ ...input, rewards }, { entropyBonusWeights: { hard: 1 } });
    expect(Array.from(rewards)).toEqual([1, 0, 0.5]);
  });

  it('throws for shape mismatches, bad buckets, weights, thresholds and masks', () => {
    expectAresError(() => paperAdvantages({ ...input, columns: 5 }), 'SHAPE_MISMATCH', 'input.mask');
    expectAresError(() => paperAdvantages({ ...input, rewards: [1, 0] }), 'SHAPE_MISMATCH', 'input.rewards');
    expectAresError(() => paperAdvantages({ ...input, windowEntropies: [1] }), 'SHAPE_MISMATCH', 'input.windowEntropies');
    expectAresError(() => paperAdvantages({ ...input, buckets: ['hard', 'hard', 'trivial' as never] }), 'INVALID_ARGUMENT', 'input.buckets');
    expectAresError(() => paperAdvantages(input, { entropyBonusWeights: { easy: -1 } }), 'INVALID_ARGUMENT', 'options.entropyBonusWeights.easy');
    expectAresError(() => paperAdvantages({ ...input, threshold: Number.NaN }), 'INVALID_ARGUMENT', 'input.threshold');
    expectAresError(() => paperAdvantages({ ...input, highEntropyMask: [...mask.slice(0, 11), 2] }), 'INVALID_ARGUMENT', 'input.highEntropyMask');
  });
});
