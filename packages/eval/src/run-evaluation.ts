import { AresError, assertInRange, assertInteger, type DifficultyBucket } from '@ares/core';
import type { LogprobsMode } from '@ares/entropy';
import type { EvalItem } from './dataset';
import { assertBenchmark, gradeResponse } from './grade-response';
import { DEFAULT_IS_EQUIVALENT_OPTIONS, GRADING_PROFILES, type GradingProfile } from './is-equivalent';
import { type ChatMessage, defaultPrompt, type Policy } from './policy';

/** One graded sample as stored (one JSONL line). Version 1. */
export interface SampleResult {
  readonly version: 1;
  /** Identity of the generation settings (model, decoding, seed); results of another run are never mixed in. */
  readonly runId: string;
  readonly itemId: string;
  readonly benchmark: string;
  readonly sampleIndex: number;
  readonly model: string;
  readonly text: string;
  /** Response length in tokens. */
  readonly tokens: number;
  readonly correct: boolean;
  readonly timedOut: boolean;
  readonly answered: boolean;
  readonly extracted: string | null;
  readonly method: string | null;
  readonly reason: string;
  readonly profile: GradingProfile;
  readonly fallback: boolean;
  readonly difficulty: DifficultyBucket | number | null;
  readonly variantOf: string | null;
  /** Per-token entropies (nats, rounded to 1e−4), when the policy returned them. */
  readonly entropies: readonly number[] | null;
  readonly logprobsMode: LogprobsMode | null;
  readonly finishReason: string | null;
  /** Wall time of the generation in milliseconds. */
  readonly elapsedMs: number;
}

/** Where results go as they arrive, and where a resumed run finds them. */
export interface ResultStore {
  /** Every stored record (invalid ones are skipped by the runner and counted as ignored). */
  load(): Promise<readonly unknown[]>;
  /** Persists one result; resolves once it is durable. */
  append(result: SampleResult): Promise<void>;
}

/**
 * A {@link ResultStore} in memory, for tests and in-process evaluation (e.g. inside the trainer); `records` holds
 * what was appended.
 * @example
 * ```ts
 * const store = new MemoryResultStore(); await runEvaluation({ items, policy, store }); store.records.length
 * ```
 */
export class MemoryResultStore implements ResultStore {
  readonly records: unknown[] = [];

  async load(): Promise<readonly unknown[]> {
    return [...this.records];
  }

  async append(result: SampleResult): Promise<void> {
    this.records.push(result);
  }
}

/** Progress of a run, reported after every finished or failed sample. */
export interface RunProgress {
  readonly total: number;
  readonly done: number;
  readonly resumed: number;
  readonly failed: number;
}

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  readonly items: readonly EvalItem[];
  readonly policy: Policy;
  /** Samples per item (k). @default 1 */
  readonly samples?: number;
  /** Samples generated at once. @default 4 */
  readonly concurrency?: number;
  /** Run seed; each sample's seed derives from it, the item id and the sample index. @default 0 */
  readonly seed?: number;
  /** Grading profile. @default 'ares' */
  readonly profile?: GradingProfile;
  /** Grader budget per answer in milliseconds. @default 500 */
  readonly graderTimeoutMs?: number;
  /** Decoding parameters, recorded as part of every result's identity (changing them starts a new run). */
  readonly decoding?: Readonly<Record<string, unknown>>;
  /** Result store. @default a new {@link MemoryResultStore} */
  readonly store?: ResultStore;
  /** Prompt builder. @default {@link defaultPrompt} */
  readonly prompt?: (item: EvalItem) => readonly ChatMessage[];
  /** MMMU-style seeded random letter when no option can be read (counted). @default false */
  readonly randomChoiceFallback?: boolean;
  /** Stops taking new samples; in-flight requests are aborted and not recorded. */
  readonly signal?: AbortSignal;
  /** Called after each sample. */
  readonly onProgress?: (progress: RunProgress) => void;
}

/** Defaults of {@link RunEvaluationOptions}. */
export const DEFAULT_RUN_EVALUATION_OPTIONS = Object.freeze({ samples: 1, concurrency: 4, seed: 0, profile: 'ares' as GradingProfile, graderTimeoutMs: 500 });

