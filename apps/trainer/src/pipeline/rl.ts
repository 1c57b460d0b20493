import * as tf from '@tensorflow/tfjs-core';
import { AresError, DIFFICULTY_BUCKETS, type DifficultyBucket } from '@ares/core';
import { AepoStep, planBranches, type AepoConfig, type AepoStepResult } from '@ares/aepo';
import { windowEntropy } from '@ares/entropy';
import { policyLoss } from '@ares/grpo/tf';
import { klEstimate, klLoss } from '@ares/kl-budget/tf';
import '../register-gradients';
import { drawDistinct, type Problem } from '../tasks/problems';
import type { Tokenizer } from '../tasks/tokenizer';
import type { RlBucketRecord, RlStepRecord } from '../report/types';
import type { TrainerConfig } from './config';
import { batchTensors, packRollouts, responseLogProbs, sampleRollouts, targetLogProbs, type BatchTensors, type PackedRollouts, type Policy, type Rollout, type RolloutRequest } from './rollouts';

/** Which RL stage: the plain GRPO baseline or AEPO. */
export type RlMode = 'grpo' | 'aepo';

/** Upper clip above the lower one (DAPO's clip-higher, verl's default 0.2 / 0.28). */
const CLIP_HIGHER = 0.08;

/** Global gradient-norm clip of the RL update. */
const MAX_GRADIENT_NORM = 1;

/**
 * The `AepoStep` configuration of a stage. Both stages run the same code path, so the comparison isolates what
 * AEPO adds: GRPO keeps α_d = 0 (the reward is the accuracy), a fixed KL coefficient with ρ = 1 (no relaxation on
 * HWE tokens) and no branching; AEPO uses the hierarchical entropy reward, dual-ascent per-bucket KL budgets,
 * ρ < 1 and HWE-triggered branches.
 *
 * @param mode - `grpo` or `aepo`
 * @param config - the trainer configuration
 * @param initialThreshold - τ for the first batch (the cold-start model's held-out window threshold)
 */
export function aepoConfigFor(mode: RlMode, config: TrainerConfig, initialThreshold: number): AepoConfig {
  const common = {
    window: config.aepo.window,
    anchor: 'inclusive' as const,
    threshold: { estimator: 'released' as const, initialThreshold },
  };
  if (mode === 'grpo') {
    const coefficient = config.rl.klCoefficient;
    return {
      ...common,
      targets: { initialAlpha: 0, alphaMin: 0, alphaMax: 0 },
      kl: { estimator: 'k3', rho: 1, controller: { kind: 'fixed', options: { coefficients: { easy: coefficient, medium: coefficient, hard: coefficient } } } },
    };
  }
  return {
    ...common,
    targets: { initialAlpha: config.aepo.initialAlpha, alphaLearningRate: config.aepo.alphaLearningRate },
    kl: {
      estimator: 'k3',
      rho: config.aepo.rho,
      controller: {
        kind: 'dual-ascent',
        options: { learningRate: config.aepo.klStepSize, targets: config.aepo.klBudget, initialCoefficient: Math.max(config.rl.klCoefficient, 1e-4) },
      },
    },
  };
}

/** What an RL step needs besides its batch. */
export interface RlContext {
  readonly mode: RlMode;
  readonly config: TrainerConfig;
  readonly tokenizer: Tokenizer;
  /** The policy being trained. */
  readonly policy: Policy;
  /** The frozen cold-start model (KL reference). */
  readonly reference: Policy;
  readonly optimizer: tf.Optimizer;
  readonly aepo: AepoStep;
  /** The stage's prompt pool. */
  readonly pool: readonly Problem[];
  /** The stage's generator (prompt choice, sampling, branch choice), advanced by every step. */
  readonly random: () => number;
}

/** What one RL step did, for metrics and tests. */
export interface RlStepOutcome {
  readonly record: RlStepRecord;
  readonly rollouts: readonly Rollout[];
  readonly result: AepoStepResult;
}

/**
 * Samples one group per prompt: G − budget i.i.d. rollouts, then (AEPO) `planBranches` picks high-window-entropy
 * positions of them and each branch re-samples from there; unused budget becomes i.i.d. rollouts (`fill: 'iid'`).
 */
