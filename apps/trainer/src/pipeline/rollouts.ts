import * as tf from '@tensorflow/tfjs-core';
import { gradeResponse } from '@ares/eval';
import type { ModelConfig } from '../model/config';
import { oneHotFloat } from '../model/ops';
import type { ModelParameters } from '../model/parameters';
import { forward, imagePatches } from '../model/transformer';
import { sampleSequences } from '../sampling/sample';
import type { Problem } from '../tasks/problems';
import type { Tokenizer } from '../tasks/tokenizer';
import { buildSftBatch, type SftBatch } from '../training/sft-batch';
import { imageOf, promptIds } from './data';

/** A model and its configuration. */
export interface Policy {
  readonly parameters: ModelParameters;
  readonly config: ModelConfig;
}

/** A kept response prefix that a branch continues (tokens and what the sampler recorded for them). */
export interface RolloutPrefix {
  readonly tokens: ArrayLike<number>;
  readonly entropies: ArrayLike<number>;
  readonly logProbs: ArrayLike<number>;
}

/** One response to sample: a problem, optionally continuing a prefix of an earlier response. */
export interface RolloutRequest {
  readonly problem: Problem;
  readonly prefix?: RolloutPrefix;
}

/** A graded response. */
export interface Rollout {
  readonly problem: Problem;
  /** Tokens kept from the parent response (0 for an i.i.d. rollout). */
  readonly prefixLength: number;
  /** The whole response (prefix included), EOS last when the model stopped. */
  readonly tokens: Int32Array;
  /** Sampler entropy of each response token, nats. */
  readonly entropies: Float64Array;
  /** Sampler log-probability of each response token. */
  readonly logProbs: Float64Array;
  /** The response text without EOS. */
  readonly text: string;
  /** Whether the model ended the response itself (EOS) rather than hitting the length limit. */
  readonly stopped: boolean;
  /** Graded by `@ares/eval` (`generic` benchmark, `ares` profile) against the gold answer. */
  readonly correct: boolean;
}

/** Options of {@link sampleRollouts}. */
export interface SampleRolloutsOptions {
  /** Longest response in tokens (a branch's prefix counts towards it). */
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly random: () => number;
  /**
   * Rows per sampler call (bounds memory).
   * @default 128
   */
  readonly chunk?: number;
}

/** Grades a response text against a problem's gold answer with `@ares/eval` (the runner's grader). */
export function gradeText(problem: Problem, text: string): boolean {
  return gradeResponse({ id: problem.id, benchmark: 'generic', question: problem.prompt, gold: problem.answer }, text).correct;
}

/**
 * Samples and grades responses, in chunks of rows that share one KV-cached sampler call. A request with a prefix
 * is fed prompt + prefix and samples the remaining `maxNewTokens − prefix` tokens; its entropies and log-probs
 * start with the prefix's recorded ones.
 *
 * @param policy - the model
 * @param tokenizer - the vocabulary
 * @param requests - what to sample, in order
 * @param options - length limit, temperature, random source
 * @returns one rollout per request, in order
 */
export async function sampleRollouts(policy: Policy, tokenizer: Tokenizer, requests: readonly RolloutRequest[], options: SampleRolloutsOptions): Promise<Rollout[]> {
  const chunk = options.chunk ?? 128;
  const rollouts: Rollout[] = [];
  for (let start = 0; start < requests.length; start += chunk) {
    const part = requests.slice(start, start + chunk);
    const prompts = part.map((request) => {
      const prompt = promptIds(tokenizer, request.problem);
      if (request.prefix === undefined) return prompt;
      const joined = new Int32Array(prompt.length + request.prefix.tokens.length);
      joined.set(prompt);
      joined.set(request.prefix.tokens, prompt.length);
      return joined;
    });
    const limits = part.map((request) => Math.max(1, options.maxNewTokens - (request.prefix?.tokens.length ?? 0)));
    const sampled = await sampleSequences(
      policy.parameters,
      policy.config,
      { prompts, images: part.map((request) => imageOf(request.problem)) },
      { maxNewTokens: limits, temperature: options.temperature, stopToken: tokenizer.eosId, random: options.random },
    );
    part.forEach((request, row) => {
      const prefix = request.prefix;
      const concat = (head: ArrayLike<number> | undefined, tail: ArrayLike<number>, make: (n: number) => Int32Array | Float64Array) => {
        const out = make((head?.length ?? 0) + tail.length);
        if (head !== undefined) out.set(head);
        out.set(tail, head?.length ?? 0);
        return out;
      };
      const tokens = concat(prefix?.tokens, sampled.tokens[row]!, (n) => new Int32Array(n)) as Int32Array;
      const stopped = sampled.stopped[row]!;
      const text = tokenizer.decode(stopped ? tokens.subarray(0, tokens.length - 1) : tokens);
      rollouts.push({
        problem: request.problem,
        prefixLength: prefix?.tokens.length ?? 0,
        tokens,
        entropies: concat(prefix?.entropies, sampled.entropies[row]!, (n) => new Float64Array(n)) as Float64Array,
        logProbs: concat(prefix?.logProbs, sampled.logProbabilities[row]!, (n) => new Float64Array(n)) as Float64Array,
        text,
        stopped,
        correct: gradeText(request.problem, text),
      });
    });
  }
  return rollouts;
}

