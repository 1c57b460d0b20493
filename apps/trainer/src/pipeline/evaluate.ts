import { createRng, DIFFICULTY_BUCKETS, type DifficultyBucket } from '@ares/core';
import { hweCount, hweMask, median, releasedWindowThreshold } from '@ares/entropy';
import { runEvaluation, type Generation, type GenerationRequest, type Policy as EvalPolicy, type SampleResult } from '@ares/eval';
import type { Problem } from '../tasks/problems';
import type { Tokenizer } from '../tasks/tokenizer';
import type { BucketEvaluation, ResponseSample, StageName } from '../report/types';
import { sampleRollouts, type Policy } from './rollouts';

/** A held-out problem with the difficulty bucket it was assigned (from the base model's pass rate). */
export interface HeldOutProblem {
  readonly problem: Problem;
  readonly bucket: DifficultyBucket;
}

/**
 * An `@ares/eval` policy backed by the in-process model that collects the runner's concurrent requests into one
 * batched, KV-cached sampler call: requests that arrive in the same turn of the event loop (the runner issues
 * `concurrency` of them at once) are generated together.
 *
 * @param name - the policy name in results
 * @param policy - the model
 * @param tokenizer - the vocabulary
 * @param problems - the problems by id (the runner's item ids)
 * @param options - length limit and temperature
 * @returns the policy
 */
export function batchedPolicy(
  name: string,
  policy: Policy,
  tokenizer: Tokenizer,
  problems: ReadonlyMap<string, Problem>,
  options: { readonly maxNewTokens: number; readonly temperature: number },
): EvalPolicy {
  let queue: { request: GenerationRequest; resolve: (generation: Generation) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      // One generator per batch, seeded by the runner's per-sample seeds: the same run gives the same samples.
      const random = createRng(batch.map(({ request }) => request.seed).join(','));
      const rollouts = await sampleRollouts(policy, tokenizer, batch.map(({ request }) => ({ problem: problems.get(request.item.id)! })), { ...options, random, chunk: batch.length });
      rollouts.forEach((rollout, index) => {
        const length = rollout.stopped ? rollout.tokens.length - 1 : rollout.tokens.length;
        batch[index]!.resolve({
          text: rollout.text,
          tokenCount: length,
          entropies: Array.from(rollout.entropies.subarray(0, length)),
          tokens: tokenizer.tokens(rollout.tokens.subarray(0, length)),
          finishReason: rollout.stopped ? 'stop' : 'length',
        });
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  };
  return {
    name,
    generate(request) {
      return new Promise<Generation>((resolve, reject) => {
        queue.push({ request, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/** Options of {@link evaluateStage}. */
export interface EvaluateStageOptions {
  readonly samples: number;
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly seed: number;
  /** Requests generated together. */
  readonly concurrency: number;
  /** Called after each graded sample. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Evaluates a model on the held-out problems with `@ares/eval`'s runner (`generic` benchmark, `ares` grading),
 * `samples` responses per problem.
 *
 * @returns the runner's graded samples, in item-then-sample order
 */
export async function evaluateStage(stage: StageName, policy: Policy, tokenizer: Tokenizer, heldOut: readonly HeldOutProblem[], options: EvaluateStageOptions): Promise<SampleResult[]> {
  const problems = new Map(heldOut.map(({ problem }) => [problem.id, problem]));
  const total = heldOut.length * options.samples;
  const result = await runEvaluation({
    items: heldOut.map(({ problem, bucket }) => ({ id: problem.id, benchmark: 'generic', question: problem.prompt, gold: problem.answer, difficulty: bucket })),
    policy: batchedPolicy(stage, policy, tokenizer, problems, options),
    samples: options.samples,
    concurrency: options.concurrency,
    seed: options.seed,
    ...(options.onProgress === undefined ? {} : { onProgress: (progress: { done: number }) => options.onProgress!(progress.done, total) }),
  });
  if (result.failures.length > 0) throw new Error(`evaluateStage: ${result.failures.length} generations failed, first: ${result.failures[0]!.error}`);
  return [...result.results].sort((a, b) => a.itemId.localeCompare(b.itemId, 'en', { numeric: true }) || a.sampleIndex - b.sampleIndex);
}

/**
 * The labelling threshold of the held-out evaluations: the median over responses of the released per-sequence
 * window threshold (the batch median that seeds `ReleasedThresholdTracker`), from the cold-start evaluation.
 */
export function evaluationThreshold(results: readonly SampleResult[], window: number): number {
  const thresholds = results
    .filter((result) => result.entropies !== null && result.entropies.length >= window)
    .map((result) => releasedWindowThreshold(result.entropies!, { window }));
  return thresholds.length === 0 ? 0 : median(thresholds);
}

/** The per-bucket held-out figures of one stage: accuracy, mean length, mean HWE count at τ, n. */
export function bucketEvaluation(results: readonly SampleResult[], threshold: number, window: number): Record<DifficultyBucket, BucketEvaluation> {
  const out = {} as Record<DifficultyBucket, BucketEvaluation>;
  for (const bucket of DIFFICULTY_BUCKETS) {
    const members = results.filter((result) => result.difficulty === bucket);
    const n = members.length;
    const average = (value: (result: SampleResult) => number) => (n === 0 ? null : members.reduce((sum, result) => sum + value(result), 0) / n);
    out[bucket] = {
      accuracy: average((result) => (result.correct ? 1 : 0)),
      meanLength: average((result) => result.tokens),
      meanHweCount: average((result) => hweCount(result.entropies ?? [], threshold, { window })),
      n,
    };
  }
  return out;
}

/** A few responses of a stage for the report, with the HWE window starts marked (one per bucket in turn). */
export function responseSamples(stage: StageName, results: readonly SampleResult[], heldOut: readonly HeldOutProblem[], tokenizer: Tokenizer, threshold: number, window: number, count: number): ResponseSample[] {
  const byId = new Map(heldOut.map((entry) => [entry.problem.id, entry]));
  const firstSamples = results.filter((result) => result.sampleIndex === 0);
  const byBucket = new Map(DIFFICULTY_BUCKETS.map((bucket) => [bucket, firstSamples.filter((result) => result.difficulty === bucket)]));
  const samples: ResponseSample[] = [];
  for (let round = 0; samples.length < count && round < firstSamples.length; round++) {
    for (const bucket of DIFFICULTY_BUCKETS) {
      const result = byBucket.get(bucket)![round];
      if (result === undefined || samples.length >= count) continue;
      const entry = byId.get(result.itemId)!;
      const tokens = tokenizer.tokens(tokenizer.encode(result.text));
      const entropies = result.entropies ?? [];
      const mask = entropies.length === tokens.length ? hweMask(entropies, threshold, { window }) : new Uint8Array(tokens.length);
      samples.push({ stage, problemId: result.itemId, bucket, prompt: entry.problem.prompt, gold: entry.problem.answer, correct: result.correct, tokens, hwe: Array.from(mask, (value) => value === 1) });
    }
  }
  return samples;
}
