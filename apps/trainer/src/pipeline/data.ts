import { AresError, createRng } from '@ares/core';
import { IMAGE_SIZE, generateProblem, type Problem, type TaskKind } from '../tasks/problems';
import { Tokenizer } from '../tasks/tokenizer';
import { VERBOSITIES, teacherTrace, type Verbosity } from '../tasks/traces';
import type { SftExample } from '../training/sft-batch';
import type { TrainerConfig } from './config';

/** The blank image that text-only problems carry, so that every sequence of a batch has the same image prefix. */
export const BLANK_IMAGE: Float32Array = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);

/** The image of a problem, or the blank image for an arithmetic chain. */
export function imageOf(problem: Problem): Float32Array {
  return problem.image ?? BLANK_IMAGE;
}

/** A key that identifies a problem by its content (prompt and what was drawn), not its id. */
export function problemKey(problem: Problem): string {
  return `${problem.prompt}|${JSON.stringify(problem.spec)}`;
}

/**
 * Draws `count` problems: a kind uniformly among `config.tasks.kinds`, a level uniformly in the kind's range,
 * skipping any problem whose {@link problemKey} is in `exclude` (the held-out set), with ids `<split>-<index>`.
 *
 * @param config - the task settings
 * @param count - problems to draw
 * @param random - the generator (advanced)
 * @param split - id prefix
 * @param exclude - content keys that must not be drawn
 * @returns new problems
 */
export function drawProblems(config: Pick<TrainerConfig, 'tasks'>, count: number, random: () => number, split: string, exclude: ReadonlySet<string> = new Set()): Problem[] {
  const problems: Problem[] = [];
  const { kinds, levels } = config.tasks;
  let attempts = 0;
  while (problems.length < count) {
    if (++attempts > 100 * (count + 10)) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'config.tasks.levels', value: levels, message: `config.tasks.levels: could not draw ${count} problems outside the ${exclude.size} held-out ones in ${attempts - 1} tries; widen the task levels` });
    }
    const kind: TaskKind = kinds[Math.floor(random() * kinds.length)]!;
    const [low, high] = levels[kind];
    const level = low + Math.floor(random() * (high - low + 1));
    const problem = generateProblem(kind, level, random, `${split}-${problems.length}`);
    if (!exclude.has(problemKey(problem))) problems.push(problem);
  }
  return problems;
}

/** The held-out evaluation problems of a run: drawn first, from their own seed, so every stage sees the same set. */
export function heldOutProblems(config: Pick<TrainerConfig, 'tasks' | 'seed' | 'eval'>): Problem[] {
  return drawProblems(config, config.eval.problems, createRng(`${config.seed}:held-out`), 'test');
}

/** Prompt token ids of a problem, BOS first (what the sampler is given). */
export function promptIds(tokenizer: Tokenizer, problem: Problem): Int32Array {
  const body = tokenizer.encode(problem.prompt);
  const out = new Int32Array(body.length + 1);
  out[0] = tokenizer.bosId;
  out.set(body, 1);
  return out;
}

/** The response token ids of a teacher trace, EOS last. */
export function traceIds(tokenizer: Tokenizer, trace: string): Int32Array {
  const body = tokenizer.encode(trace);
  const out = new Int32Array(body.length + 1);
  out.set(body);
  out[body.length] = tokenizer.eosId;
  return out;
}

/** Draws a verbosity with probability proportional to its weight in the mix. */
export function drawVerbosity(mix: Readonly<Record<Verbosity, number>>, random: () => number): Verbosity {
  const total = VERBOSITIES.reduce((sum, verbosity) => sum + mix[verbosity], 0);
  let target = random() * total;
  for (const verbosity of VERBOSITIES) {
    target -= mix[verbosity];
    if (target < 0 && mix[verbosity] > 0) return verbosity;
  }
  return [...VERBOSITIES].reverse().find((verbosity) => mix[verbosity] > 0)!;
}

/**
 * One supervised example of a problem with a teacher trace of the given verbosity, or `undefined` when the trace
 * is longer than `maxNewTokens` (such traces are not used: the sampler could never produce them).
 */
export function sftExample(tokenizer: Tokenizer, problem: Problem, trace: string, maxNewTokens: number): SftExample | undefined {
  const response = traceIds(tokenizer, trace);
  if (response.length > maxNewTokens) return undefined;
  // The prompt here excludes BOS: buildSftBatch prepends it.
  return { prompt: tokenizer.encode(problem.prompt), response, image: imageOf(problem) };
}

/**
 * A base-model batch: fresh problems (outside the held-out set), each with a trace of a verbosity drawn from the
 * mix; traces that do not fit `maxNewTokens` are redrawn.
 */
export function baseExamples(config: TrainerConfig, tokenizer: Tokenizer, random: () => number, exclude: ReadonlySet<string>, step: number): SftExample[] {
  const examples: SftExample[] = [];
  let attempts = 0;
  while (examples.length < config.base.batchSize) {
    if (++attempts > 1000 * config.base.batchSize) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'config.maxNewTokens', value: config.maxNewTokens, message: `config.maxNewTokens: only ${examples.length} of ${attempts - 1} teacher traces fit in ${config.maxNewTokens} tokens; raise it or give shorter verbosities weight` });
    }
    const [problem] = drawProblems(config, 1, random, `base-${step}-${examples.length}`, exclude);
    const verbosity = drawVerbosity(config.base.verbosityMix, random);
    const example = sftExample(tokenizer, problem!, teacherTrace(problem!, verbosity, random), config.maxNewTokens);
    if (example !== undefined) examples.push(example);
  }
  return examples;
}

/** Text length of a batch that holds every example: BOS + prompt + response − 1 (the last token predicts nothing). */
export function batchLength(examples: readonly SftExample[]): number {
  return Math.max(...examples.map((example) => example.prompt.length + example.response.length));
}
