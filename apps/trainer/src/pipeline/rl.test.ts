import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIFFICULTY_BUCKETS, createRng } from '@ares/core';
import { AepoStep } from '@ares/aepo';
import { disposeParameters, initializeParameters, type ModelParameters } from '../model/parameters';
import { Tokenizer } from '../tasks/tokenizer';
import { presetConfig, type TrainerConfig } from './config';
import { drawProblems } from './data';
import { aepoConfigFor, rlStep, type RlContext, type RlMode } from './rl';
import type { Rollout } from './rollouts';
import { trainerModelConfig } from './run';
import { TINY_OVERRIDES } from './test-config';

const tokenizer = new Tokenizer();

describe('aepoConfigFor', () => {
  // Distinct values everywhere, so that a field read from the wrong place shows.
  const config = presetConfig('smoke', {
    rl: { klCoefficient: 0.035 },
    aepo: { window: 5, rho: 0.3, klBudget: { easy: 0.011, medium: 0.022, hard: 0.033 }, klStepSize: 0.7, initialAlpha: 0.25, alphaLearningRate: 0.11 },
  });

  it('grpo: α = 0 throughout, ρ = 1 and the fixed KL coefficient rl.klCoefficient in every bucket', () => {
    const grpo = aepoConfigFor('grpo', config, 1.25);
    expect(grpo.window).toBe(5);
    expect(grpo.threshold).toMatchObject({ estimator: 'released', initialThreshold: 1.25 });
    expect(grpo.targets).toMatchObject({ initialAlpha: 0, alphaMin: 0, alphaMax: 0 });
    expect(grpo.kl?.rho).toBe(1);
    expect(grpo.kl?.controller).toEqual({ kind: 'fixed', options: { coefficients: { easy: 0.035, medium: 0.035, hard: 0.035 } } });
    // The resolved settings agree, and the step accepts them.
    const settings = new AepoStep(grpo).config;
    expect(settings.targets).toMatchObject({ initialAlpha: 0, alphaMin: 0, alphaMax: 0 });
    expect(settings.kl.rho).toBe(1);
    expect(settings.kl.controller.kind).toBe('fixed');
  });

  it('aepo: the configured ρ, KL budgets as dual-ascent targets, step size, initial α and α step size', () => {
    const aepo = aepoConfigFor('aepo', config, 0.75);
    expect(aepo.window).toBe(5);
    expect(aepo.threshold).toMatchObject({ estimator: 'released', initialThreshold: 0.75 });
    expect(aepo.targets).toMatchObject({ initialAlpha: 0.25, alphaLearningRate: 0.11 });
    expect(aepo.kl?.rho).toBe(0.3);
    expect(aepo.kl?.controller?.kind).toBe('dual-ascent');
    expect(aepo.kl?.controller?.options).toMatchObject({ learningRate: 0.7, targets: { easy: 0.011, medium: 0.022, hard: 0.033 }, initialCoefficient: 0.035 });
    const settings = new AepoStep(aepo).config;
    expect(settings.targets.initialAlpha).toBe(0.25);
    expect(settings.targets.alphaLearningRate).toBe(0.11);
    expect(settings.kl.rho).toBe(0.3);
  });

  it('aepo: a zero rl.klCoefficient starts the dual ascent at 1e-4', () => {
    const aepo = aepoConfigFor('aepo', { ...config, rl: { ...config.rl, klCoefficient: 0 } }, 1);
    expect(aepo.kl?.controller?.options).toMatchObject({ initialCoefficient: 1e-4 });
  });
});

/**
 * The tiny configuration with count problems of 1 or 2 objects only (answers '1' and '2'), so that a policy that
 * writes short strings of 1s and 2s is often right; maxNewTokens 24 and a large learning rate.
 */
function rlConfig(overrides: Record<string, unknown> = {}): TrainerConfig {
  return presetConfig('smoke', {
    ...TINY_OVERRIDES,
    preset: 'tiny',
    tasks: { kinds: ['count'], levels: { arithmetic: [1, 1], count: [1, 2], add: [1, 1] } },
    maxNewTokens: 24,
    rl: { steps: 2, promptsPerStep: 4, groupSize: 8, promptPool: 12, learningRate: 1e-2 },
    ...overrides,
  });
}

/**
 * Random weights of magnitude up to 1 (distributions far from uniform). With `answers`, the policy only ever writes
 * 1, 2 or EOS, so that bare responses such as `2` — correct for a count of two — are frequent and groups mix
 * correct and wrong answers: final.norm.bias is set to 1, so that shifting head.weight column v by δ_v / D adds
 * about δ_v to logit v.
 */