/** Result of {@link runEvaluation}. */
export interface RunEvaluationResult {
  readonly runId: string;
  /** Every result of this run (resumed and new), ordered by item and sample. */
  readonly results: readonly SampleResult[];
  /** Results found in the store and not asked again. */
  readonly resumed: number;
  /** Samples generated now. */
  readonly generated: number;
  /** Samples whose generation failed (not stored; a re-run asks them again). */
  readonly failures: readonly { readonly itemId: string; readonly benchmark: string; readonly sampleIndex: number; readonly error: string }[];
  /** Stored records skipped: malformed, from another run identity, or for items not in this dataset. */
  readonly ignored: number;
  /** True when the run was cancelled through `signal`. */
  readonly aborted: boolean;
}

function fnv1a(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value as object).sort().map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The identity of a run's generation settings: a 64-bit hex digest (two FNV-1a hashes) of the model name, the
 * decoding parameters (keys sorted) and the seed. Results of another identity are never resumed into a run.
 *
 * @param model - the policy name
 * @param decoding - decoding parameters as recorded (temperature, top-p, …)
 * @param seed - the run seed
 * @returns 16 hexadecimal digits
 * @example
 * ```ts
 * runIdentity('m', { temperature: 1 }, 0) === runIdentity('m', { temperature: 1 }, 0) // true
 * ```
 */
export function runIdentity(model: string, decoding: Readonly<Record<string, unknown>>, seed: number): string {
  const text = stableStringify({ model, decoding, seed });
  return `${fnv1a(text).toString(16).padStart(8, '0')}${fnv1a(`${text}#`).toString(16).padStart(8, '0')}`;
}

function sampleKey(benchmark: string, itemId: string, sampleIndex: number): string {
  return `${benchmark}\u0000${itemId}\u0000${sampleIndex}`;
}

function isSampleResult(value: unknown): value is SampleResult {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    record['version'] === 1 &&
    typeof record['runId'] === 'string' &&
    typeof record['itemId'] === 'string' &&
    typeof record['benchmark'] === 'string' &&
    Number.isInteger(record['sampleIndex']) &&
    typeof record['text'] === 'string' &&
    typeof record['tokens'] === 'number' &&
    typeof record['correct'] === 'boolean'
  );
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function countTokens(text: string): number {
  const words = text.trim().split(/\s+/);
  return words[0] === '' ? 0 : words.length;
}

/**
 * Runs a policy over benchmark items, grading each response as it arrives and streaming it to a result store;
 * a re-run with the same store resumes: finished samples are never asked again, and a finished sample is never
 * lost (it is in the store before it counts as done).
 *
 * @param options - items, policy, samples per item, concurrency, seed, grading profile, decoding parameters
 *   (part of the run identity), store, prompt builder, cancellation and progress callbacks
 * @returns all results of this run identity, with resume and failure counts
 * @throws {AresError} `INVALID_ARGUMENT` for bad counts or duplicate item ids; `UNSUPPORTED` for an unknown
 *   benchmark or profile; `IO` when the store fails
 * @remarks
 * ## Numerics
 * Per-token entropies are stored rounded to 1e−4 nats; the report derives the HWE threshold and counts from them.
 * @example
 * ```ts
 * const { results } = await runEvaluation({ items, policy: createInProcessPolicy('m', () => ({ text: '\\boxed{4}' })) })
 * ```
 * @see SPEC.md §5.5
 */