async function sampleGroups(context: RlContext, problems: readonly Problem[]): Promise<{ rollouts: Rollout[]; branches: number }> {
  const { config, aepo, random, tokenizer } = context;
  const groupSize = config.rl.groupSize;
  const budgets = problems.map((problem) => (context.mode === 'aepo' ? config.aepo.budget[aepo.bucket(problem.id) ?? 'medium'] : 0));
  const options = { maxNewTokens: config.maxNewTokens, temperature: config.rl.temperature, random };
  const iidRequests: RolloutRequest[] = [];
  problems.forEach((problem, index) => {
    for (let member = 0; member < groupSize - budgets[index]!; member++) iidRequests.push({ problem });
  });
  const iid = await sampleRollouts(context.policy, tokenizer, iidRequests, options);
  if (context.mode === 'grpo') return { rollouts: iid, branches: 0 };

  const threshold = aepo.threshold!;
  const branchRequests: RolloutRequest[] = [];
  const groups: Rollout[][] = [];
  let offset = 0;
  let branches = 0;
  problems.forEach((problem, index) => {
    const members = iid.slice(offset, offset + groupSize - budgets[index]!);
    offset += members.length;
    groups.push(members);
    if (budgets[index] === 0) return;
    const plans = planBranches(
      { bucket: aepo.bucket(problem.id), windowEntropies: members.map((rollout) => windowEntropy(rollout.entropies, { window: config.aepo.window })), threshold, window: config.aepo.window },
      { groupSize, budget: config.aepo.budget, selection: 'top', fill: 'iid', random },
    );
    for (const plan of plans) {
      if (plan.kind === 'iid') {
        branchRequests.push({ problem });
        continue;
      }
      const parent = members[plan.rolloutIndex]!;
      branches++;
      branchRequests.push({
        problem,
        prefix: {
          tokens: parent.tokens.subarray(0, plan.prefixLength),
          entropies: parent.entropies.subarray(0, plan.prefixLength),
          logProbs: parent.logProbs.subarray(0, plan.prefixLength),
        },
      });
    }
  });
  const extra = await sampleRollouts(context.policy, tokenizer, branchRequests, options);
  // Regroup: each prompt's i.i.d. members, then its branches, so a group stays contiguous.
  const rollouts: Rollout[] = [];
  let extraOffset = 0;
  problems.forEach((problem, index) => {
    rollouts.push(...groups[index]!);
    while (extraOffset < extra.length && extra[extraOffset]!.problem === problem) rollouts.push(extra[extraOffset++]!);
  });
  return { rollouts, branches };
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Scores a packed batch with `AepoStep` (with the policy's and the reference's log-probs) and applies one update of
 * the clipped surrogate plus the per-bucket KL penalty; `inputs` is the packed batch on the backend (not disposed).
 */
async function scoreAndUpdate(
  context: RlContext,
  step: number,
  rollouts: readonly Rollout[],
  packed: PackedRollouts,
  inputs: BatchTensors,
): Promise<{ result: AepoStepResult; loss: number }> {
  const { config } = context;
  const lengths = rollouts.map((rollout) => rollout.tokens.length);
  const oldLogProbs = await responseLogProbs(context.policy, packed, lengths, inputs);
  const referenceLogProbs = await responseLogProbs(context.reference, packed, lengths, inputs);
  const result = context.aepo.run({
    rollouts: rollouts.map((rollout, row) => ({
      promptId: rollout.problem.id,
      correct: rollout.correct,
      entropies: rollout.entropies,
      logProbs: oldLogProbs[row]!,
      referenceLogProbs: referenceLogProbs[row]!,
    })),
  });

  // Lay the step's per-token matrices (rows × longest response) out on the packed batch (rows × text length).
  const { batch, offsets } = packed;
  const size = batch.batch * batch.length;
  const advantages = new Float32Array(size);
  const old = new Float32Array(size);
  const reference = new Float32Array(size);
  const windowMask = new Float32Array(size);
  rollouts.forEach((_, row) => {
    for (let token = 0; token < lengths[row]!; token++) {
      const at = offsets[row]! + token;
      const from = row * result.columns + token;
      advantages[at] = result.tokenAdvantages[from]!;
      old[at] = oldLogProbs[row]![token]!;
      reference[at] = referenceLogProbs[row]![token]!;
      windowMask[at] = result.windowMask[from]!;
    }
  });
  const buckets = result.rollouts.map((rollout) => rollout.bucket);
  const coefficients = {} as Record<DifficultyBucket, number>;
  for (const bucket of DIFFICULTY_BUCKETS) coefficients[bucket] = result.buckets[bucket].klCoefficient;
  const settings = context.aepo.config;
  const shape: [number, number] = [batch.batch, batch.length];
  const constants = {
    old: tf.tensor2d(old, shape),
    reference: tf.tensor2d(reference, shape),
    advantages: tf.tensor2d(advantages, shape),
    mask: tf.tensor2d(batch.mask, shape),
    windowMask: tf.tensor2d(windowMask, shape),
  };
  let loss: number;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const logProbs = targetLogProbs(context.policy, batch, inputs.tokens, inputs.targets, inputs.patches);
      const surrogate = policyLoss(
        { logProbs, oldLogProbs: constants.old, advantages: constants.advantages, mask: constants.mask },
        { clipLow: config.rl.clip, clipHigh: config.rl.clip + CLIP_HIGHER },
      );
      const kl = klEstimate(logProbs, constants.reference, settings.kl.estimator);
      const penalty = klLoss({ kl, mask: constants.mask, buckets, windowMask: constants.windowMask }, coefficients, { rho: settings.kl.rho, base: settings.kl.base });
      tf.dispose([surrogate.clipFraction, surrogate.clipFractionLower, surrogate.approxKl]);
      return tf.add(surrogate.loss, penalty) as tf.Scalar;
    }, Object.values(context.policy.parameters));
    try {
      const norm = tf.tidy(() => tf.sqrt(Object.values(grads).map((gradient) => tf.sum(tf.square(gradient))).reduce((total, term) => tf.add(total, term))));
      const [lossValue, normValue] = await Promise.all([value.data(), norm.data()]).then(([l, n]) => [l[0]!, n[0]!] as const);
      norm.dispose();
      loss = lossValue;
      if (!Number.isFinite(lossValue) || !Number.isFinite(normValue)) {
        throw new AresError({ code: 'NON_FINITE', parameter: 'loss', value: { loss: lossValue, gradientNorm: normValue }, message: `rlStep: ${context.mode} step ${step} has loss ${lossValue}, gradient norm ${normValue}; the update was skipped` });
      }
      const scale = Math.min(1, MAX_GRADIENT_NORM / (normValue + 1e-6));
      tf.tidy(() => {
        const scaled: tf.NamedTensorMap = {};
        for (const [name, gradient] of Object.entries(grads)) scaled[name] = scale < 1 ? tf.mul(gradient, scale) : gradient;
        context.optimizer.applyGradients(scaled);
      });
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    tf.dispose(Object.values(constants));
  }
  return { result, loss };

}