function policyParameters(config: TrainerConfig, seed: number, answers: boolean): ModelParameters {
  const model = trainerModelConfig(config, tokenizer);
  const parameters = initializeParameters(model, seed);
  const random = createRng(seed + 1000);
  for (const variable of Object.values(parameters)) {
    tf.tidy(() => variable.assign(tf.tensor(Float32Array.from({ length: variable.size }, () => random() * 2 - 1), variable.shape)));
  }
  if (!answers) return parameters;
  const width = model.width;
  const kept = new Set([tokenizer.id('1'), tokenizer.id('2'), tokenizer.eosId]);
  // The kept columns shrink to a quarter (some context dependence stays) and shift by δ = 0.5 for the digits and
  // 0 for EOS; every other column shifts by δ = −30.
  const scale = new Float32Array(width * tokenizer.size);
  const shift = new Float32Array(width * tokenizer.size);
  for (let row = 0; row < width; row++) {
    for (let token = 0; token < tokenizer.size; token++) {
      scale[row * tokenizer.size + token] = kept.has(token) ? 0.25 : 1;
      shift[row * tokenizer.size + token] = (kept.has(token) ? (token === tokenizer.eosId ? 0 : 0.5) : -30) / width;
    }
  }
  tf.tidy(() => {
    parameters['final.norm.bias']!.assign(tf.ones([width]));
    const head = parameters['head.weight']!;
    head.assign(tf.add(tf.mul(head, tf.tensor2d(scale, [width, tokenizer.size])), tf.tensor2d(shift, [width, tokenizer.size])));
  });
  return parameters;
}

/** A second set of variables holding copies of the same values (no shared storage). */
function copyOf(parameters: ModelParameters): ModelParameters {
  const copy: ModelParameters = {};
  for (const [name, variable] of Object.entries(parameters)) {
    const values = tf.tensor(Float32Array.from(variable.dataSync()), variable.shape, 'float32');
    copy[name] = tf.variable(values, false);
    values.dispose();
  }
  return copy;
}

/** Copies of every variable's values. */
function snapshot(parameters: ModelParameters): Map<string, Float32Array> {
  return new Map(Object.entries(parameters).map(([name, variable]) => [name, Float32Array.from(variable.dataSync())]));
}

interface Harness {
  readonly context: RlContext;
  readonly policy: ModelParameters;
  readonly reference: ModelParameters;
}

function harness(mode: RlMode, config: TrainerConfig, initialThreshold: number): Harness {
  const model = trainerModelConfig(config, tokenizer);
  // GRPO: short answers, so that groups are mixed; AEPO: free random text, long enough to branch.
  const policy = policyParameters(config, 5, mode === 'grpo');
  const reference = copyOf(policy);
  const context: RlContext = {
    mode,
    config,
    tokenizer,
    policy: { parameters: policy, config: model },
    reference: { parameters: reference, config: model },
    optimizer: tf.train.adam(config.rl.learningRate),
    aepo: new AepoStep(aepoConfigFor(mode, config, initialThreshold)),
    pool: drawProblems(config, config.rl.promptPool, createRng(`${config.seed}:rl-pool`), 'rl'),
    random: createRng(`${config.seed}:${mode}`),
  };
  return { context, policy, reference };
}

function dispose(setup: Harness): void {
  setup.context.optimizer.dispose();
  disposeParameters(setup.policy);
  disposeParameters(setup.reference);
}

/** The rollouts split into groups of consecutive rows with the same problem. */
function groupsOf(rollouts: readonly Rollout[]): Rollout[][] {
  const groups: Rollout[][] = [];
  for (const rollout of rollouts) {
    const last = groups.at(-1);
    if (last !== undefined && last[0]!.problem === rollout.problem) last.push(rollout);
    else groups.push([rollout]);
  }
  return groups;
}