export async function runEvaluation(options: RunEvaluationOptions): Promise<RunEvaluationResult> {
  const samples = options.samples ?? DEFAULT_RUN_EVALUATION_OPTIONS.samples;
  const concurrency = options.concurrency ?? DEFAULT_RUN_EVALUATION_OPTIONS.concurrency;
  const seed = options.seed ?? DEFAULT_RUN_EVALUATION_OPTIONS.seed;
  const profile = options.profile ?? DEFAULT_RUN_EVALUATION_OPTIONS.profile;
  const graderTimeoutMs = options.graderTimeoutMs ?? DEFAULT_RUN_EVALUATION_OPTIONS.graderTimeoutMs;
  assertInteger(samples, 'options.samples');
  assertInteger(concurrency, 'options.concurrency');
  assertInteger(seed, 'options.seed', 0);
  assertInRange(graderTimeoutMs, 'options.graderTimeoutMs', { min: 0, lowerOpen: true });
  if (!GRADING_PROFILES.includes(profile)) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'options.profile', value: profile, message: `options.profile: unknown profile ${String(profile)}` });
  }
  const itemsByKey = new Map<string, EvalItem>();
  options.items.forEach((item, index) => {
    assertBenchmark(item.benchmark, `options.items[${index}].benchmark`);
    const key = `${item.benchmark}\u0000${item.id}`;
    if (itemsByKey.has(key)) throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `options.items[${index}].id`, value: item.id, message: `options.items[${index}].id: duplicate id ${item.id}` });
    itemsByKey.set(key, item);
  });
  const store = options.store ?? new MemoryResultStore();
  const prompt = options.prompt ?? defaultPrompt;
  const decoding = options.decoding ?? {};
  const runId = runIdentity(options.policy.name, decoding, seed);
  const gradeOptions = { profile, timeoutMs: graderTimeoutMs, seed, randomChoiceFallback: options.randomChoiceFallback === true };

  const done = new Map<string, SampleResult>();
  let ignored = 0;
  for (const record of await store.load()) {
    if (!isSampleResult(record) || record.runId !== runId) {
      ignored++;
      continue;
    }
    const item = itemsByKey.get(`${record.benchmark}\u0000${record.itemId}`);
    if (item === undefined || record.sampleIndex >= samples) {
      ignored++;
      continue;
    }
    const key = sampleKey(record.benchmark, record.itemId, record.sampleIndex);
    if (done.has(key)) continue;
    // Grades follow the current grader; the generation itself is never redone.
    const grade = record.profile === profile ? record : { ...record, ...gradeResponse(item, record.text, { ...gradeOptions, sampleIndex: record.sampleIndex }) };
    done.set(key, grade);
  }
  const resumed = done.size;

  const pending: { item: EvalItem; sampleIndex: number }[] = [];
  for (const item of options.items) {
    for (let sampleIndex = 0; sampleIndex < samples; sampleIndex++) {
      if (!done.has(sampleKey(item.benchmark, item.id, sampleIndex))) pending.push({ item, sampleIndex });
    }
  }
  const total = itemsByKey.size * samples;
  const failures: { itemId: string; benchmark: string; sampleIndex: number; error: string }[] = [];
  let generated = 0;
  let next = 0;
  let appendChain: Promise<void> = Promise.resolve();
  let storeError: unknown;
  const report = (): void => options.onProgress?.({ total, done: done.size, resumed, failed: failures.length });

  const worker = async (): Promise<void> => {
    while (next < pending.length && !isAborted(options.signal) && storeError === undefined) {
      const { item, sampleIndex } = pending[next++]!;
      const sampleSeed = fnv1a(`${seed}\u0000${item.benchmark}\u0000${item.id}\u0000${sampleIndex}`) & 0x7fffffff;
      const started = Date.now();
      let result: SampleResult;
      try {
        const generation = await options.policy.generate({
          item,
          messages: prompt(item),
          sampleIndex,
          seed: sampleSeed,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        const grade = gradeResponse(item, generation.text, { ...gradeOptions, sampleIndex });
        const entropies = generation.entropies === undefined ? null : Array.from(generation.entropies, (value) => Math.round(value * 1e4) / 1e4);
        result = {
          version: 1,
          runId,
          itemId: item.id,
          benchmark: item.benchmark,
          sampleIndex,
          model: options.policy.name,
          text: generation.text,
          tokens: generation.tokenCount ?? entropies?.length ?? countTokens(generation.text),
          ...grade,
          difficulty: item.difficulty ?? null,
          variantOf: item.variantOf ?? null,
          entropies,
          logprobsMode: generation.logprobsMode ?? null,
          finishReason: generation.finishReason ?? null,
          elapsedMs: Date.now() - started,
        };
      } catch (error) {
        if (isAborted(options.signal)) break;
        failures.push({ itemId: item.id, benchmark: item.benchmark, sampleIndex, error: error instanceof Error ? error.message : String(error) });
        report();
        continue;
      }
      appendChain = appendChain.then(() => store.append(result));
      try {
        await appendChain;
      } catch (error) {
        storeError = error;
        break;
      }
      done.set(sampleKey(item.benchmark, item.id, sampleIndex), result);
      generated++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  if (storeError !== undefined) {
    throw AresError.isInstance(storeError) ? storeError : new AresError({ code: 'IO', parameter: 'options.store', value: undefined, message: `options.store: append failed: ${String(storeError)}`, cause: storeError });
  }
  const order = new Map(options.items.map((item, index) => [`${item.benchmark}\u0000${item.id}`, index]));
  const results = [...done.values()].sort((a, b) => order.get(`${a.benchmark}\u0000${a.itemId}`)! - order.get(`${b.benchmark}\u0000${b.itemId}`)! || a.sampleIndex - b.sampleIndex);
  return { runId, results, resumed, generated, failures, ignored, aborted: options.signal?.aborted === true };
}
