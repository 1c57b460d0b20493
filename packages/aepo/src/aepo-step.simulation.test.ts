import { describe, expect, it } from 'vitest';
import { expectAllClose, FLOAT64 } from '@ares/testing';
import { createRng, DIFFICULTY_BUCKETS } from '@ares/core';
import { AepoStep } from '@ares/aepo';
import type { AepoBatch, AepoConfig, AepoRollout, AepoStepResult } from '@ares/aepo';

const STEPS = 12;
const GROUP_SIZE = 8;
const PADDING = 10;

/**
 * A synthetic policy over five prompts whose HWE counts and accuracies drift with the step k:
 * - `e0`, `e1` (easy): 7 of 8 correct, N_HE ≈ 40 − 2k, KL per token small (δ = ref − lp = 0.05);
 * - `h0`, `h1` (hard): 1 of 8 correct, N_HE ≈ 20 + 4k, KL per token large (δ = 1);
 * - `learner`: round(8·k/(K − 1)) of 8 correct, at seeded positions (hard for k ≤ 3, medium for 4 ≤ k ≤ 7, easy
 *   from k = 8), N_HE ≈ 30 − 2k (it thinks less as it learns), δ = 0.1.
 * N_HE gets integer noise in {−1, 0, 1}. A rollout with count N is N + 3 tokens of entropy 3 followed by 10 zeros,
 * which has exactly N windows ≥ τ for any τ ∈ (2.25, 3], and every per-sequence released threshold is 3, so with
 * an initial τ of 3 the threshold stays at 3 (up to the EMA's rounding).
 */
function simulate(seed: number): AepoBatch[] {
  const random = createRng(seed);
  const noise = () => Math.floor(random() * 3) - 1;
  const batches: AepoBatch[] = [];
  for (let step = 0; step < STEPS; step++) {
    const rollouts: AepoRollout[] = [];
    const add = (promptId: string, correct: boolean, count: number, klGap: number) => {
      const length = count + 3 + PADDING;
      const entropies = [...Array<number>(count + 3).fill(3), ...Array<number>(PADDING).fill(0)];
      const logProbs = Array<number>(length).fill(-1);
      rollouts.push({ promptId, correct, entropies, logProbs, referenceLogProbs: logProbs.map((value) => value + klGap) });
    };
    for (const prompt of ['e0', 'e1']) {
      const wrong = Math.floor(random() * GROUP_SIZE);
      for (let sample = 0; sample < GROUP_SIZE; sample++) add(prompt, sample !== wrong, 40 - 2 * step + noise(), 0.05);
    }
    for (const prompt of ['h0', 'h1']) {
      const right = Math.floor(random() * GROUP_SIZE);
      for (let sample = 0; sample < GROUP_SIZE; sample++) add(prompt, sample === right, 20 + 4 * step + noise(), 1);
    }
    const correct = Math.round((GROUP_SIZE * step) / (STEPS - 1));
    const order = Array.from({ length: GROUP_SIZE }, (_, index) => index);
    for (let index = GROUP_SIZE - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1)); // Fisher–Yates
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    for (let sample = 0; sample < GROUP_SIZE; sample++) {
      add('learner', order.indexOf(sample) < correct, 30 - 2 * step + noise(), 0.1);
    }
    batches.push({ rollouts });
  }
  return batches;
}

const config: AepoConfig = { threshold: { initialThreshold: 3 } };

