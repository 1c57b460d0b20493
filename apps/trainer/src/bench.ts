import * as tf from '@tensorflow/tfjs-core';
import { assertInteger, createRng } from '@ares/core';
import { BENCH_MODEL_CONFIG, type ModelConfig } from './model/config';
import { DEFAULT_GATHER_GRADIENT, type GatherGradient } from './model/ops';
import { disposeParameters, initializeParameters } from './model/parameters';
import { sampleSequences } from './sampling/sample';
import { sftStep } from './training/sft-step';

/** Workload of {@link runBench}. */
export interface BenchShape {
  /** Sequences per training step. */
  readonly trainBatch: number;
  /** Tokens per training sequence. */
  readonly trainLength: number;
  /** Sequences generated together. */
  readonly generationBatch: number;
  /** Prompt tokens per generated sequence. */
  readonly promptLength: number;
  /** Sampled tokens per generated sequence. */
  readonly newTokens: number;
}

/** The fixed workload: training 32 × 128 tokens; generation 32 rows, 16 prompt + 112 new tokens. */
export const BENCH_SHAPE: BenchShape = Object.freeze({ trainBatch: 32, trainLength: 128, generationBatch: 32, promptLength: 16, newTokens: 112 });

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  /**
   * The model.
   * @default BENCH_MODEL_CONFIG
   */
  readonly model?: ModelConfig;
  /**
   * The workload.
   * @default BENCH_SHAPE
   */
  readonly shape?: BenchShape;
  /**
   * Timed training steps (after one warm-up step); the median counts.
   * @default 5
   */
  readonly trainSteps?: number;
  /**
   * Timed generation runs (after one warm-up run); the median counts.
   * @default 3
   */
  readonly generationRuns?: number;
  /**
   * Gradient of the embedding lookup.
   * @default 'scatter'
   */
  readonly gatherGradient?: GatherGradient;
}

/** Defaults of {@link RunBenchOptions}. */
export const DEFAULT_RUN_BENCH_OPTIONS: Readonly<Required<RunBenchOptions>> = Object.freeze({
  model: BENCH_MODEL_CONFIG,
  shape: BENCH_SHAPE,
  trainSteps: 5,
  generationRuns: 3,
  gatherGradient: DEFAULT_GATHER_GRADIENT,
});

/** Throughput measured by {@link runBench}. */
export interface BenchResult {
  /** Training tokens per second: batch × length / median step time (forward, backward, clipping, Adam). */
  readonly trainTokensPerSec: number;
  /** Generated tokens per second: batch × new tokens / median run time (prefill included, sampled, KV cache). */
  readonly genTokensPerSec: number;
  /** `tf.getBackend()` during the measurement. */
  readonly backend: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Measures training and generation throughput of a model on the active tfjs backend, with seeded random weights
 * and token ids (the speed does not depend on what the model learned).
 *
 * @param options - model, workload and repetitions
 * @returns tokens per second for training and generation, and the backend
 * @throws {AresError} `INVALID_ARGUMENT` for non-positive repetitions or a workload that does not fit the context
 */
export async function runBench(options: RunBenchOptions = {}): Promise<BenchResult> {
  const model = options.model ?? DEFAULT_RUN_BENCH_OPTIONS.model;
  const shape = options.shape ?? DEFAULT_RUN_BENCH_OPTIONS.shape;
  const trainSteps = options.trainSteps ?? DEFAULT_RUN_BENCH_OPTIONS.trainSteps;
  const generationRuns = options.generationRuns ?? DEFAULT_RUN_BENCH_OPTIONS.generationRuns;
  const gatherGradient = options.gatherGradient ?? DEFAULT_RUN_BENCH_OPTIONS.gatherGradient;
  assertInteger(trainSteps, 'options.trainSteps');
  assertInteger(generationRuns, 'options.generationRuns');
  assertInteger(shape.trainLength, 'options.shape.trainLength');
  const random = createRng('bench');
  const token = () => Math.floor(random() * model.vocabSize);
  const parameters = initializeParameters(model, 'bench');
  const optimizer = tf.train.adam(1e-3);
  try {
    const size = shape.trainBatch * shape.trainLength;
    const batch = {
      batch: shape.trainBatch,
      length: shape.trainLength,
      tokens: Int32Array.from({ length: size }, token),
      targets: Int32Array.from({ length: size }, token),
      mask: new Float32Array(size).fill(1),
    };
    const stepTimes: number[] = [];
    for (let step = 0; step <= trainSteps; step++) {
      const start = performance.now();
      await sftStep(parameters, model, optimizer, batch, { gatherGradient });
      if (step > 0) stepTimes.push(performance.now() - start);
    }
    const prompts = Array.from({ length: shape.generationBatch }, () => Int32Array.from({ length: shape.promptLength }, token));
    const runTimes: number[] = [];
    for (let run = 0; run <= generationRuns; run++) {
      const start = performance.now();
      await sampleSequences(parameters, model, { prompts }, { maxNewTokens: shape.newTokens, random: createRng(run) });
      if (run > 0) runTimes.push(performance.now() - start);
    }
    return {
      trainTokensPerSec: round(size / (median(stepTimes) / 1000)),
      genTokensPerSec: round((shape.generationBatch * shape.newTokens) / (median(runTimes) / 1000)),
      backend: tf.getBackend(),
    };
  } finally {
    optimizer.dispose();
    disposeParameters(parameters);
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
