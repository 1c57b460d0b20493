import { z } from 'zod';
import { AresError } from '@ares/core';
import { BACKEND_NAMES, type BackendName } from '../backend';
import { prefixLength, type ImageEncoderConfig } from '../model/config';
import { IMAGE_SIZE, MAX_LEVEL, TASK_KINDS, type TaskKind } from '../tasks/problems';
import { VERBOSITIES } from '../tasks/traces';

/** The presets of `ares-train run --preset`. */
export type PresetName = 'smoke' | 'small' | 'full';

/** Every {@link PresetName}. */
export const PRESET_NAMES: readonly PresetName[] = Object.freeze(['smoke', 'small', 'full']);

const positiveInteger = z.number().int().min(1);
const nonNegativeInteger = z.number().int().min(0);
const positive = z.number().positive().finite();
const probability = z.number().min(0).max(1);
const levelRange = z.tuple([positiveInteger, positiveInteger]).refine(([low, high]) => low <= high, { message: 'expected [low, high] with low ≤ high' });

const sftSchema = z.strictObject({
  /** Optimiser steps. */
  steps: positiveInteger,
  /** Sequences per step. */
  batchSize: positiveInteger,
  /** Adam learning rate. */
  learningRate: positive,
});

const rlSchema = z.strictObject({
  /** RL steps of each of GRPO and AEPO. */
  steps: positiveInteger,
  /** Prompts per step. */
  promptsPerStep: positiveInteger,
  /** G, rollouts per prompt (i.i.d. plus branches). */
  groupSize: z.number().int().min(2),
  /** Adam learning rate. */
  learningRate: positive,
  /** Sampling temperature of the rollouts. */
  temperature: positive,
  /** Clip range ε of the surrogate (clipLow; clipHigh = clipLow + 0.08 as in DAPO's clip-higher). */
  clip: z.number().positive().max(1),
  /** KL coefficient of the GRPO baseline (fixed) and the initial κ_d of AEPO's dual ascent. */
  klCoefficient: z.number().min(0).finite(),
  /** Distinct RL training prompts the steps draw from. */
  promptPool: positiveInteger,
});

const aepoSchema = z.strictObject({
  /** Branches per bucket (planBranches budget); each ≤ groupSize − 1. */
  budget: z.strictObject({ easy: nonNegativeInteger, medium: nonNegativeInteger, hard: nonNegativeInteger }),
  /** Window length w of the window entropies. */
  window: positiveInteger,
  /** ρ: KL weight factor on HWE tokens. */
  rho: z.number().positive().max(1),
  /** Per-bucket KL budgets δ_d of the dual-ascent controller. */
  klBudget: z.strictObject({ easy: z.number().min(0).finite(), medium: z.number().min(0).finite(), hard: z.number().min(0).finite() }),
  /** Dual-ascent step size η of κ_d. */
  klStepSize: z.number().min(0).finite(),
  /** Initial α_d. */
  initialAlpha: z.number().min(0).finite(),
  /** Step size of α_d. */
  alphaLearningRate: z.number().min(0).finite(),
});

/** The schema of a trainer configuration (`config.json` of a run directory). */
export const trainerConfigSchema = z.strictObject({
  version: z.literal(1),
  preset: z.string().min(1),
  /** Master seed: tasks, initial weights, sampling. */
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  model: z.strictObject({
    width: positiveInteger,
    layers: positiveInteger,
    heads: positiveInteger,
    context: positiveInteger,
    mlpRatio: positiveInteger,
  }),
  tasks: z.strictObject({
    kinds: z.array(z.enum(TASK_KINDS as [TaskKind, ...TaskKind[]])).min(1),
    /** Inclusive level range per kind. */
    levels: z.strictObject({ arithmetic: levelRange, count: levelRange, add: levelRange }),
  }),
  /** Stage 0: the base model imitates teacher traces of every verbosity. */
  base: sftSchema.extend({
    /** Relative frequency of each verbosity in the base model's traces. */
    verbosityMix: z.strictObject({ terse: z.number().min(0), steps: z.number().min(0), recheck: z.number().min(0) }),
  }),
  /** Pass rates of the base model, the AdaCS input. */
  passRates: z.strictObject({
    /** Problems sampled for curation. */
    problems: positiveInteger,
    /** K rollouts per problem. */
    samples: positiveInteger,
  }),
  /** Stage 1: AdaCS curation and SFT from the base model. */
  coldStart: sftSchema.extend({
    /** Pass-rate brackets B of the curation. */
    brackets: positiveInteger,
  }),
  /** Stage 2: GRPO baseline and AEPO, both from the cold start. */
  rl: rlSchema,
  aepo: aepoSchema,
  /** Held-out evaluation of every stage. */
  eval: z.strictObject({
    problems: positiveInteger,
    samples: positiveInteger,
    temperature: positive,
  }),
  /** Longest response in tokens (the sampler stops there). */
  maxNewTokens: positiveInteger,
  /** Checkpoint every N optimiser steps inside a stage (and at every stage end). */
  checkpointEvery: positiveInteger,
  /** Held-out responses per stage shown in the report. */
  reportSamples: nonNegativeInteger,
});

