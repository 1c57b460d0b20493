import { DIFFICULTY_BUCKETS, type DifficultyBucket } from '@ares/core';
import type { ReportData, RlBucketRecord, RlStepRecord, SftStepRecord } from './types';

/** Base SFT steps in {@link fixture}. */
const BASE_STEPS = 30;
/** Cold-start SFT steps in {@link fixture}. */
const COLD_START_STEPS = 15;
/** Steps of each RL stage in {@link fixture}. */
const RL_STEPS = 12;

function sftRecords(): SftStepRecord[] {
  const records: SftStepRecord[] = [];
  for (let step = 1; step <= BASE_STEPS; step++) {
    records.push({ stage: 'base', step, loss: 3.37 * Math.exp(-step / 9) + 0.9 + 0.05 * Math.sin(step * 1.7) });
  }
  for (let step = 1; step <= COLD_START_STEPS; step++) {
    records.push({ stage: 'coldStart', step, loss: 1.1 * Math.exp(-step / 6) + 0.55 + 0.03 * Math.sin(step * 2.3) });
  }
  return records;
}

/** Start and per-step drift of each bucket figure, by stage: AEPO shortens easy and lengthens hard responses. */
const TRENDS = {
  grpo: {
    easy: { accuracy: [0.78, 0.008], meanLength: [40, 0.15], meanHweCount: [0.6, 0.01], alpha: [0, 0], kl: [0.01, 0] },
    medium: { accuracy: [0.44, 0.01], meanLength: [50, 0.2], meanHweCount: [1.3, 0.01], alpha: [0, 0], kl: [0.01, 0] },
    hard: { accuracy: [0.1, 0.006], meanLength: [62, 0.3], meanHweCount: [2.0, 0.02], alpha: [0, 0], kl: [0.01, 0] },
  },
  aepo: {
    easy: { accuracy: [0.8, 0.008], meanLength: [40, -0.9], meanHweCount: [0.6, -0.04], alpha: [0.5, 0.02], kl: [0.01, 0.0008] },
    medium: { accuracy: [0.45, 0.012], meanLength: [50, -0.4], meanHweCount: [1.3, -0.02], alpha: [0.3, 0.01], kl: [0.01, 0.0002] },
    hard: { accuracy: [0.1, 0.011], meanLength: [62, 1.5], meanHweCount: [2.0, 0.11], alpha: [0.2, 0.015], kl: [0.01, -0.0004] },
  },
} as const;

/** Steps without a rollout of the hard bucket (its figures are `null`). */
const EMPTY_HARD_STEPS = { grpo: [3], aepo: [7] } as const;

function rlBucket(stage: 'grpo' | 'aepo', bucket: DifficultyBucket, step: number): RlBucketRecord {
  const trend = TRENDS[stage][bucket];
  const at = ([start, drift]: readonly [number, number], wobble: number) => start + drift * (step - 1) + wobble * Math.sin(step * 1.3 + start);
  const klCoefficient = at(trend.kl, 0);
  const alpha = at(trend.alpha, 0);
  if (bucket === 'hard' && (EMPTY_HARD_STEPS[stage] as readonly number[]).includes(step)) {
    return { rollouts: 0, accuracy: null, meanLength: null, meanHweCount: null, alpha, klCoefficient };
  }
  return {
    rollouts: 8,
    accuracy: Math.min(1, Math.max(0, at(trend.accuracy, 0.03))),
    meanLength: at(trend.meanLength, 1.5),
    meanHweCount: Math.max(0, at(trend.meanHweCount, 0.08)),
    alpha,
    klCoefficient,
  };
}

function rlRecords(): RlStepRecord[] {
  const records: RlStepRecord[] = [];
  for (const stage of ['grpo', 'aepo'] as const) {
    for (let step = 1; step <= RL_STEPS; step++) {
      const buckets = Object.fromEntries(DIFFICULTY_BUCKETS.map((bucket) => [bucket, rlBucket(stage, bucket, step)])) as Record<DifficultyBucket, RlBucketRecord>;
      records.push({
        stage,
        step,
        threshold: stage === 'grpo' ? 1.42 - 0.004 * step + 0.01 * Math.sin(step) : 1.37 + 0.003 * step + 0.008 * Math.cos(step),
        loss: 0.05 * Math.cos(step) - 0.01,
        kl: 0.002 * step,
        branches: stage === 'aepo' ? 4 : 0,
        buckets,
      });
    }
  }
  return records;
}

/**
 * A realistic, deterministic {@link ReportData} of a small run: 30 base and 15 cold-start SFT steps, 12 GRPO and
 * 12 AEPO steps (the hard bucket has no rollout in GRPO step 3 and AEPO step 7), a complete held-out evaluation of
 * 40 responses per bucket and stage, four samples with `<think>` tokens and HWE flags, curation and timings.
 *
 * Held-out figures (hand-chosen so the report's rounding is unambiguous):
 *
 * | bucket | coldStart acc / len / HWE | grpo | aepo |
 * |---|---|---|---|
 * | easy   | 0.675 / 38.42 / 0.55   | 0.825 / 41.04 / 0.3  | 0.875 / 29.63 / 0.1     |
 * | medium | 0.45 / 52.16 / 1.2083… | 0.525 / 48.7 / 1.05  | 0.575 / 44.28 / 0.9166… |
 * | hard   | 0.125 / 71.9 / 2.4     | 0.15 / 66.38 / 1.9   | 0.225 / 83.51 / 3.2833… |
 *
 * @returns a new object on every call (tests may modify their copy)
 * @example
 * ```ts
 * const html = renderReport({ ...fixture(), rl: [] });
 * ```
 */