describe('AepoStep over a drifting synthetic policy', () => {
  const batches = simulate(7);
  const step = new AepoStep(config);
  const results: AepoStepResult[] = batches.map((batch) => step.run(batch));

  it('keeps τ at 3 and counts the designed N_HE', () => {
    for (const [index, result] of results.entries()) {
      expectAllClose(result.threshold, 3, FLOAT64); // 0.99·3 + 0.01·3 rounds to 3 − 4e-16
      const designed = batches[index]!.rollouts.map((rollout) => (rollout.entropies as number[]).length - 3 - PADDING);
      expect(result.rollouts.map((rollout) => rollout.hweCount)).toEqual(designed);
    }
  });

  it('moves the learner from hard to medium to easy as its accuracy rises', () => {
    const learner = (result: AepoStepResult) => result.rollouts.find((rollout) => rollout.promptId === 'learner')!;
    // 0, 1, 1, 2 | 3, 4, 4, 5 | 6, 7, 7, 8 of 8 correct.
    expect(results.map((result) => learner(result).bucket)).toEqual([
      ...Array<string>(4).fill('hard'),
      ...Array<string>(4).fill('medium'),
      ...Array<string>(4).fill('easy'),
    ]);
    expect(results.map((result) => learner(result).passRate * 8)).toEqual([0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8]);
    for (const result of results) {
      for (const rollout of result.rollouts) {
        if (rollout.promptId.startsWith('e')) expect(rollout.bucket).toBe('easy');
        if (rollout.promptId.startsWith('h')) expect(rollout.bucket).toBe('hard');
      }
    }
  });

  it('raises the hard target with the hard prompts’ N_HE and lowers the easy one, each within 0.5 of its mean', () => {
    const hard = results.map((result) => result.targets.hard.target);
    const easy = results.map((result) => result.targets.easy.target);
    for (let index = 1; index < STEPS; index++) {
      expect(hard[index]!).toBeGreaterThanOrEqual(hard[index - 1]!);
      expect(easy[index]!).toBeLessThanOrEqual(easy[index - 1]!);
    }
    expect(hard[STEPS - 1]! - hard[0]!).toBeGreaterThanOrEqual(30); // N_HE rises by 4 per step
    expect(easy[0]! - easy[STEPS - 1]!).toBeGreaterThanOrEqual(15); // and falls by 2 per step
    for (const result of results) {
      for (const bucket of DIFFICULTY_BUCKETS) {
        const summary = result.buckets[bucket];
        // Equal group sizes: the mean of per-prompt means is the mean over rollouts.
        if (summary.rollouts > 0) expect(Math.abs(summary.target - summary.meanHweCount)).toBeLessThanOrEqual(0.5 + 1e-9);
      }
    }
  });

  it('moves α by 0.05·δ_d (δ = mean − T for easy and medium, T − mean for hard) within [0, 0.55]', () => {
    let previous = { easy: 0.5, medium: 0.5, hard: 0.5 };
    for (const result of results) {
      for (const bucket of DIFFICULTY_BUCKETS) {
        const { alpha, target, meanHweCount, rollouts } = result.buckets[bucket];
        expect(alpha).toBeGreaterThanOrEqual(0);
        expect(alpha).toBeLessThanOrEqual(0.55);
        expect(Math.abs(alpha - previous[bucket])).toBeLessThanOrEqual(0.025 + 1e-12);
        if (rollouts === 0) expect(alpha).toBe(previous[bucket]);
        else {
          const deviation = bucket === 'hard' ? target - meanHweCount : meanHweCount - target;
          const expected = Math.min(Math.max(previous[bucket] + 0.05 * deviation, 0), 0.55);
          expect(Math.abs(alpha - expected)).toBeLessThanOrEqual(1e-12);
        }
      }
      previous = { easy: result.buckets.easy.alpha, medium: result.buckets.medium.alpha, hard: result.buckets.hard.alpha };
    }
    // The hard prompts' N_HE keeps rising above the rounding, so over the run α_hard has moved.
    expect(results[STEPS - 1]!.buckets.hard.alpha).not.toBe(0.5);
  });

  it('raises κ_hard while KL_ctrl(hard) is over its budget 0.02 and lowers κ_easy while under 0.005', () => {
    let hard = 1;
    let easy = 1;
    for (const result of results) {
      expect(result.klControl.hard!).toBeGreaterThan(0.02);
      expect(result.klControl.easy!).toBeLessThan(0.005);
      expect(result.buckets.hard.klCoefficient).toBeGreaterThan(hard);
      expect(result.buckets.easy.klCoefficient).toBeLessThan(easy);
      hard = result.buckets.hard.klCoefficient;
      easy = result.buckets.easy.klCoefficient;
    }
    expect(hard).toBeLessThanOrEqual(100);
    expect(easy).toBeGreaterThanOrEqual(1e-4);
  });
});

describe('AepoStep JSON round trip', () => {
  const configs: [string, AepoConfig][] = [
    ['the default config', config],
    [
      'paper τ, paper-lagged shaping, ema tracker, accuracy filter and the ziegler controller',
      {
        threshold: { estimator: 'paper' },
        shaping: 'paper-lagged',
        tracker: { mode: 'ema', emaDecay: 0.7 },
        filterKey: 'accuracy',
        kl: { controller: { kind: 'ziegler' }, coverage: 'covered' },
      },
    ],
  ];

  it.each(configs)('restores the state mid-run with identical subsequent outputs (%s)', (_name, stepConfig) => {
    const batches = simulate(11);
    const original = new AepoStep(stepConfig);
    for (const batch of batches.slice(0, 6)) original.run(batch);
    const saved = original.toJSON();
    const text = JSON.stringify(saved);
    expect(JSON.parse(text)).toEqual(saved); // plain JSON: no NaN, undefined or typed arrays
    const restored = AepoStep.fromJSON(JSON.parse(text) as typeof saved, stepConfig);
    expect(restored.steps).toBe(6);
    for (const batch of batches.slice(6)) expect(restored.run(batch)).toEqual(original.run(batch));
    expect(restored.toJSON()).toEqual(original.toJSON());
  });
});