/** A complete trainer configuration. */
export type TrainerConfig = z.infer<typeof trainerConfigSchema>;

const SMOKE: TrainerConfig = {
  version: 1,
  preset: 'smoke',
  seed: 1,
  model: { width: 48, layers: 2, heads: 4, context: 96, mlpRatio: 4 },
  tasks: { kinds: ['arithmetic', 'count', 'add'], levels: { arithmetic: [1, 4], count: [1, 5], add: [1, 3] } },
  base: { steps: 600, batchSize: 32, learningRate: 3e-3, verbosityMix: { terse: 1, steps: 1, recheck: 1 } },
  passRates: { problems: 192, samples: 4 },
  coldStart: { steps: 150, batchSize: 32, learningRate: 1e-3, brackets: 5 },
  rl: { steps: 16, promptsPerStep: 8, groupSize: 6, learningRate: 1e-4, temperature: 1, clip: 0.2, klCoefficient: 0.02, promptPool: 256 },
  aepo: {
    budget: { easy: 0, medium: 2, hard: 3 },
    window: 4,
    rho: 0.5,
    klBudget: { easy: 0.02, medium: 0.05, hard: 0.1 },
    klStepSize: 0.05,
    initialAlpha: 0.5,
    alphaLearningRate: 0.05,
  },
  eval: { problems: 120, samples: 2, temperature: 1 },
  maxNewTokens: 64,
  checkpointEvery: 50,
  reportSamples: 4,
};

const SMALL: TrainerConfig = {
  ...SMOKE,
  preset: 'small',
  model: { width: 64, layers: 2, heads: 4, context: 128, mlpRatio: 4 },
  tasks: { kinds: ['arithmetic', 'count', 'add'], levels: { arithmetic: [1, 6], count: [1, 8], add: [1, 4] } },
  base: { steps: 2500, batchSize: 32, learningRate: 2e-3, verbosityMix: { terse: 1, steps: 1, recheck: 1 } },
  passRates: { problems: 600, samples: 8 },
  coldStart: { steps: 400, batchSize: 32, learningRate: 5e-4, brackets: 9 },
  rl: { steps: 150, promptsPerStep: 16, groupSize: 8, learningRate: 1e-4, temperature: 1, clip: 0.2, klCoefficient: 0.02, promptPool: 1024 },
  aepo: { ...SMOKE.aepo, budget: { easy: 0, medium: 2, hard: 4 }, klStepSize: 0.5 },
  eval: { problems: 300, samples: 4, temperature: 1 },
  maxNewTokens: 96,
  checkpointEvery: 100,
  reportSamples: 6,
};

const FULL: TrainerConfig = {
  ...SMALL,
  preset: 'full',
  model: { width: 256, layers: 6, heads: 8, context: 192, mlpRatio: 4 },
  tasks: { kinds: ['arithmetic', 'count', 'add'], levels: { arithmetic: [1, 8], count: [1, 9], add: [1, 6] } },
  base: { steps: 8000, batchSize: 64, learningRate: 1e-3, verbosityMix: { terse: 1, steps: 1, recheck: 1 } },
  passRates: { problems: 2000, samples: 16 },
  coldStart: { steps: 2000, batchSize: 64, learningRate: 3e-4, brackets: 9 },
  rl: { steps: 300, promptsPerStep: 32, groupSize: 8, learningRate: 5e-5, temperature: 1, clip: 0.2, klCoefficient: 0.02, promptPool: 8192 },
  eval: { problems: 1500, samples: 8, temperature: 1 },
  maxNewTokens: 136,
  checkpointEvery: 100,
  reportSamples: 8,
};

/** The built-in presets: `smoke` (the Quickstart job, minutes on 2 CPU cores), `small` (~30 min), `full` (a GPU). */
export const PRESETS: Readonly<Record<PresetName, TrainerConfig>> = Object.freeze({ smoke: SMOKE, small: SMALL, full: FULL });

function pathOf(path: readonly PropertyKey[]): string {
  let out = 'config';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function invalid(parameter: string, value: unknown, message: string): never {
  throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value, message: `${parameter}: ${message}` });
}