export function fixture(): ReportData {
  return {
    title: 'ARES trainer: small preset',
    generatedAt: '2025-03-14T09:26:53.589Z',
    preset: 'small',
    backend: 'wasm',
    config: {
      preset: 'small',
      seed: 42,
      model: { layers: 2, modelWidth: 64, heads: 4, vocabSize: 30, maxLength: 96 },
      sft: { baseSteps: BASE_STEPS, coldStartSteps: COLD_START_STEPS, batchSize: 16, learningRate: 0.003 },
      rl: { steps: RL_STEPS, groupSize: 8, prompts: 4, temperature: 1, window: 4, thresholdEstimator: 'released' },
      evaluation: { problemsPerBucket: 40 },
    },
    summary: {
      backend: 'wasm',
      stages: {
        coldStart: {
          easy: { accuracy: 27 / 40, meanLength: 38.42, meanHweCount: 0.55, n: 40 },
          medium: { accuracy: 18 / 40, meanLength: 52.16, meanHweCount: 29 / 24, n: 40 },
          hard: { accuracy: 5 / 40, meanLength: 71.9, meanHweCount: 2.4, n: 40 },
        },
        grpo: {
          easy: { accuracy: 33 / 40, meanLength: 41.04, meanHweCount: 0.3, n: 40 },
          medium: { accuracy: 21 / 40, meanLength: 48.7, meanHweCount: 1.05, n: 40 },
          hard: { accuracy: 6 / 40, meanLength: 66.38, meanHweCount: 1.9, n: 40 },
        },
        aepo: {
          easy: { accuracy: 35 / 40, meanLength: 29.63, meanHweCount: 0.1, n: 40 },
          medium: { accuracy: 23 / 40, meanLength: 44.28, meanHweCount: 11 / 12, n: 40 },
          hard: { accuracy: 9 / 40, meanLength: 83.51, meanHweCount: 197 / 60, n: 40 },
        },
      },
    },
    evaluationThreshold: 1.3862,
    sft: sftRecords(),
    rl: rlRecords(),
    samples: [
      {
        stage: 'coldStart',
        problemId: 'arithmetic-17',
        bucket: 'easy',
        prompt: '3+4=?',
        gold: '7',
        correct: true,
        tokens: ['<think>', '3', '+', '4', '=', '7', '</think>', '\\boxed{', '7', '}', '<eos>'],
        hwe: [false, false, false, false, false, false, false, false, false, false, false],
      },
      {
        stage: 'grpo',
        problemId: 'count-5',
        bucket: 'medium',
        prompt: 'How many blocks are in the image?',
        gold: '6',
        correct: false,
        tokens: ['<think>', 'count', ' ', '5', '</think>', '\\boxed{', '5', '}', '<eos>'],
        hwe: [false, true, false, false, false, false, false, false, false],
      },
      {
        stage: 'aepo',
        problemId: 'arithmetic-203',
        bucket: 'hard',
        prompt: '12*3-7+5=?',
        gold: '34',
        correct: true,
        tokens: [
          '<think>', '1', '2', '*', '3', '=', '3', '6', '\n', '3', '6', '-', '7', '=', '2', '9', '\n',
          'wait', ' ', 'check', ' ', '3', '6', '-', '7', '=', '2', '9', ' ', 'ok', '\n',
          '2', '9', '+', '5', '=', '3', '4', '</think>', '\\boxed{', '3', '4', '}', '<eos>',
        ],
        hwe: [
          false, false, false, false, false, false, false, false, false, false, false, true, false, false, false, false, false,
          true, false, true, false, false, false, false, false, false, false, false, false, false, false,
          false, false, true, false, false, false, false, false, false, false, false, false, false,
        ],
      },
      {
        stage: 'aepo',
        problemId: 'add-41',
        bucket: 'easy',
        prompt: 'Add the two numbers in the image.',
        gold: '58',
        correct: true,
        tokens: ['<think>', 'add', ' ', '2', '3', '+', '3', '5', '=', '5', '8', '</think>', '\\boxed{', '5', '8', '}', '<eos>'],
        hwe: [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false],
      },
    ],
    curation: [
      { bucket: 'easy', verbosity: 'terse', count: 20 },
      { bucket: 'easy', verbosity: 'steps', count: 6 },
      { bucket: 'easy', verbosity: 'recheck', count: 2 },
      { bucket: 'medium', verbosity: 'terse', count: 5 },
      { bucket: 'medium', verbosity: 'steps', count: 14 },
      { bucket: 'medium', verbosity: 'recheck', count: 7 },
      { bucket: 'hard', verbosity: 'terse', count: 1 },
      { bucket: 'hard', verbosity: 'steps', count: 6 },
      { bucket: 'hard', verbosity: 'recheck', count: 15 },
    ],
    timings: [
      { phase: 'data', seconds: 0.42 },
      { phase: 'base SFT', seconds: 63.84 },
      { phase: 'AdaCS curation', seconds: 4.13 },
      { phase: 'cold start', seconds: 21.37 },
      { phase: 'GRPO', seconds: 148.21 },
      { phase: 'AEPO', seconds: 171.93 },
      { phase: 'evaluation', seconds: 12.06 },
    ],
  };
}
