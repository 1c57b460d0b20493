import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BENCH_SHAPE, runBench } from './bench';
import { BENCH_MODEL_CONFIG, modelConfig } from './model/config';

describe('runBench', () => {
  it('uses the issue 7 bench model and workload by default', () => {
    expect(BENCH_MODEL_CONFIG).toMatchObject({ vocabSize: 64, width: 128, layers: 4, heads: 4, context: 128, image: null });
    expect(BENCH_SHAPE).toEqual({ trainBatch: 32, trainLength: 128, generationBatch: 32, promptLength: 16, newTokens: 112 });
    expect(BENCH_SHAPE.promptLength + BENCH_SHAPE.newTokens).toBe(BENCH_MODEL_CONFIG.context);
  });

  it('measures positive finite throughputs on the active backend and leaks no tensors', async () => {
    const model = modelConfig({ vocabSize: 16, width: 8, layers: 1, heads: 2, context: 16, image: null });
    const shape = { trainBatch: 2, trainLength: 8, generationBatch: 2, promptLength: 3, newTokens: 5 };
    const before = tf.memory().numTensors;
    const result = await runBench({ model, shape, trainSteps: 1, generationRuns: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(result)).toEqual(['trainTokensPerSec', 'genTokensPerSec', 'backend']);
    expect(result.backend).toBe(tf.getBackend());
    for (const value of [result.trainTokensPerSec, result.genTokensPerSec]) expect(Number.isFinite(value) && value > 0).toBe(true);
  });

  it('throws INVALID_ARGUMENT for non-positive repetitions', async () => {
    await expect(runBench({ trainSteps: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.trainSteps' });
  });
});
