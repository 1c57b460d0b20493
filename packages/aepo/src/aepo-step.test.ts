import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT32, FLOAT64 } from '@ares/testing';
import { createRng, type DifficultyBucket } from '@ares/core';
import { DifficultyTracker } from '@ares/difficulty';
import { hweMask, ReleasedThresholdTracker, windowEntropy } from '@ares/entropy';
import { filterGroups, groupAdvantages, tokenAdvantages } from '@ares/grpo';
import { controlStatistic, DualAscentKlController, klEstimate, klTokenWeights } from '@ares/kl-budget';
import { AepoStep, DEFAULT_AEPO_CONFIG, shapedReward, updateBucketTargets, createBucketTargetState } from '@ares/aepo';
import type { AepoConfig, AepoRollout, AepoState } from '@ares/aepo';

/**
 * Entropies with exactly `count` HWE positions at τ ∈ (2.25, 3] and w = 4 (`inclusive`): a run of count + 3 tokens
 * of entropy 3 (its count full windows have mean 3), then `padding` zeros (windows overlapping the zeros have mean
 * ≤ 2.25).
 */
function entropiesWithCount(count: number, padding: number): number[] {
  return [...Array<number>(count + 3).fill(3), ...Array<number>(padding).fill(0)];
}

function group(promptId: string, counts: readonly number[], correct: readonly number[]): AepoRollout[] {
  return counts.map((count, index) => ({
    promptId,
    correct: correct[index] === 1,
    entropies: entropiesWithCount(count, 2 + (index % 3)),
  }));
}

/** The hand-built batch: five prompts of four rollouts, designed so that every bucket mean is an integer. */
const handBatch = {
  rollouts: [
    ...group('easy-a', [20, 51, 34, 7], [1, 1, 1, 0]), // 3/4 → easy
    ...group('easy-b', [28, 28, 28, 28], [1, 1, 1, 1]), // 4/4 → easy, all rewards 1 → filtered out
    ...group('medium', [55, 80, 30, 55], [0, 1, 1, 0]), // 2/4 → medium
    ...group('hard-a', [30, 60, 10, 20], [0, 0, 1, 0]), // 1/4 → hard
    ...group('hard-b', [30, 30, 30, 30], [0, 0, 0, 0]), // 0/4 → hard, all wrong, kept by the `overall` filter
  ],
};
const handConfig: AepoConfig = { threshold: { initialThreshold: 2.5 } };

/** verl GRPO z-scores of one group: (s − mean)/(unbiased std + 1e-6) (SPEC §2.5), written out independently. */
function zScores(scores: readonly number[]): number[] {
  const mean = scores.reduce((sum, value) => sum + value, 0) / scores.length;
  const variance = scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (scores.length - 1);
  return scores.map((score) => (score - mean) / (Math.sqrt(variance) + 1e-6));
}