/**
 * One RL step: choose prompts, sample groups (with branches under AEPO), grade them, score them with `AepoStep`
 * (HWE labels, buckets, shaped rewards, group filter, advantages, KL weights and per-bucket κ), then one clipped
 * policy-gradient update with the per-bucket, HWE-relaxed KL penalty to the reference:
 * L = policyLoss(lp, lp_old, A, M) + klLoss(k3(lp, lp_ref), κ_d·β_d·ρ^m).
 *
 * @param context - models, optimiser, AEPO state, prompt pool and generator
 * @param step - 1-based step number of the stage
 * @returns the step's record and what it sampled
 */
export async function rlStep(context: RlContext, step: number): Promise<RlStepOutcome> {
  const { config, tokenizer } = context;
  const problems = drawDistinct(context.pool.length, config.rl.promptsPerStep, context.random).map((index) => context.pool[index]!);
  const { rollouts, branches } = await sampleGroups(context, problems);

  const packed = packRollouts(tokenizer, rollouts);
  // The packed batch goes to the backend once: old and reference log-probs and the update all read it.
  const inputs = batchTensors(packed.batch, context.policy.config);
  let scored: { result: AepoStepResult; loss: number };
  try {
    scored = await scoreAndUpdate(context, step, rollouts, packed, inputs);
  } finally {
    tf.dispose(Object.values(inputs));
  }
  const { result, loss } = scored;

  let klSum = 0;
  let klCount = 0;
  for (let index = 0; index < result.responseMask.length; index++) {
    if (result.responseMask[index] === 1) {
      klSum += result.kl![index]!;
      klCount++;
    }
  }
  const bucketRecords = {} as Record<DifficultyBucket, RlBucketRecord>;
  for (const bucket of DIFFICULTY_BUCKETS) {
    const members = result.rollouts.map((rollout, row) => ({ rollout, row })).filter(({ rollout }) => rollout.bucket === bucket);
    bucketRecords[bucket] = {
      rollouts: members.length,
      accuracy: mean(members.map(({ row }) => (rollouts[row]!.correct ? 1 : 0))),
      meanLength: mean(members.map(({ rollout }) => rollout.length)),
      meanHweCount: mean(members.map(({ rollout }) => rollout.hweCount)),
      alpha: result.targets[bucket].alpha,
      klCoefficient: result.buckets[bucket].klCoefficient,
    };
  }
  return {
    record: { stage: context.mode, step, threshold: result.threshold, loss, kl: klCount === 0 ? 0 : klSum / klCount, branches, buckets: bucketRecords },
    rollouts,
    result,
  };
}