/** Rollouts packed for the model: a padded batch whose mask marks exactly the response tokens. */
export interface PackedRollouts {
  readonly batch: SftBatch;
  /** Flat position (row·length + t) of response token j of row r: `offsets[r] + j`. */
  readonly offsets: Int32Array;
}

/** Packs rollouts as [BOS, prompt, response, PAD…] rows (see `buildSftBatch`); response token j of row r is predicted at `offsets[r] + j`. */
export function packRollouts(tokenizer: Tokenizer, rollouts: readonly Rollout[]): PackedRollouts {
  const examples = rollouts.map((rollout) => ({ prompt: tokenizer.encode(rollout.problem.prompt), response: rollout.tokens, image: imageOf(rollout.problem) }));
  const length = Math.max(...examples.map((example) => example.prompt.length + example.response.length));
  const batch = buildSftBatch(examples, length, { bosId: tokenizer.bosId, padId: tokenizer.padId });
  const offsets = Int32Array.from(examples, (example, row) => row * length + example.prompt.length);
  return { batch, offsets };
}

/**
 * `[rows, length]` log-probabilities of each position's target token under a model: ln softmax(z_t)[y_t].
 * Differentiable; call inside `tf.variableGrads` for the policy, or read back for a frozen model.
 */
export function targetLogProbs(policy: Policy, batch: SftBatch, tokens: tf.Tensor2D, targets: tf.Tensor1D, patches: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = forward(policy.parameters, policy.config, { tokens, patches });
    const flat = tf.reshape(logits, [batch.batch * batch.length, policy.config.vocabSize]) as tf.Tensor2D;
    return tf.reshape(tf.sum(tf.mul(tf.logSoftmax(flat), oneHotFloat(targets, policy.config.vocabSize)), 1), [batch.batch, batch.length]) as tf.Tensor2D;
  });
}

/** A packed batch on the backend. */
export interface BatchTensors {
  readonly tokens: tf.Tensor2D;
  readonly targets: tf.Tensor1D;
  readonly patches: tf.Tensor3D;
}

/** The input tensors of a packed batch (dispose them with `tf.dispose(Object.values(…))`). */
export function batchTensors(batch: SftBatch, config: ModelConfig): BatchTensors {
  return {
    tokens: tf.tensor2d(batch.tokens, [batch.batch, batch.length], 'int32'),
    targets: tf.tensor1d(batch.targets, 'int32'),
    patches: imagePatches(batch.images!, batch.batch, config),
  };
}

/**
 * Per-token log-probabilities of every rollout's response under a model (no gradient), as one array per rollout.
 *
 * @param policy - the model (e.g. the frozen reference, or the policy before its update)
 * @param packed - from {@link packRollouts}
 * @param lengths - response length of each row
 * @param tensors - the batch already on the backend (kept); uploaded and freed here when omitted
 * @returns new arrays, float64 copies of the float32 values
 */
export async function responseLogProbs(policy: Policy, packed: PackedRollouts, lengths: readonly number[], tensors?: BatchTensors): Promise<Float64Array[]> {
  const inputs = tensors ?? batchTensors(packed.batch, policy.config);
  const values = tf.tidy(() => targetLogProbs(policy, packed.batch, inputs.tokens, inputs.targets, inputs.patches));
  if (tensors === undefined) tf.dispose(Object.values(inputs));
  const flat = (await values.data()) as Float32Array;
  values.dispose();
  return lengths.map((length, row) => Float64Array.from(flat.subarray(packed.offsets[row]!, packed.offsets[row]! + length)));
}