describe('AepoStep.run on a hand-built batch', () => {
  const step = new AepoStep(handConfig);
  const result = step.run(handBatch);
  const slice = (start: number, end: number) => result.rollouts.slice(start, end);

  it('labels with the initial τ, counts HWE positions and reports the next τ', () => {
    expect(result.step).toBe(1);
    expect(result.threshold).toBe(2.5);
    // Every sequence's released per-sequence threshold is 3 (more than 5% of its window list is a full run of 3s).
    expect(result.nextThreshold).toBe(3);
    expect(result.rollouts.map((rollout) => rollout.hweCount)).toEqual([
      20, 51, 34, 7, 28, 28, 28, 28, 55, 80, 30, 55, 30, 60, 10, 20, 30, 30, 30, 30,
    ]);
    const first = result.rollouts[0]!;
    expect(first.length).toBe(25);
    expect(first.windowEntropies.length).toBe(22); // L − w + 1
    expect([...first.hweMask]).toEqual([...Array<number>(20).fill(1), 0, 0, 0, 0, 0]);
  });

  it('buckets prompts by this batch’s pass rates', () => {
    expect(result.rollouts.map((rollout) => rollout.bucket)).toEqual([
      ...Array<DifficultyBucket>(8).fill('easy'),
      ...Array<DifficultyBucket>(4).fill('medium'),
      ...Array<DifficultyBucket>(8).fill('hard'),
    ]);
    expect(result.rollouts.map((rollout) => rollout.passRate)).toEqual(
      [0.75, 1, 0.5, 0.25, 0].flatMap((rate) => [rate, rate, rate, rate]),
    );
  });

  it('sets T_d = roundHalfEven(mean of per-prompt mean N_HE) and keeps α = 0.5 when the mean is an integer', () => {
    // easy (112/4 + 28)/2 = 28, medium 220/4 = 55, hard (120/4 + 30)/2 = 30.
    expect(result.targets).toEqual({
      easy: { target: 28, alpha: 0.5 },
      medium: { target: 55, alpha: 0.5 },
      hard: { target: 30, alpha: 0.5 },
    });
    expect(result.rollouts.map((rollout) => rollout.target)).toEqual([
      ...Array<number>(8).fill(28),
      ...Array<number>(4).fill(55),
      ...Array<number>(8).fill(30),
    ]);
  });

  it('gives the SPEC §6.3 reward values with the bucket, target and α of this batch', () => {
    // easy T 28: N 20 → 0, N 51 → −0.5, N 34 → −0.0653225806, wrong N 7 → sig(0)·0.5·0.6 = 0.15.
    expectAllClose(slice(0, 4).map((rollout) => rollout.reward), [1, 0.5, 1 - 0.0653225806, 0.15], { rtol: 0, atol: 1e-10 });
    expect(slice(4, 8).map((rollout) => rollout.reward)).toEqual([1, 1, 1, 1]);
    expect(Object.is(result.rollouts[0]!.shaping, -0)).toBe(true); // a zero penalty is −0, as released
    // medium T 55: wrong N 55 → sig(0)·0.5·0.8 = 0.2; correct N 80 or 30 → −0.2910447761.
    expectAllClose(slice(8, 12).map((rollout) => rollout.reward), [0.2, 1 - 0.2910447761, 1 - 0.2910447761, 0.2], {
      rtol: 0,
      atol: 1e-10,
    });
    // hard T 30: wrong N 30 → 0.3, wrong N 60 → 0.5990992906, correct N 10 → −0.1551724138, wrong N 20 → 0.3.
    expectAllClose(slice(12, 16).map((rollout) => rollout.reward), [0.3, 0.5990992906, 1 - 0.1551724138, 0.3], {
      rtol: 0,
      atol: 1e-10,
    });
    expectAllClose(slice(16, 20).map((rollout) => rollout.reward), [0.3, 0.3, 0.3, 0.3], FLOAT64);
    // reward = accuracy + e.
    expectAllClose(
      result.rollouts.map((rollout) => rollout.reward - rollout.shaping),
      handBatch.rollouts.map((rollout) => (rollout.correct ? 1 : 0)),
      FLOAT64,
    );
  });

  it('filters on the overall score: the all-correct easy group (mean 1) goes, the all-wrong hard group (0.3) stays', () => {
    expect(result.keptPromptIds).toEqual(['easy-a', 'medium', 'hard-a', 'hard-b']);
    expect(result.rollouts.map((rollout) => rollout.kept)).toEqual(
      [true, false, true, true, true].flatMap((kept) => [kept, kept, kept, kept]),
    );
  });

  it('computes GRPO z-scores over the kept groups and zero for dropped rollouts', () => {
    const advantages = result.rollouts.map((rollout) => rollout.advantage);
    // medium: two rewards a and two rewards b → ±√3/2 · σ/(σ + 1e-6).
    const half = Math.sqrt(3) / 2;
    expectAllClose(advantages.slice(8, 12), [-half, half, half, -half], FLOAT32);
    expect(advantages.slice(4, 8)).toEqual([0, 0, 0, 0]); // dropped
    expect(advantages.slice(16, 20)).toEqual([0, 0, 0, 0]); // identical rewards
    expectAllClose(advantages.slice(0, 4), zScores(slice(0, 4).map((rollout) => rollout.reward)), FLOAT64);
    expectAllClose(advantages.slice(12, 16), zScores(slice(12, 16).map((rollout) => rollout.reward)), FLOAT64);
  });

  it('emits row-major token matrices with columns = the longest response', () => {
    const lengths = handBatch.rollouts.map((rollout) => (rollout.entropies as number[]).length);
    expect(result.columns).toBe(Math.max(...lengths)); // 80 + 3 + 3 = 86
    expect(result.columns).toBe(86);
    const rows = handBatch.rollouts.length;
    expect(result.responseMask.length).toBe(rows * 86);
    expect(result.tokenAdvantages.length).toBe(rows * 86);
    expect(result.klWeights.length).toBe(rows * 86);
    for (let row = 0; row < rows; row++) {
      const rowMask = [...result.responseMask.subarray(row * 86, (row + 1) * 86)];
      expect(rowMask).toEqual([...Array<number>(lengths[row]!).fill(1), ...Array<number>(86 - lengths[row]!).fill(0)]);
      const advantage = result.rollouts[row]!.advantage;
      const expected = rowMask.map((value) => advantage * value);
      expectAllClose(result.tokenAdvantages.subarray(row * 86, (row + 1) * 86), expected, FLOAT64);
      // β = 1 outside HWE windows, ρ = 0.5 at HWE positions (start coverage).
      const hwe = result.rollouts[row]!.hweMask;
      const weights = [...result.klWeights.subarray(row * 86, row * 86 + lengths[row]!)];
      expect(weights).toEqual([...hwe].map((value) => (value === 1 ? 0.5 : 1)));
    }
    expect(result.kl).toBeUndefined();
    expect(result.klControl).toEqual({});
  });

  it('summarises each bucket', () => {
    const { easy, medium, hard } = result.buckets;
    expect([easy.prompts, easy.rollouts, easy.keptRollouts]).toEqual([2, 8, 4]);
    expect([medium.prompts, medium.rollouts, medium.keptRollouts]).toEqual([1, 4, 4]);
    expect([hard.prompts, hard.rollouts, hard.keptRollouts]).toEqual([2, 8, 8]);
    expect([easy.accuracy, medium.accuracy, hard.accuracy]).toEqual([0.875, 0.5, 0.125]);
    expect([easy.meanHweCount, medium.meanHweCount, hard.meanHweCount]).toEqual([28, 55, 30]);
    // L = N + 3 + padding, padding 2, 3, 4, 2, … by position in each group of 4 (2 + index % 3).
    expect(easy.meanLength).toBe((20 + 51 + 34 + 7 + 4 * 28 + 8 * 3 + 2 * (2 + 3 + 4 + 2)) / 8);
    expect([easy.target, easy.alpha, easy.klCoefficient]).toEqual([28, 0.5, 1]);
    expectAllClose(medium.meanReward, (0.4 + 2 * (1 - 0.2910447761)) / 4, { rtol: 0, atol: 1e-10 });
    expect(result.lambdas).toBeUndefined();
  });

  it('advances the state: steps, tracker entries, targets and the previous bucket means', () => {
    const state = step.toJSON();
    expect(state.version).toBe(1);
    expect(state.steps).toBe(1);
    expect(state.tracker.entries.map((entry) => [entry.id, entry.correct, entry.total])).toEqual([
      ['easy-a', 3, 4],
      ['easy-b', 4, 4],
      ['medium', 2, 4],
      ['hard-a', 1, 4],
      ['hard-b', 0, 4],
    ]);
    expect(state.threshold?.threshold).toBe(3);
    expect(state.targets).toEqual(result.targets);
    expect(state.previousBucketMeans).toEqual({ easy: 28, medium: 55, hard: 30 });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('with filterKey accuracy drops the all-wrong and all-correct groups (DAPO); none keeps every group', () => {
    const accuracy = new AepoStep({ ...handConfig, filterKey: 'accuracy' }).run(handBatch);
    expect(accuracy.keptPromptIds).toEqual(['easy-a', 'medium', 'hard-a']);
    const none = new AepoStep({ ...handConfig, filterKey: 'none' }).run(handBatch);
    expect(none.keptPromptIds).toEqual(['easy-a', 'easy-b', 'medium', 'hard-a', 'hard-b']);
    expect(none.rollouts.slice(4, 8).map((rollout) => rollout.advantage)).toEqual([0, 0, 0, 0]); // equal rewards
  });
});

describe('AepoStep difficulty ordering (the released trainer’s bug is not reproduced)', () => {
  it('knows the bucket, target and α before the reward, on a prompt seen for the first time', () => {
    const step = new AepoStep(handConfig);
    const result = step.run({ rollouts: group('new', [30, 30, 30, 30], [1, 0, 0, 0]) });
    const correct = result.rollouts[0]!;
    expect([correct.bucket, correct.target, correct.alpha]).toEqual(['hard', 30, 0.5]);
    // hard, correct, N = T = 30: sig(10.5/3)·0.6 = 0.5824126615 (SPEC §6.3 item 12).
    expectAllClose(correct.reward, 1.5824126615, { rtol: 0, atol: 1e-10 });
    // The released trainer shaped before attaching difficulty: easy, T = 0, α = 0.5 → 1 − 0.5.
    const released = shapedReward({ bucket: 'easy', correct: true, hweCount: 30, target: 0, alpha: 0.5 });
    expect(released).toBe(0.5);
    expect(correct.reward).not.toBe(released);
  });

  it('uses this batch’s bucket, not the previous visit’s, when a prompt changes difficulty', () => {
    const step = new AepoStep(handConfig);
    const first = step.run({ rollouts: group('p', [28, 28, 28, 28], [1, 1, 1, 1]) });
    expect(first.rollouts[0]!.bucket).toBe('easy');
    const second = step.run({ rollouts: group('p', [30, 30, 30, 30], [1, 0, 0, 0]) });
    expect(second.rollouts[0]!.bucket).toBe('hard');
    expect(second.rollouts[0]!.target).toBe(30);
    expectAllClose(second.rollouts[0]!.reward, 1.5824126615, { rtol: 0, atol: 1e-10 });
    // With the stale bucket (easy, T 28 from step 1) the same rollout would get exactly 1.
    expect(shapedReward({ bucket: 'easy', correct: true, hweCount: 30, target: 28, alpha: 0.5 })).toBe(1);
  });
});

describe('AepoStep thresholds', () => {
  it('released: labels batch k with the τ left by batch k − 1 (SPEC §2.2, §6.1 items 4 and 8)', () => {
    const step = new AepoStep({ window: 2 });
    // releasedWindowThreshold([1..6], w = 2) = 5.25; no initial τ, so batch 1 uses its own median.
    const first = step.run({ rollouts: [{ promptId: 'a', correct: true, entropies: [1, 2, 3, 4, 5, 6] }] });
    expect([first.threshold, first.nextThreshold]).toEqual([5.25, 5.25]);
    expect(first.rollouts[0]!.hweCount).toBe(1); // windows 1.5 … 5.5; only 5.5 ≥ 5.25
    const second = step.run({ rollouts: [{ promptId: 'a', correct: true, entropies: [1, 1, 1, 1, 1] }] });
    expect(second.threshold).toBe(5.25);
    expectAllClose(second.nextThreshold!, 0.99 * 5.25 + 0.01 * 1, FLOAT64); // 5.2075
    const third = step.run({ rollouts: [{ promptId: 'a', correct: true, entropies: [1, 1, 1, 1, 1] }] });
    expect(third.threshold).toBe(second.nextThreshold);
  });

  it('threshold: the τ the next batch will use (initial τ, then nextThreshold); undefined under paper', () => {
    expect(new AepoStep({ window: 2 }).threshold).toBeUndefined(); // no initial τ: batch 1 uses its own median
    const step = new AepoStep({ window: 2, threshold: { initialThreshold: 1.5 } });
    expect(step.threshold).toBe(1.5);
    const first = step.run({ rollouts: [{ promptId: 'a', correct: true, entropies: [1, 2, 3, 4, 5, 6] }] });
    expect(first.threshold).toBe(1.5);
    // The initial τ labels batch 1 only; the EMA starts at batch 1's median (5.25, as in the released test above).
    expect(step.threshold).toBe(5.25);
    expect(step.threshold).toBe(first.nextThreshold);
    step.run({ rollouts: [{ promptId: 'a', correct: true, entropies: [1, 1, 1, 1, 1] }] });
    expectAllClose(step.threshold!, 0.99 * 5.25 + 0.01 * 1, FLOAT64);
    expect(new AepoStep({ threshold: { estimator: 'paper' } }).threshold).toBeUndefined();
  });

  it('bucket: undefined for an unseen prompt, then the bucket of its last batch (numeric and string ids agree)', () => {
    const config: AepoConfig = { window: 1, threshold: { initialThreshold: 1 } };
    const step = new AepoStep(config);
    expect(step.bucket(7)).toBeUndefined();
    const entropies = [1, 2];
    step.run({
      rollouts: [
        { promptId: 7, correct: true, entropies },
        { promptId: 7, correct: true, entropies },
        { promptId: 'b', correct: false, entropies },
        { promptId: 'b', correct: true, entropies },
      ],
    });
    expect(step.bucket('7')).toBe('easy'); // 2/2 ≥ 2/3
    expect(step.bucket('b')).toBe('medium'); // 1/2 ∈ [1/3, 2/3)
    expect(AepoStep.fromJSON(JSON.parse(JSON.stringify(step.toJSON())), config).bucket(7)).toBe('easy');
  });

  it('paper: labels each batch with its own mean per-sequence 0.95-quantile of token entropies', () => {
    const step = new AepoStep({ window: 1, threshold: { estimator: 'paper' } });
    // 21 values: the 0.95-quantile is x_19 of the sorted sequence, 2 and 3 here; τ = (2 + 3)/2.
    const low = [...Array<number>(19).fill(0), 2, 2];
    const high = [...Array<number>(19).fill(1), 3, 3];
    const result = step.run({
      rollouts: [
        { promptId: 'a', correct: true, entropies: low },
        { promptId: 'a', correct: false, entropies: high },
      ],
    });
    expect(result.threshold).toBe(2.5);
    expect(result.nextThreshold).toBeUndefined();
    expect(result.rollouts.map((rollout) => rollout.hweCount)).toEqual([0, 2]);
    expect(step.toJSON().threshold).toBeNull();
  });

  it('counts only trigger tokens with a full next window ≥ τ under the trigger filter (SPEC §6.1 item 6)', () => {
    const tokens = ['so', 'wait', 'the', 'answer', 'but', 'is', 'x', 'hmm', '.'];
    const entropies = [0.2, 0.5, 1.2, 1.4, 0.9, 1.6, 1.1, 0.3, 0.1];
    const rollouts = [{ promptId: 'a', correct: true, entropies, tokens }];
    const filtered = new AepoStep({ threshold: { initialThreshold: 1 }, triggerVocabulary: ['wait', 'but', 'hmm'] });
    expect(filtered.run({ rollouts }).rollouts[0]!.hweCount).toBe(1); // "wait": mean 1.275
    // Positions: inclusive windows 0.825, 0.9999999999999999 (0.5 + 1.2 + 1.4 + 0.9 rounds below 4), 1.275, 1.25, …
    const positions = new AepoStep({ threshold: { initialThreshold: 1 } }).run({ rollouts }).rollouts[0]!;
    expect(positions.hweCount).toBe(2);
    expect([...positions.hweMask]).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('takes the lower top-k bound as the token entropy by default (SPEC §6.1 item 2)', () => {
    const topLogProbs = [[Math.log(0.5), Math.log(0.3)], [0]];
    const rollouts = [{ promptId: 'a', correct: true, topLogProbs }];
    const lower = new AepoStep({ window: 1, threshold: { initialThreshold: 1 } }).run({ rollouts }).rollouts[0]!;
    expectAllClose(lower.entropies, [1.0296530141, 0], { rtol: 1e-10, atol: 1e-12 });
    expectAllClose(lower.windowEntropies, [1.0296530141, 0], { rtol: 1e-10, atol: 1e-12 });
    expect(lower.hweCount).toBe(1);
    const plain = new AepoStep({ window: 1, topKBound: 'plain', threshold: { initialThreshold: 1 } }).run({ rollouts });
    expectAllClose(plain.rollouts[0]!.entropies, [0.7077654316, 0], { rtol: 1e-10, atol: 1e-12 });
    expect(plain.rollouts[0]!.hweCount).toBe(0);
    const upper = new AepoStep({ window: 1, topKBound: 'upper', vocabSize: 10, threshold: { initialThreshold: 1 } });
    expectAllClose(upper.run({ rollouts }).rollouts[0]!.entropies, [1.4455413224, 0], { rtol: 1e-10, atol: 1e-12 });
  });
});

describe('AepoStep KL weights and control', () => {
  // Row 1: H = [0, 0, 2, 2], w = 2 → windows [0, 1, 2] ≥ τ = 1 at t = 1, 2; row 2: H = [0, 0, 0] → none.
  const rollouts: AepoRollout[] = [
    { promptId: 'q', correct: true, entropies: [0, 0, 2, 2], logProbs: [-1, -1, -1, -1], referenceLogProbs: [-1.2, -1, -1, -1.4] },
    { promptId: 'q', correct: false, entropies: [0, 0, 0], logProbs: [-1, -1, -1], referenceLogProbs: [-1, -1, -1.2] },
  ];
  const config: AepoConfig = { window: 2, threshold: { initialThreshold: 1 }, kl: { estimator: 'k2' } };

  it('weights, KL, KL_ctrl and the dual-ascent update by hand', () => {
    const result = new AepoStep(config).run({ rollouts });
    expect(result.rollouts.map((rollout) => [rollout.hweCount, rollout.bucket, rollout.target, rollout.alpha])).toEqual([
      [2, 'medium', 1, 0.5],
      [0, 'medium', 1, 0.5],
    ]);
    // correct N 2, T 1: |Δ| = 1 ≤ m = 1 → e = −0; wrong N 0: sig(0)·0.5·0.8 = 0.2.
    expect(result.rollouts.map((rollout) => rollout.reward)).toEqual([1, 0.2]);
    const advantage = Math.SQRT1_2; // ±0.4/(0.8/√2), up to σ/(σ + 1e-6)
    expectAllClose(result.rollouts.map((rollout) => rollout.advantage), [advantage, -advantage], FLOAT32);
    expect(result.columns).toBe(4);
    expect([...result.responseMask]).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect([...result.windowMask]).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
    expect([...result.klWeights]).toEqual([1, 0.5, 0.5, 1, 1, 1, 1, 1]);
    expectAllClose(result.tokenAdvantages, [1, 1, 1, 1, -1, -1, -1, 0].map((sign) => sign * advantage), FLOAT32);
    // k2 = ½(lp − ref)²: 0.02 and 0.08 in row 1, 0.02 in row 2.
    expectAllClose(result.kl!, [0.02, 0, 0, 0.08, 0, 0, 0.02, 0], FLOAT64);
    // KL_ctrl(medium) = mean((0.02 + 0.08)/4, 0.02/3) = 0.0158333…; κ = 1·(1 + 0.05·(KL_ctrl/0.01 − 1)).
    const control = (0.025 + 0.02 / 3) / 2;
    expectAllClose(result.klControl.medium!, control, FLOAT64);
    expect(Object.keys(result.klControl)).toEqual(['medium']);
    expectAllClose(result.buckets.medium.klCoefficient, 1.0291666666666666, FLOAT64);
    expect(result.buckets.easy.klCoefficient).toBe(1);
    expect(result.buckets.hard.klCoefficient).toBe(1);
  });

  it('relaxes every covered token with coverage covered', () => {
    const result = new AepoStep({ ...config, kl: { estimator: 'k2', coverage: 'covered' } }).run({ rollouts });
    expect([...result.windowMask]).toEqual([0, 1, 1, 1, 0, 0, 0, 0]);
    expect([...result.klWeights]).toEqual([1, 0.5, 0.5, 0.5, 1, 1, 1, 1]);
    // Row 1 now has only t = 0 outside windows: 0.02/4; κ = 1 + 0.05·((0.005 + 0.02/3)/2/0.01 − 1).
    expectAllClose(result.buckets.medium.klCoefficient, 1 + 0.05 * ((0.005 + 0.02 / 3) / 2 / 0.01 - 1), FLOAT64);
  });

  it('scales the weights by β_d and follows the next anchor', () => {
    const result = new AepoStep({ ...config, anchor: 'next', kl: { estimator: 'k2', base: { medium: 2 } } }).run({ rollouts });
    // next, w = 2 (L − w windows): row 1 mean(H1, H2) = 1, mean(H2, H3) = 2 → m = [1, 1, 0, 0]; row 2: [0] → none.
    expect(result.rollouts.map((rollout) => [...rollout.windowEntropies])).toEqual([[1, 2], [0]]);
    expect([...result.windowMask]).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect([...result.klWeights]).toEqual([1, 1, 2, 2, 2, 2, 2, 2]);
    expect(result.rollouts[0]!.hweCount).toBe(2);
  });

  it('feeds the released controller the per-bucket mean of per-sequence token-mean KL', () => {
    const result = new AepoStep({
      ...config,
      kl: { estimator: 'k2', controller: { kind: 'released', options: { updateInterval: 1, deadzone: 0 } } },
    }).run({ rollouts });
    // Observation (0.1/4 + 0.02/3)/2 = 0.0158333; first call: K̄ = obs, e = K̄/0.01 − 1, ē = 0.03·e, β = exp(0.05·ē).
    const error = (0.025 + 0.02 / 3) / 2 / 0.01 - 1;
    expectAllClose(result.buckets.medium.klCoefficient, 0.01 * Math.exp(0.05 * 0.03 * error), FLOAT64);
  });

  it('leaves the controller alone when no kept rollout has tokens', () => {
    const step = new AepoStep({ ...config, filterKey: 'accuracy' });
    const result = step.run({
      rollouts: rollouts.map((rollout) => ({ ...rollout, correct: true })), // mean accuracy 1 → dropped
    });
    expect(result.keptPromptIds).toEqual([]);
    expect(result.klControl).toEqual({});
    expect(step.toJSON().klController).toEqual(new DualAscentKlController().toJSON());
  });
});

describe('AepoStep paper-lagged shaping', () => {
  it('pays accuracy while no previous mean exists, then penalises wrong answers by λ_d·g_d(Δ)', () => {
    const step = new AepoStep({ ...handConfig, shaping: 'paper-lagged' });
    const first = step.run({ rollouts: group('e', [30, 30, 30, 30], [1, 1, 1, 0]) });
    expect(first.rollouts.map((rollout) => rollout.reward)).toEqual([1, 1, 1, 0]);
    expect(first.lambdas).toEqual({ easy: 0, medium: 0, hard: 0 });
    // Batch 2: easy mean 37, population variance 9, previous mean 30 → λ = 7/(9 + 1e-6); wrong N 40: g = 10.
    const second = step.run({ rollouts: group('e', [40, 34, 40, 34], [0, 1, 1, 1]) });
    const lambda = 7 / (9 + 1e-6);
    expectAllClose(second.lambdas!.easy, lambda, FLOAT64);
    expectAllClose(second.rollouts.map((rollout) => rollout.reward), [-10 * lambda, 1, 1, 1], FLOAT64);
    expectAllClose(second.rollouts[0]!.shaping, -10 * lambda, FLOAT64);
    expect(step.toJSON().previousBucketMeans).toEqual({ easy: 37 });
  });
});

describe('AepoStep composition', () => {
  it('equals the upstream primitives called step by step in the SPEC §2.8 order on a random batch', () => {
    const random = createRng(20260517);
    const integer = (below: number) => Math.floor(random() * below);
    const rollouts: AepoRollout[] = [];
    for (let prompt = 0; prompt < 6; prompt++) {
      for (let sample = 0; sample < 5; sample++) {
        const length = 3 + integer(25);
        const entropies = Array.from({ length }, () => 2.5 * random());
        const logProbs = Array.from({ length }, () => -3 * random());
        const referenceLogProbs = logProbs.map((value) => value - 0.4 * random() + 0.1);
        rollouts.push({ promptId: prompt, correct: sample < prompt, entropies, logProbs, referenceLogProbs }); // c = 0 … 5 of 5
      }
    }
    const step = new AepoStep({ threshold: { initialThreshold: 1.1 }, filterKey: 'accuracy' });
    // A previous step without log-probs, so that τ, the tracker and the targets have history (the controller not).
    step.run({ rollouts: rollouts.slice(0, 10).map(({ promptId, correct, entropies }) => ({ promptId, correct, entropies: entropies! })) });
    const result = step.run({ rollouts });

    // 1. τ: the released tracker after batch 1; masks and counts at that τ.
    const thresholds = new ReleasedThresholdTracker({ initialThreshold: 1.1 });
    thresholds.update(rollouts.slice(0, 10).map((rollout) => rollout.entropies!));
    const update = thresholds.update(rollouts.map((rollout) => rollout.entropies!));
    expect([result.threshold, result.nextThreshold]).toEqual([update.used, update.next]);
    const masks = rollouts.map((rollout) => hweMask(rollout.entropies!, update.used));
    const counts = masks.map((mask) => mask.reduce((sum, value) => sum + value, 0));
    // 2. Tracker (with batch 1's history) → buckets.
    const tracker = new DifficultyTracker();
    const ids = rollouts.map((rollout) => String(rollout.promptId));
    tracker.updateMany(ids.slice(0, 10), rollouts.slice(0, 10).map((rollout) => rollout.correct));
    const promptBuckets = tracker.updateMany(ids, rollouts.map((rollout) => rollout.correct));
    const buckets = ids.map((id) => promptBuckets.get(id)!);
    expect(new Set(buckets)).toEqual(new Set(['easy', 'medium', 'hard'])); // the batch exercises every bucket
    // 3. Targets: batch 1's update, then this batch's.
    const promptMeans = (batchIds: string[], batchCounts: number[], bucketOf: (id: string) => DifficultyBucket) =>
      [...new Set(batchIds)].map((id) => {
        const members = batchCounts.filter((_, index) => batchIds[index] === id);
        return { bucket: bucketOf(id), meanHweCount: members.reduce((sum, value) => sum + value, 0) / members.length };
      });
    const firstTracker = new DifficultyTracker();
    const firstBuckets = firstTracker.updateMany(ids.slice(0, 10), rollouts.slice(0, 10).map((rollout) => rollout.correct));
    const firstCounts = rollouts.slice(0, 10).map((rollout) => hweMask(rollout.entropies!, 1.1).reduce((s, v) => s + v, 0));
    const firstTargets = updateBucketTargets(
      createBucketTargetState(),
      promptMeans(ids.slice(0, 10), firstCounts, (id) => firstBuckets.get(id)!),
    );
    const targets = updateBucketTargets(firstTargets, promptMeans(ids, counts, (id) => promptBuckets.get(id)!));
    expect(result.targets).toEqual(targets);
    // 4. Rewards; 5. filter; 6. advantages on kept groups.
    const rewards = rollouts.map((rollout, index) =>
      shapedReward({ bucket: buckets[index]!, correct: rollout.correct === true, hweCount: counts[index]!, ...targets[buckets[index]!] }),
    );
    expect(result.rollouts.map((rollout) => rollout.reward)).toEqual(rewards);
    const { keep } = filterGroups(rollouts.map((rollout) => (rollout.correct ? 1 : 0)), ids);
    const kept = [...keep.keys()].filter((index) => keep[index] === 1);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(rollouts.length); // and both kept and dropped groups
    const keptAdvantages = groupAdvantages(kept.map((index) => rewards[index]!), kept.map((index) => ids[index]!));
    const advantages = new Float64Array(rollouts.length);
    kept.forEach((index, position) => (advantages[index] = keptAdvantages[position]!));
    expect(Float64Array.from(result.rollouts, (rollout) => rollout.advantage)).toEqual(advantages);
    // 7. Token matrices, KL weights and control, controller.
    const columns = Math.max(...rollouts.map((rollout) => rollout.entropies!.length));
    const pad = (rows: ArrayLike<number>[], type: Float64ArrayConstructor | Uint8ArrayConstructor) => {
      const out = new type(rows.length * columns);
      rows.forEach((row, index) => out.set(row, index * columns));
      return out;
    };
    const responseMask = pad(rollouts.map((rollout) => new Uint8Array(rollout.entropies!.length).fill(1)), Uint8Array);
    const windowMask = pad(masks, Uint8Array);
    expect(result.windowMask).toEqual(windowMask);
    expect(result.tokenAdvantages).toEqual(tokenAdvantages(advantages, responseMask, columns));
    expect(result.klWeights).toEqual(klTokenWeights(windowMask, buckets, columns));
    const kl = klEstimate(pad(rollouts.map((r) => r.logProbs!), Float64Array), pad(rollouts.map((r) => r.referenceLogProbs!), Float64Array), 'k3');
    expect(result.kl).toEqual(kl);
    const trainingMask = responseMask.map((value, index) => value & keep[Math.floor(index / columns)]!);
    const control = controlStatistic(kl, trainingMask, windowMask, buckets, columns);
    expect(result.klControl).toEqual(control);
    const controller = new DualAscentKlController();
    controller.update(control);
    for (const bucket of ['easy', 'medium', 'hard'] as const) {
      expect(result.buckets[bucket].klCoefficient).toBe(controller.coefficient(bucket));
    }
    expect(result.rollouts.map((rollout) => rollout.windowEntropies)).toEqual(
      rollouts.map((rollout) => windowEntropy(rollout.entropies!)),
    );
  });
});

describe('AepoStep state', () => {
  it('leaves the state unchanged when run throws, and does not modify its inputs', () => {
    const step = new AepoStep(handConfig);
    step.run(handBatch);
    const before = step.toJSON();
    const bad = { rollouts: [...handBatch.rollouts, { promptId: 'x', correct: true, entropies: [1, Number.NaN] }] };
    expectAresError(() => step.run(bad), 'NON_FINITE', `batch.rollouts[${handBatch.rollouts.length}].entropies`);
    expect(step.toJSON()).toEqual(before);

    const snapshot = handBatch.rollouts.map((rollout) => [...(rollout.entropies as number[])]);
    const restored = AepoStep.fromJSON(before, handConfig);
    expect(step.run(handBatch)).toEqual(restored.run(handBatch));
    expect(handBatch.rollouts.map((rollout) => [...(rollout.entropies as number[])])).toEqual(snapshot);
  });

  it('exposes the resolved config; the defaults are deeply frozen', () => {
    expect(new AepoStep().config).toEqual(DEFAULT_AEPO_CONFIG);
    expect(Object.isFrozen(DEFAULT_AEPO_CONFIG)).toBe(true);
    expect(Object.isFrozen(DEFAULT_AEPO_CONFIG.kl.controller)).toBe(true);
    expect(DEFAULT_AEPO_CONFIG.kl.controller.kind).toBe('dual-ascent');
    expect([DEFAULT_AEPO_CONFIG.window, DEFAULT_AEPO_CONFIG.anchor, DEFAULT_AEPO_CONFIG.shaping]).toEqual([4, 'inclusive', 'ares']);
    expect([DEFAULT_AEPO_CONFIG.threshold.estimator, DEFAULT_AEPO_CONFIG.filterKey]).toEqual(['released', 'overall']);
    expect(DEFAULT_AEPO_CONFIG.targets.alphaMax).toBe(0.55);
  });
});

describe('AepoStep errors', () => {
  const rollout = { promptId: 'a', correct: true, entropies: [0.5, 1, 2, 0.1, 0.3] } as const;

  it('throws for bad batches', () => {
    const step = new AepoStep();
    expectAresError(() => step.run({ rollouts: [] }), 'EMPTY_INPUT', 'batch.rollouts');
    expectAresError(() => step.run({} as never), 'INVALID_ARGUMENT', 'batch.rollouts');
    expectAresError(() => step.run({ rollouts: [{ ...rollout, promptId: Number.NaN }] }), 'INVALID_ARGUMENT', 'batch.rollouts[0].promptId');
    expectAresError(() => step.run({ rollouts: [{ ...rollout, correct: 2 as never }] }), 'INVALID_ARGUMENT', 'batch.rollouts[0].correct');
    expectAresError(() => step.run({ rollouts: [{ promptId: 'a', correct: true }] }), 'INVALID_ARGUMENT', 'batch.rollouts[0].entropies');
    expectAresError(
      () => step.run({ rollouts: [{ ...rollout, topLogProbs: [[-0.1]] }] }),
      'INVALID_ARGUMENT',
      'batch.rollouts[0].entropies',
    );
    expectAresError(() => step.run({ rollouts: [{ ...rollout, entropies: [0.2, -0.5] }] }), 'INVALID_ARGUMENT', 'batch.rollouts[0].entropies');
    expectAresError(() => step.run({ rollouts: [{ ...rollout, entropies: [0.2, Infinity] }] }), 'NON_FINITE', 'batch.rollouts[0].entropies');
    expectAresError(
      () => step.run({ rollouts: [{ promptId: 'a', correct: true, topLogProbs: [[0.5]] }] }),
      'INVALID_ARGUMENT',
      'batch.rollouts[0].topLogProbs[0]',
    );
    expectAresError(
      () => step.run({ rollouts: [{ promptId: 'a', correct: true, topLogProbs: [[]] }] }),
      'EMPTY_INPUT',
      'batch.rollouts[0].topLogProbs[0]',
    );
  });

  it('throws SHAPE_MISMATCH or INVALID_ARGUMENT for mismatched batch fields', () => {
    const step = new AepoStep();
    expectAresError(() => step.run({ rollouts: [{ ...rollout, tokens: ['a', 'b'] }] }), 'SHAPE_MISMATCH', 'batch.rollouts[0].tokens');
    const logProbs = [-1, -1, -1, -1, -1];
    expectAresError(
      () => step.run({ rollouts: [{ ...rollout, logProbs, referenceLogProbs: [-1] }] }),
      'SHAPE_MISMATCH',
      'batch.rollouts[0].referenceLogProbs',
    );
    expectAresError(() => step.run({ rollouts: [{ ...rollout, logProbs }] }), 'INVALID_ARGUMENT', 'batch.rollouts[0].referenceLogProbs');
    expectAresError(
      () => step.run({ rollouts: [rollout, { ...rollout, logProbs, referenceLogProbs: logProbs }] }),
      'INVALID_ARGUMENT',
      'batch.rollouts[0].logProbs',
    );
    expectAresError(
      () => step.run({ rollouts: [{ ...rollout, logProbs, referenceLogProbs: logProbs }, rollout] }),
      'INVALID_ARGUMENT',
      'batch.rollouts[1].logProbs',
    );
    expectAresError(
      () => step.run({ rollouts: [{ ...rollout, logProbs: [-1, -1, Number.NaN, -1, -1], referenceLogProbs: logProbs }] }),
      'NON_FINITE',
      'batch.rollouts[0].logProbs',
    );
    const filtered = new AepoStep({ triggerVocabulary: ['wait'] });
    expectAresError(() => filtered.run({ rollouts: [rollout] }), 'INVALID_ARGUMENT', 'batch.rollouts[0].tokens');
    const paper = new AepoStep({ threshold: { estimator: 'paper' } });
    expectAresError(() => paper.run({ rollouts: [{ ...rollout, entropies: [] }] }), 'EMPTY_INPUT', 'batch.rollouts');
  });

  it('throws for bad config fields, naming config.<path>', () => {
    const cases: [AepoConfig, string, string][] = [
      [{ window: 0 }, 'INVALID_ARGUMENT', 'config.window'],
      [{ anchor: 'middle' as never }, 'UNSUPPORTED', 'config.anchor'],
      [{ threshold: { estimator: 'median' as never } }, 'UNSUPPORTED', 'config.threshold.estimator'],
      [{ threshold: { quantile: 2 } }, 'INVALID_ARGUMENT', 'config.threshold.quantile'],
      [{ topKBound: 'upper' }, 'INVALID_ARGUMENT', 'config.vocabSize'],
      [{ triggerVocabulary: [1] as never }, 'INVALID_ARGUMENT', 'config.triggerVocabulary'],
      [{ tracker: { mode: 'forever' as never } }, 'UNSUPPORTED', 'config.tracker.mode'],
      [{ tracker: { thresholds: { hardBelow: 0.9 } } }, 'INVALID_ARGUMENT', 'config.tracker.thresholds.hardBelow'],
      [{ targets: { initialAlpha: -1 } }, 'INVALID_ARGUMENT', 'config.targets.initialAlpha'],
      [{ targets: { alphaMin: 0.6 } }, 'INVALID_ARGUMENT', 'config.targets.alphaMax'],
      [{ shaping: 'paper' as never }, 'UNSUPPORTED', 'config.shaping'],
      [{ paperLagged: { epsilon: 0 } }, 'INVALID_ARGUMENT', 'config.paperLagged.epsilon'],
      [{ filterKey: 'format' as never }, 'UNSUPPORTED', 'config.filterKey'],
      [{ filter: { low: 0.5, high: 0.5 } }, 'INVALID_ARGUMENT', 'config.filter.high'],
      [{ advantages: { scale: 'rank' as never } }, 'UNSUPPORTED', 'config.advantages.scale'],
      [{ kl: { estimator: 'k9' as never } }, 'UNSUPPORTED', 'config.kl.estimator'],
      [{ kl: { estimator: 'k1' } }, 'INVALID_ARGUMENT', 'config.kl.estimator'],
      [{ kl: { rho: 0 } }, 'INVALID_ARGUMENT', 'config.kl.rho'],
      [{ kl: { base: { extreme: 1 } as never } }, 'INVALID_ARGUMENT', 'config.kl.base.extreme'],
      [{ kl: { coverage: 'end' as never } }, 'UNSUPPORTED', 'config.kl.coverage'],
      [{ kl: { controller: { kind: 'pid' } as never } }, 'UNSUPPORTED', 'config.kl.controller.kind'],
      [
        { kl: { controller: { kind: 'dual-ascent', options: { learningRate: 2 } } } },
        'INVALID_ARGUMENT',
        'config.kl.controller.options.learningRate',
      ],
    ];
    for (const [config, code, parameter] of cases) expectAresError(() => new AepoStep(config), code, parameter);
    // k1 is fine with a controller that accepts negative observations.
    expect(new AepoStep({ kl: { estimator: 'k1', controller: { kind: 'fixed' } } }).config.kl.estimator).toBe('k1');
  });

  it('throws INVALID_STATE for malformed states (unknown version or bucket, negative counts, other settings)', () => {
    const step = new AepoStep(handConfig);
    step.run(handBatch);
    const state = step.toJSON();
    const edit = (change: (copy: Record<string, any>) => void): AepoState => {
      const copy = JSON.parse(JSON.stringify(state)) as Record<string, any>;
      change(copy);
      return copy as AepoState;
    };
    const cases: [AepoState, string, AepoConfig?][] = [
      [edit((copy) => (copy.version = 2)), 'state.version'],
      [edit((copy) => (copy.steps = -1)), 'state.steps'],
      [edit((copy) => (copy.tracker.entries[0].correct = -1)), 'state.tracker.entries[0].correct'],
      [edit((copy) => (copy.tracker.version = 3)), 'state.tracker.version'],
      [edit((copy) => (copy.targets.extreme = { target: 1, alpha: 0.5 })), 'state.targets.extreme'],
      [edit((copy) => (copy.targets.easy.alpha = -0.1)), 'state.targets.easy.alpha'],
      [edit((copy) => (copy.previousBucketMeans.extreme = 3)), 'state.previousBucketMeans.extreme'],
      [edit((copy) => (copy.previousBucketMeans.easy = -3)), 'state.previousBucketMeans.easy'],
      [edit((copy) => (copy.threshold = null)), 'state.threshold'],
      [edit((copy) => (copy.threshold.steps = 4)), 'state.threshold.steps'],
      [edit((copy) => (copy.klController.coefficients.easy = -1)), 'state.klController.coefficients.easy'],
      [edit((copy) => delete copy.klController), 'state.klController'],
      [state, 'state.klController.kind', { ...handConfig, kl: { controller: { kind: 'fixed' } } }],
      [state, 'state.klController.options', { ...handConfig, kl: { controller: { kind: 'dual-ascent', options: { learningRate: 0.1 } } } }],
      [state, 'state.tracker', { ...handConfig, tracker: { mode: 'cumulative' } }],
      [state, 'state.threshold.options', { threshold: { initialThreshold: 2 } }],
      [state, 'state.threshold', { ...handConfig, threshold: { estimator: 'paper' } }],
    ];
    for (const [bad, parameter, config = handConfig] of cases) {
      expectAresError(() => AepoStep.fromJSON(bad, config), 'INVALID_STATE', parameter);
    }
    expectAresError(() => AepoStep.fromJSON(undefined as never), 'INVALID_STATE', 'state');
    expect(AepoStep.fromJSON(state, handConfig).toJSON()).toEqual(state);
  });
});