function checkRecord(outcome: Awaited<ReturnType<typeof rlStep>>, mode: RlMode, step: number, rows: number): void {
  const { record, result, rollouts } = outcome;
  expect(record.stage).toBe(mode);
  expect(record.step).toBe(step);
  expect(record.threshold).toBe(result.threshold);
  expect(Number.isFinite(record.loss)).toBe(true);
  expect(result.rollouts).toHaveLength(rows);
  result.rollouts.forEach((scored, row) => expect(scored.promptId).toBe(rollouts[row]!.problem.id));
  expect(DIFFICULTY_BUCKETS.reduce((total, bucket) => total + record.buckets[bucket].rollouts, 0)).toBe(rows);
  for (const bucket of DIFFICULTY_BUCKETS) {
    const rowsOf = result.rollouts.flatMap((scored, row) => (scored.bucket === bucket ? [row] : []));
    const entry = record.buckets[bucket];
    expect(entry.rollouts).toBe(rowsOf.length);
    if (rowsOf.length === 0) {
      expect([entry.accuracy, entry.meanLength, entry.meanHweCount]).toEqual([null, null, null]);
      continue;
    }
    const correct = rowsOf.filter((row) => rollouts[row]!.correct).length;
    expect(entry.accuracy).toBeCloseTo(correct / rowsOf.length, 12);
    expect(entry.meanLength).toBeCloseTo(rowsOf.reduce((sum, row) => sum + rollouts[row]!.tokens.length, 0) / rowsOf.length, 12);
    expect(entry.klCoefficient).toBe(result.buckets[bucket].klCoefficient);
    expect(entry.alpha).toBe(result.targets[bucket].alpha);
  }
}

describe('rlStep, GRPO baseline', () => {
  const config = rlConfig();
  let setup: Harness;
  beforeEach(() => {
    setup = harness('grpo', config, 1.5);
  });
  afterEach(() => dispose(setup));

  it('samples promptsPerStep groups of groupSize i.i.d. rollouts whose reward is their accuracy', async () => {
    const outcome = await rlStep(setup.context, 1);
    const { record, result, rollouts } = outcome;
    const rows = config.rl.promptsPerStep * config.rl.groupSize;
    expect(rollouts).toHaveLength(rows);
    expect(record.branches).toBe(0);
    const groups = groupsOf(rollouts);
    expect(groups).toHaveLength(config.rl.promptsPerStep);
    expect(new Set(groups.map((group) => group[0]!.problem)).size).toBe(config.rl.promptsPerStep);
    for (const group of groups) expect(group).toHaveLength(config.rl.groupSize);
    for (const rollout of rollouts) {
      expect(rollout.prefixLength).toBe(0);
      expect(rollout.tokens.length).toBeLessThanOrEqual(config.maxNewTokens);
      expect(setup.context.pool).toContain(rollout.problem);
    }
    result.rollouts.forEach((scored, row) => {
      expect(scored.alpha).toBe(0);
      expect(scored.reward).toBe(rollouts[row]!.correct ? 1 : 0);
    });
    checkRecord(outcome, 'grpo', 1, rows);
    for (const bucket of DIFFICULTY_BUCKETS) {
      expect(record.buckets[bucket].alpha).toBe(0);
      expect(record.buckets[bucket].klCoefficient).toBe(config.rl.klCoefficient);
    }
    // The first batch is labelled with the initial threshold.
    expect(record.threshold).toBe(1.5);
  });

  it('updates the policy, not the reference, and reports zero KL while the two are equal', async () => {
    const policyBefore = snapshot(setup.policy);
    const referenceBefore = snapshot(setup.reference);
    const { record, rollouts } = await rlStep(setup.context, 1);
    // At least one group has both correct and wrong answers, so some advantage (and so the gradient) is non-zero.
    expect(groupsOf(rollouts).some((group) => group.some((rollout) => rollout.correct) && group.some((rollout) => !rollout.correct))).toBe(true);
    const changed = [...snapshot(setup.policy)].filter(([name, values]) => values.some((value, index) => value !== policyBefore.get(name)![index]));
    expect(changed.map(([name]) => name)).toContain('head.weight');
    expect(snapshot(setup.reference)).toEqual(referenceBefore);
    expect(Math.abs(record.kl)).toBeLessThanOrEqual(1e-6);
  });

  it('leaks no tensors: the first step adds only Adam’s two moments per variable, the second step nothing', async () => {
    const variables = Object.keys(setup.policy).length;
    const before = tf.memory().numTensors;
    await rlStep(setup.context, 1);
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst - before).toBe(2 * variables);
    const second = await rlStep(setup.context, 2);
    expect(tf.memory().numTensors).toBe(afterFirst);
    checkRecord(second, 'grpo', 2, config.rl.promptsPerStep * config.rl.groupSize);
    // The policy has moved away from the reference: the KL estimate is now positive.
    expect(second.record.kl).toBeGreaterThan(0);
  });
});

