import { presetConfig, type TrainerConfig } from './config';

/**
 * Overrides of the smoke preset that make a whole pipeline run take seconds on the cpu backend: a one-layer
 * width-16 model, short chains, a handful of steps and problems, checkpoints every 2 steps.
 * @internal
 */
export const TINY_OVERRIDES = Object.freeze({
  seed: 3,
  model: { width: 16, layers: 1, heads: 2, context: 64, mlpRatio: 2 },
  tasks: { kinds: ['arithmetic', 'count', 'add'], levels: { arithmetic: [1, 2], count: [1, 3], add: [1, 2] } },
  base: { steps: 6, batchSize: 8, learningRate: 3e-3 },
  passRates: { problems: 12, samples: 2 },
  coldStart: { steps: 4, batchSize: 8, learningRate: 1e-3, brackets: 3 },
  rl: { steps: 3, promptsPerStep: 3, groupSize: 4, promptPool: 16 },
  aepo: { budget: { easy: 0, medium: 1, hard: 2 } },
  eval: { problems: 12, samples: 2 },
  maxNewTokens: 40,
  checkpointEvery: 2,
  reportSamples: 2,
});

/** The tiny configuration of the pipeline tests. @internal */
export function tinyConfig(): TrainerConfig {
  return presetConfig('smoke', { ...TINY_OVERRIDES, preset: 'tiny' });
}