/**
 * Checks a trainer configuration: the schema (types, ranges, no unknown fields), then the cross-field rules.
 *
 * @param value - parsed JSON, e.g. a preset with overrides or a run directory's `config.json`
 * @returns the configuration, typed
 * @throws {AresError} `INVALID_ARGUMENT` whose parameter names the first offending field (`config.rl.groupSize`,
 *   `config.tasks.levels.add[1]`, …) and whose message says what was expected; nothing has run yet
 * @remarks
 * Cross-field rules: `model.width` divisible by `model.heads`; level ranges within each kind's levels; branch
 *   budgets below the group size; a verbosity mix with a positive total; the longest prompt plus `maxNewTokens`
 *   and the image prefix within `model.context`.
 */
export function parseTrainerConfig(value: unknown): TrainerConfig {
  const parsed = trainerConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    invalid(pathOf(path), valueAt(value, path), issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message);
  }
  const config = parsed.data;
  if (config.model.width % config.model.heads !== 0) {
    invalid('config.model.width', config.model.width, `must be a multiple of model.heads (${config.model.heads})`);
  }
  for (const kind of TASK_KINDS) {
    const [, high] = config.tasks.levels[kind];
    if (high > MAX_LEVEL[kind]) invalid(`config.tasks.levels.${kind}[1]`, high, `${kind} has levels 1–${MAX_LEVEL[kind]}`);
  }
  for (const bucket of ['easy', 'medium', 'hard'] as const) {
    if (config.aepo.budget[bucket] >= config.rl.groupSize) {
      invalid(`config.aepo.budget.${bucket}`, config.aepo.budget[bucket], `must be below rl.groupSize (${config.rl.groupSize}): a group needs an i.i.d. rollout to branch from`);
    }
  }
  const mix = config.base.verbosityMix;
  if (VERBOSITIES.every((verbosity) => mix[verbosity] === 0)) invalid('config.base.verbosityMix', mix, 'at least one weight must be positive');
  if (config.maxNewTokens < MIN_RESPONSE_TOKENS) {
    invalid('config.maxNewTokens', config.maxNewTokens, `must be at least ${MIN_RESPONSE_TOKENS}, the shortest complete response (<think>so NN</think>\\boxed{NN} and EOS)`);
  }
  const needed = IMAGE_PREFIX + longestPrompt(config) + config.maxNewTokens;
  if (needed > config.model.context) {
    invalid('config.maxNewTokens', config.maxNewTokens, `${IMAGE_PREFIX} image + ${longestPrompt(config)} prompt + ${config.maxNewTokens} new tokens exceed model.context ${config.model.context}`);
  }
  return config;
}

/** Tokens of the longest terse response: `<think>`, `so`, space, two digits, `</think>`, `\boxed{`, two digits, `}`, EOS. */
export const MIN_RESPONSE_TOKENS = 11;

/** The trainer model's image encoder: the tasks' 16×16 images in 4×4 patches. */
export const TRAINER_IMAGE: ImageEncoderConfig = Object.freeze({ size: IMAGE_SIZE, patch: 4 });

/** Image prefix positions of the trainer's model: (16 / 4)² = 16 patches. */
export const IMAGE_PREFIX = prefixLength({ image: TRAINER_IMAGE });

/** Tokens of the longest prompt the configured tasks can produce, BOS included. */
export function longestPrompt(config: Pick<TrainerConfig, 'tasks'>): number {
  // `a+b-c=?`: a start digit, per operation an operator and a digit, '=' and '?'; visual prompts are 3 tokens.
  const arithmetic = config.tasks.kinds.includes('arithmetic') ? 1 + 2 * config.tasks.levels.arithmetic[1] + 2 : 0;
  return 1 + Math.max(arithmetic, 3);
}

/** A deep copy of a preset with `overrides` merged in (objects merge field by field; arrays and values replace). */
export function presetConfig(name: string, overrides: unknown = {}): TrainerConfig {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    invalid('--preset', name, `unknown preset; expected one of ${PRESET_NAMES.join(', ')}`);
  }
  return parseTrainerConfig(merge(structuredClone(PRESETS[name as PresetName]), overrides));
}

function merge(base: unknown, overrides: unknown): unknown {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) return overrides;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return overrides;
  const out = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) out[key] = merge(out[key], value);
  return out;
}

/** The backend a run uses unless `--backend` says otherwise. */
export const DEFAULT_BACKEND: BackendName = 'wasm';

/** Checks a `--backend` value. */
export function parseBackend(name: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: '--backend', value: name, message: `--backend: unknown backend ${JSON.stringify(name)}; expected one of ${BACKEND_NAMES.join(', ')}` });
  }
  return name as BackendName;
}
