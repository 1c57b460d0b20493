import type { DifficultyBucket } from '@ares/core';
import { entropyShaping } from '@ares/aepo';
import { verifyAnswer, type GradingProfile } from '@ares/eval';
import type { z } from 'zod';
import { shapingLabelSchema, type easyR1ItemSchema, type openRlhfRequestSchema, type verlItemSchema } from './schemas';

/** Index of a bucket in `extra_logs.bucket_index` / metrics; −1 when no bucket was given. */
export const BUCKET_INDEX: Readonly<Record<DifficultyBucket, number>> = Object.freeze({ easy: 0, medium: 1, hard: 2 });

/** Grading settings shared by the reward endpoints. */
export interface GradingSettings {
  readonly profile: GradingProfile;
  readonly timeoutMs: number;
}

interface Shaping {
  readonly bucket: DifficultyBucket;
  readonly hweCount: number;
  readonly target: number;
  readonly alpha: number;
}

interface Scored {
  readonly accuracy: number;
  readonly reward: number;
  readonly entropyScore: number;
  readonly hweCount: number;
  readonly bucketIndex: number;
}

function grade(gold: string, response: string, grading: GradingSettings): number {
  return verifyAnswer(gold, response, { profile: grading.profile, timeoutMs: grading.timeoutMs }).equivalent ? 1 : 0;
}

function score(gold: string, response: string, shaping: Shaping | undefined, grading: GradingSettings): Scored {
  const accuracy = grade(gold, response, grading);
  if (shaping === undefined) return { accuracy, reward: accuracy, entropyScore: 0, hweCount: 0, bucketIndex: -1 };
  const entropyScore = entropyShaping({ ...shaping, correct: accuracy === 1 });
  return { accuracy, reward: accuracy + entropyScore, entropyScore, hweCount: shaping.hweCount, bucketIndex: BUCKET_INDEX[shaping.bucket] };
}

/**
 * The response part of an OpenRLHF `query` (prompt + response): the text after the prompt when the query starts
 * with it, else after the prompt's last occurrence, else the whole query.
 */
export function responseAfterPrompt(query: string, prompt: string): string {
  if (query.startsWith(prompt)) return query.slice(prompt.length);
  const at = prompt.length === 0 ? -1 : query.lastIndexOf(prompt);
  return at === -1 ? query : query.slice(at + prompt.length);
}

/**
 * Parses an OpenRLHF label: a JSON object `{"answer", "bucket", "hwe_count", "target", "alpha"}` carries shaping
 * information; any other string (including JSON that is not such an object) is the reference answer itself.
 */
export function parseLabel(label: string): { answer: string; shaping: Shaping | undefined } | { error: string; field: string } {
  const trimmed = label.trimStart();
  if (!trimmed.startsWith('{')) return { answer: label, shaping: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { answer: label, shaping: undefined };
  }
  const result = shapingLabelSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { error: issue.message, field: issue.path.map(String).join('.') };
  }
  const { answer, bucket, hwe_count: hweCount, target, alpha } = result.data;
  return { answer, shaping: { bucket, hweCount, target, alpha } };
}

/** OpenRLHF response `{rewards, scores, extra_logs}` (SPEC §4.1). Throws {@link LabelError} for a bad JSON label. */
export function openRlhfRewards(body: z.infer<typeof openRlhfRequestSchema>, grading: GradingSettings) {
  const rewards: number[] = [];
  const scores: number[] = [];
  const logs = { accuracy: [] as number[], hwe_count: [] as number[], bucket_index: [] as number[], entropy_score: [] as number[] };
  body.query.forEach((query, index) => {
    const label = parseLabel(body.labels[index]!);
    if ('error' in label) throw new LabelError(`body.labels[${index}]${label.field ? `.${label.field}` : ''}`, label.error);
    const scored = score(label.answer, responseAfterPrompt(query, body.prompts[index]!), label.shaping, grading);
    rewards.push(scored.reward);
    scores.push(scored.accuracy);
    logs.accuracy.push(scored.accuracy);
    logs.hwe_count.push(scored.hweCount);
    logs.bucket_index.push(scored.bucketIndex);
    logs.entropy_score.push(scored.entropyScore);
  });
  return { rewards, scores, extra_logs: logs };
}

/** A request field that failed validation after the schema (e.g. inside a JSON label). */
export class LabelError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** verl items → `[{score, accuracy, entropy_score, hwe_count, bucket_index}]` (SPEC §4.2). */
export function verlRewards(items: readonly z.infer<typeof verlItemSchema>[], grading: GradingSettings) {
  return items.map((item) => {
    const info = item.extra_info;
    const shaping =
      info?.bucket !== undefined && info.hwe_count !== undefined && info.target !== undefined && info.alpha !== undefined
        ? { bucket: info.bucket, hweCount: info.hwe_count, target: info.target, alpha: info.alpha }
        : undefined;
    const scored = score(item.ground_truth, item.solution_str, shaping, grading);
    return {
      score: scored.reward,
      accuracy: scored.accuracy,
      entropy_score: scored.entropyScore,
      hwe_count: scored.hweCount,
      bucket_index: scored.bucketIndex,
    };
  });
}

const FORMAT = /^<think>.*<\/think>.*\\boxed\{.*\}.*$/s;

/**
 * EasyR1 / released ARES batch items → `[{overall, accuracy, format, high_entropy_token_num_score}]` (SPEC §4.3):
 * `overall` = shapedReward(difficulty, graded accuracy, high_entropy_token_num, target_high_entropy_token_num,
 * alpha_entropy); `format` (the r1v `<think>…</think>…\boxed{…}` check) is reported, not added.
 */
export function easyR1Rewards(items: readonly z.infer<typeof easyR1ItemSchema>[], grading: GradingSettings) {
  return items.map((item) => {
    const scored = score(
      item.ground_truth,
      item.response,
      { bucket: item.difficulty, hweCount: item.high_entropy_token_num, target: item.target_high_entropy_token_num, alpha: item.alpha_entropy },
      grading,
    );
    return {
      overall: scored.reward,
      accuracy: scored.accuracy,
      format: FORMAT.test(item.response.trim()) ? 1 : 0,
      high_entropy_token_num_score: scored.entropyScore,
    };
  });
}