describe('rlStep, AEPO', () => {
  // Every bucket branches twice; threshold 0 makes every window a candidate.
  const config = rlConfig({ aepo: { budget: { easy: 2, medium: 2, hard: 2 } } });
  let setup: Harness;
  beforeEach(() => {
    setup = harness('aepo', config, 0);
  });
  afterEach(() => dispose(setup));

  it('branches within the budget, keeps each group contiguous with groupSize members, and every branch continues an i.i.d. member', async () => {
    const outcome = await rlStep(setup.context, 1);
    const { record, rollouts } = outcome;
    const rows = config.rl.promptsPerStep * config.rl.groupSize;
    expect(rollouts).toHaveLength(rows);
    // Unseen prompts take the medium budget: at most 2 branches per prompt.
    expect(record.branches).toBeGreaterThan(0);
    expect(record.branches).toBeLessThanOrEqual(config.rl.promptsPerStep * config.aepo.budget.medium);
    const groups = groupsOf(rollouts);
    expect(groups).toHaveLength(config.rl.promptsPerStep);
    expect(new Set(groups.map((group) => group[0]!.problem)).size).toBe(config.rl.promptsPerStep);
    let branches = 0;
    for (const group of groups) {
      expect(group).toHaveLength(config.rl.groupSize);
      // The G − budget i.i.d. members come first, then the branches and any i.i.d. fill (prefix 0).
      const iid = group.slice(0, config.rl.groupSize - config.aepo.budget.medium);
      for (const rollout of iid) expect(rollout.prefixLength).toBe(0);
      for (const branch of group.filter((rollout) => rollout.prefixLength > 0)) {
        branches++;
        const length = branch.prefixLength;
        expect(branch.tokens.length).toBeGreaterThan(length);
        expect(branch.tokens.length).toBeLessThanOrEqual(config.maxNewTokens);
        const same = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).every((value, index) => Object.is(value, b[index]));
        const parents = iid.filter(
          (parent) =>
            parent.tokens.length > length &&
            same(parent.tokens.subarray(0, length), branch.tokens.subarray(0, length)) &&
            same(parent.entropies.subarray(0, length), branch.entropies.subarray(0, length)) &&
            same(parent.logProbs.subarray(0, length), branch.logProbs.subarray(0, length)),
        );
        expect(parents.length).toBeGreaterThan(0);
      }
    }
    // A branch point at position 0 keeps no prefix and looks like an i.i.d. rollout.
    expect(branches).toBeLessThanOrEqual(record.branches);
    expect(branches).toBeGreaterThan(0);
    checkRecord(outcome, 'aepo', 1, rows);
    expect(record.threshold).toBe(0);
    expect(Math.abs(record.kl)).toBeLessThanOrEqual(1e-6);
  });

  it('gives each prompt the branch budget of its tracked bucket, and unseen prompts the medium one', async () => {
    // A pool of 6 and 4 prompts per step: the second step meets prompts of the first.
    const budget = { easy: 0, medium: 1, hard: 3 };
    const other = harness('aepo', rlConfig({ rl: { steps: 2, promptsPerStep: 4, groupSize: 8, promptPool: 6, learningRate: 1e-2 }, aepo: { budget } }), 0);
    try {
      const { config: settings, aepo } = other.context;
      await rlStep(other.context, 1);
      const before = new Map(other.context.pool.map((problem) => [problem.id, aepo.bucket(problem.id)]));
      const { record, rollouts } = await rlStep(other.context, 2);
      const groups = groupsOf(rollouts);
      expect(groups).toHaveLength(4);
      const budgets = groups.map((group) => budget[before.get(group[0]!.problem.id) ?? 'medium']);
      // Both kinds of prompt occur: seen ones (the random policy fails them all: hard) and unseen ones (medium).
      expect(groups.some((group) => before.get(group[0]!.problem.id) === 'hard')).toBe(true);
      expect(groups.some((group) => before.get(group[0]!.problem.id) === undefined)).toBe(true);
      groups.forEach((group, index) => {
        expect(group).toHaveLength(settings.rl.groupSize);
        const iid = settings.rl.groupSize - budgets[index]!;
        for (const rollout of group.slice(0, iid)) expect(rollout.prefixLength).toBe(0);
        expect(group.filter((rollout) => rollout.prefixLength > 0).length).toBeLessThanOrEqual(budgets[index]!);
      });
      expect(record.branches).toBeLessThanOrEqual(budgets.reduce((total, value) => total + value, 0));
      // More branches than groups: some group branched more than once, which only the hard budget (3) allows.
      expect(rollouts.filter((rollout) => rollout.prefixLength > 0).length).toBeGreaterThan(groups.length);
    } finally {
      dispose(other);
    }
  });

  it('leaks no tensors across a second step', async () => {
    await rlStep(setup.context, 1);
    const before = tf.memory().numTensors;
    const second = await rlStep(setup.context, 2);
    expect(tf.memory().numTensors).toBe(before);
    checkRecord(second, 'aepo', 2, config.rl.promptsPerStep * config.rl.groupSize);
  });
});
