import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AresError, createRng, rngFromState, DIFFICULTY_BUCKETS, type DifficultyBucket, type Rng, type RngState } from '@ares/core';
import { curate, type CurationProblem } from '@ares/adacs';
import { AepoStep, type AepoState } from '@ares/aepo';
import { bucketOf } from '@ares/difficulty';
import type { SampleResult } from '@ares/eval';
import { modelConfig, type ModelConfig } from '../model/config';
import { disposeParameters, initializeParameters, type ModelParameters } from '../model/parameters';
import { renderReport } from '../report/render';
import type { ReportData, RlStepRecord, RunSummary, SftStepRecord, StageName } from '../report/types';
import { loadCheckpoint, restoreAdam, restoreParameters, saveCheckpoint, type LoadedCheckpoint } from '../run/checkpoint';
import { exists, writeFileAtomic } from '../run/files';
import { MetricsLog, readMetrics } from '../run/metrics';
import { createProgress } from '../run/progress';
import type { Problem } from '../tasks/problems';
import { Tokenizer } from '../tasks/tokenizer';
import { VERBOSITIES, teacherTrace, type Verbosity } from '../tasks/traces';
import { buildSftBatch, type SftExample } from '../training/sft-batch';
import { sftStep } from '../training/sft-step';
import { TRAINER_IMAGE, parseTrainerConfig, type TrainerConfig } from './config';
import { baseExamples, batchLength, drawProblems, heldOutProblems, problemKey, sftExample, traceIds } from './data';
import { bucketEvaluation, evaluateStage, evaluationThreshold, responseSamples, type HeldOutProblem } from './evaluate';
import { aepoConfigFor, rlStep, type RlMode } from './rl';
import { sampleRollouts, type Policy } from './rollouts';

/** The pipeline's phases, in order; a run directory's checkpoint names the one in progress. */
export const PHASES = ['base', 'passRates', 'coldStart', 'evalColdStart', 'grpo', 'evalGrpo', 'aepo', 'evalAepo', 'report', 'done'] as const;

/** One phase of {@link PHASES}. */
export type PhaseName = (typeof PHASES)[number];

/** The run state saved with every checkpoint (`checkpoint/state.json`). */
export interface RunState {
  readonly version: 1;
  /** The phase in progress. */
  readonly phase: PhaseName;
  /** Optimiser steps of the phase completed. */
  readonly step: number;
  /** The phase generator (data order, sampling, branch choice); `null` between phases. */
  readonly rng: RngState | null;
  /** The AEPO step state of an RL phase; `null` elsewhere. */
  readonly aepo: AepoState | null;
  /** Lines of `metrics.jsonl` written up to this checkpoint. */
  readonly metricsLines: number;
  /** Wall-clock seconds of the phases completed. */
  readonly timings: readonly { readonly phase: string; readonly seconds: number }[];
  /** The run's configuration; resume refuses a `config.json` that differs from it. */
  readonly config: TrainerConfig;
}

/** Where a run writes its output, and how it talks. */
export interface RunEnvironment {
  /** The run directory. */
  readonly directory: string;
  /** `tf.getBackend()` after setup. */
  readonly backend: string;
  /** Progress and messages (stderr of the CLI). */
  readonly log: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Called after each checkpoint (tests use it to stop a run). */
  readonly onCheckpoint?: (state: RunState) => void;
}

/** Files of a run directory. */
export const RUN_FILES = Object.freeze({
  config: 'config.json',
  checkpoint: 'checkpoint',
  runState: 'run-state.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  report: 'report.html',
  heldOut: 'data/held-out.json',
  passRates: 'data/pass-rates.json',
  curated: 'data/curated.json',
  evaluation: (stage: StageName) => `eval/${stage}.json`,
  threshold: 'eval/threshold.json',
  model: (name: 'base' | StageName) => `models/${name}`,
});

const STAGE_OF_EVAL: Partial<Record<PhaseName, StageName>> = { evalColdStart: 'coldStart', evalGrpo: 'grpo', evalAepo: 'aepo' };

/** The model configuration of a trainer configuration (the tokenizer's vocabulary, 16×16 images in 4×4 patches). */
export function trainerModelConfig(config: TrainerConfig, tokenizer: Tokenizer): ModelConfig {
  return modelConfig({ vocabSize: tokenizer.size, ...config.model, image: TRAINER_IMAGE });
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new AresError({ code: 'IO', parameter: path, value: path, message: `${path}: ${(error as Error).message}`, cause: error });
  }
}

/** Starts a new run in `directory` (which must not hold one): writes `config.json` and runs every phase. */
export async function startRun(config: TrainerConfig, environment: RunEnvironment): Promise<RunSummary> {
  const checked = parseTrainerConfig(config);
  if (await exists(join(environment.directory, RUN_FILES.config))) {
    throw new AresError({ code: 'INVALID_STATE', parameter: '--out', value: environment.directory, message: `--out: ${environment.directory} already holds a run; use \`ares-train resume ${environment.directory}\` or another directory` });
  }
  await mkdir(join(environment.directory, 'data'), { recursive: true });
  await writeFileAtomic(join(environment.directory, RUN_FILES.config), `${JSON.stringify(checked, null, 2)}\n`);
  return new Pipeline(checked, environment).run(null);
}

/** Position of a run state in the pipeline, for picking the later of two. */
function position(state: RunState): number {
  return PHASES.indexOf(state.phase) * 1e9 + state.step;
}

/** Continues the run in `directory` from its last checkpoint, as if it had never stopped. */
export async function resumeRun(environment: RunEnvironment): Promise<RunSummary> {
  const config = parseTrainerConfig(await readJson(join(environment.directory, RUN_FILES.config)));
  const runStatePath = join(environment.directory, RUN_FILES.runState);
  const fromFile = (await exists(runStatePath)) ? await readJson<RunState>(runStatePath) : null;
  let loaded: LoadedCheckpoint | null = null;
  try {
    loaded = await loadCheckpoint(join(environment.directory, RUN_FILES.checkpoint));
  } catch (error) {
    // No checkpoint directory yet (the run stopped before its first mid-phase checkpoint).
    if (!(AresError.isInstance(error) && error.code === 'IO')) throw error;
  }
  const fromDirectory = loaded === null ? null : (loaded.state as RunState);
  let state = fromFile;
  if (fromDirectory !== null && (state === null || position(fromDirectory) >= position(state))) state = fromDirectory;
  if (state !== null && JSON.stringify(state.config) !== JSON.stringify(config)) {
    throw new AresError({ code: 'INVALID_STATE', parameter: RUN_FILES.config, value: environment.directory, message: `${RUN_FILES.config}: differs from the configuration the run was checkpointed with; restore it or start a new run` });
  }
  if (state !== null && state.step > 0 && (fromDirectory === null || position(fromDirectory) !== position(state))) {
    throw new AresError({ code: 'INVALID_STATE', parameter: RUN_FILES.checkpoint, value: state, message: `${RUN_FILES.checkpoint}: ${state.phase} step ${state.step} has no matching checkpoint` });
  }
  return new Pipeline(config, environment).run(state === null ? null : { state, loaded: loaded as LoadedCheckpoint });
}

/**
 * Re-evaluates every saved stage model of a run on the held-out set and rewrites `summary.json` and `report.html`.
 */
export async function evaluateRun(environment: RunEnvironment): Promise<RunSummary> {
  const config = parseTrainerConfig(await readJson(join(environment.directory, RUN_FILES.config)));
  return new Pipeline(config, environment).reevaluate();
}

class Pipeline {
  readonly #config: TrainerConfig;
  readonly #environment: RunEnvironment;
  readonly #tokenizer = new Tokenizer();
  readonly #model: ModelConfig;
  readonly #progress;
  #metrics!: MetricsLog;
  #timings: { phase: string; seconds: number }[] = [];
  #heldOutCache: Problem[] | undefined;

  constructor(config: TrainerConfig, environment: RunEnvironment) {
    this.#config = config;
    this.#environment = environment;
    this.#model = trainerModelConfig(config, this.#tokenizer);
    this.#progress = createProgress({ stream: environment.log });
  }

  #path(relative: string): string {
    return join(this.#environment.directory, relative);
  }

  #say(line: string): void {
    this.#environment.log.write(`${line}\n`);
  }

  async run(resume: { state: RunState; loaded: LoadedCheckpoint } | null): Promise<RunSummary> {
    const state = resume?.state ?? null;
    this.#metrics = MetricsLog.open(this.#path(RUN_FILES.metrics), { keepLines: state?.metricsLines ?? 0 });
    this.#timings = [...(state?.timings ?? [])];
    const start = state === null ? 0 : PHASES.indexOf(state.phase);
    this.#say(`ares-train: preset ${this.#config.preset}, backend ${this.#environment.backend}, directory ${this.#environment.directory}${state === null ? '' : `, resuming ${state.phase} at step ${state.step}`}`);
    for (let index = start; index < PHASES.length - 1; index++) {
      const phase = PHASES[index]!;
      const began = performance.now();
      // A checkpoint inside a phase (step > 0) resumes it; a boundary checkpoint starts the phase afresh.
      const within = index === start && state !== null && state.phase === phase && state.step > 0 ? resume : null;
      await this.#runPhase(phase, within);
      this.#timings.push({ phase, seconds: Math.round((performance.now() - began) / 100) / 10 });
      await this.#checkpoint(null, { phase: PHASES[index + 1]!, step: 0, rng: null, aepo: null });
    }
    return readJson<RunSummary>(this.#path(RUN_FILES.summary));
  }

  async #runPhase(phase: PhaseName, resume: { state: RunState; loaded: LoadedCheckpoint } | null): Promise<void> {
    switch (phase) {
      case 'base':
        return this.#sft('base', resume);
      case 'passRates':
        return this.#passRates();
      case 'coldStart':
        return this.#sft('coldStart', resume);
      case 'grpo':
      case 'aepo':
        return this.#rl(phase, resume);
      case 'evalColdStart':
      case 'evalGrpo':
      case 'evalAepo':
        return this.#evaluate(STAGE_OF_EVAL[phase]!);
      case 'report':
        return this.#report();
      case 'done':
        return;
    }
  }

  /**
   * Records progress: mid-phase (with parameters) the whole checkpoint directory is written atomically first, then
   * always `run-state.json`. A crash between the two leaves the directory one state ahead, and resume takes the
   * later of the two (both are complete).
   */
  async #checkpoint(parameters: ModelParameters | null, fields: Pick<RunState, 'phase' | 'step' | 'rng' | 'aepo'>, optimizer?: tf.AdamOptimizer): Promise<void> {
    const state: RunState = { version: 1, ...fields, metricsLines: this.#metrics.lines, timings: this.#timings, config: this.#config };
    if (parameters !== null) {
      await saveCheckpoint(this.#path(RUN_FILES.checkpoint), { parameters, ...(optimizer === undefined ? {} : { optimizer }), state });
    }
    await writeFileAtomic(this.#path(RUN_FILES.runState), `${JSON.stringify(state)}\n`);
    this.#environment.onCheckpoint?.(state);
  }

  /** Fresh variables of the model: seeded initial weights, or a saved model's. */
  async #loadModel(name: 'base' | StageName | null, loaded?: LoadedCheckpoint): Promise<ModelParameters> {
    const parameters = initializeParameters(this.#model, this.#config.seed);
    const source = loaded ?? (name === null ? undefined : await loadCheckpoint(this.#path(RUN_FILES.model(name))));
    if (source !== undefined) restoreParameters(parameters, source);
    return parameters;
  }

  async #saveModel(name: 'base' | StageName, parameters: ModelParameters): Promise<void> {
    await mkdir(this.#path('models'), { recursive: true });
    await saveCheckpoint(this.#path(RUN_FILES.model(name)), { parameters, state: { model: name } });
  }

  async #sft(stage: 'base' | 'coldStart', resume: { state: RunState; loaded: LoadedCheckpoint } | null): Promise<void> {
    const settings = this.#config[stage];
    const parameters = resume !== null ? await this.#loadModel(null, resume.loaded) : await this.#loadModel(stage === 'base' ? null : 'base');
    const optimizer = resume?.loaded.optimizer != null ? restoreAdam(resume.loaded.optimizer, parameters) : tf.train.adam(settings.learningRate);
    const random: Rng = resume?.state.rng != null ? rngFromState(resume.state.rng) : createRng(`${this.#config.seed}:${stage}`);
    const exclude = this.#heldOutKeys();
    const curated = stage === 'coldStart' ? await this.#curatedExamples() : [];
    const task = this.#progress.start(stage === 'base' ? 'base model (mixed traces)' : 'AdaCS cold start', settings.steps);
    const first = resume?.state.step ?? 0;
    if (first > 0) task.tick(first);
    try {
      for (let step = first + 1; step <= settings.steps; step++) {
        const examples = stage === 'base' ? baseExamples(this.#config, this.#tokenizer, random, exclude, step) : Array.from({ length: settings.batchSize }, () => curated[Math.floor(random() * curated.length)]!);
        const batch = buildSftBatch(examples, batchLength(examples), { bosId: this.#tokenizer.bosId, padId: this.#tokenizer.padId });
        const { loss } = await sftStep(parameters, this.#model, optimizer, batch);
        const record: SftStepRecord = { stage, step, loss };
        this.#metrics.append({ type: 'sft', ...record });
        task.tick(1, `loss ${loss.toFixed(3)}`);
        if (step % this.#config.checkpointEvery === 0 && step < settings.steps) {
          await this.#checkpoint(parameters, { phase: stage, step, rng: random.state(), aepo: null }, optimizer);
        }
      }
      task.done();
      await this.#saveModel(stage, parameters);
    } finally {
      optimizer.dispose();
      disposeParameters(parameters);
    }
  }

  /** The cold-start examples: every curated problem with its chosen trace. */
  async #curatedExamples(): Promise<SftExample[]> {
    const curated = await readJson<{ problems: { problem: Problem; trace: string }[] }>(this.#path(RUN_FILES.curated));
    return curated.problems.map(({ problem, trace }) => sftExample(this.#tokenizer, reviveProblem(problem), trace, this.#config.maxNewTokens)!);
  }

  /**
   * Pass rates of the base model (K samples per problem) on a curation pool and on the held-out set; AdaCS picks a
   * trace per curation problem; the held-out problems get their buckets.
   */
  async #passRates(): Promise<void> {
    const config = this.#config;
    const random = createRng(`${config.seed}:pass-rates`);
    const heldOut = this.#heldOutProblems();
    const exclude = this.#heldOutKeys();
    const pool = drawProblems(config, config.passRates.problems, random, 'curation', exclude);
    const parameters = await this.#loadModel('base');
    const samples = config.passRates.samples;
    const all = [...pool, ...heldOut];
    const task = this.#progress.start(`pass rates of the base model (${samples} samples each)`, all.length);
    const outcomes = new Map<string, boolean[]>();
    try {
      const chunk = Math.max(1, Math.floor(256 / samples));
      for (let start = 0; start < all.length; start += chunk) {
        const part = all.slice(start, start + chunk);
        const rollouts = await sampleRollouts({ parameters, config: this.#model }, this.#tokenizer, part.flatMap((problem) => Array.from({ length: samples }, () => ({ problem }))), { maxNewTokens: config.maxNewTokens, temperature: 1, random });
        rollouts.forEach((rollout) => {
          const list = outcomes.get(rollout.problem.id) ?? [];
          list.push(rollout.correct);
          outcomes.set(rollout.problem.id, list);
        });
        task.tick(part.length);
      }
      task.done();
    } finally {
      disposeParameters(parameters);
    }
    const passRate = (id: string) => outcomes.get(id)!.filter(Boolean).length / samples;
    await writeFileAtomic(this.#path(RUN_FILES.heldOut), `${JSON.stringify(heldOut.map((problem) => ({ id: problem.id, level: problem.level, kind: problem.kind, passRate: passRate(problem.id), bucket: bucketOf(passRate(problem.id)) })))}\n`);

    // AdaCS: candidates are the three teacher verbosities; sources are the task kinds (their lengths differ).
    const traceRandom = createRng(`${config.seed}:traces`);
    const problems: (CurationProblem & { traces: Record<Verbosity, string> })[] = [];
    for (const problem of pool) {
      const traces = {} as Record<Verbosity, string>;
      for (const verbosity of VERBOSITIES) traces[verbosity] = teacherTrace(problem, verbosity, traceRandom);
      const usable = VERBOSITIES.filter((verbosity) => traceIds(this.#tokenizer, traces[verbosity]).length <= config.maxNewTokens);
      problems.push({
        id: problem.id,
        source: problem.kind,
        question: problem.prompt,
        answer: problem.answer,
        candidates: usable.map((verbosity) => ({ text: traces[verbosity], tokens: traceIds(this.#tokenizer, traces[verbosity]).length })),
        correct: outcomes.get(problem.id)!,
        traces,
      });
    }
    let lengthRule = true;
    let result;
    try {
      result = curate(problems, { brackets: config.coldStart.brackets, seed: config.seed });
    } catch (error) {
      if (!(AresError.isInstance(error) && error.code === 'EMPTY_INPUT')) throw error;
      // No problem at pass rate 0 (or 1) anywhere: the length anchors do not exist; fall back to the vanilla rule.
      this.#say(`AdaCS: ${error.message}; using the vanilla rule (a uniformly drawn candidate)`);
      lengthRule = false;
      result = curate(problems, { brackets: config.coldStart.brackets, seed: config.seed, lengthRule: false });
    }
    const byId = new Map(pool.map((problem) => [problem.id, problem]));
    const curated = result.selected.map((selected) => {
      const problem = byId.get(String(selected.problem.id))!;
      const trace = selected.problem.candidates[selected.candidateIndex]!.text;
      const verbosity = VERBOSITIES.find((name) => problems[selected.index]!.traces[name] === trace)!;
      return { problem, trace, verbosity, passRate: selected.passRate, bucket: bucketOf(selected.passRate), length: selected.length, targetLength: selected.targetLength };
    });
    await writeFileAtomic(this.#path(RUN_FILES.curated), `${JSON.stringify({ lengthRule, anchors: result.diagnostics, problems: curated.map(({ problem, ...rest }) => ({ problem: serializeProblem(problem), ...rest })) })}\n`);
  }

  /** The evaluation threshold τ fixed by the cold-start evaluation. */
  async #threshold(): Promise<number> {
    return (await readJson<{ evaluationThreshold: number }>(this.#path(RUN_FILES.threshold))).evaluationThreshold;
  }

  /** The held-out problems (generated once per pipeline from the seed). */
  #heldOutProblems(): Problem[] {
    this.#heldOutCache ??= heldOutProblems(this.#config);
    return this.#heldOutCache;
  }

  /** Content keys of the held-out problems, which no training draw may produce. */
  #heldOutKeys(): Set<string> {
    return new Set(this.#heldOutProblems().map(problemKey));
  }

  async #heldOut(): Promise<HeldOutProblem[]> {
    const buckets = await readJson<{ id: string; bucket: DifficultyBucket }[]>(this.#path(RUN_FILES.heldOut));
    const byId = new Map(buckets.map((entry) => [entry.id, entry.bucket]));
    return this.#heldOutProblems().map((problem) => ({ problem, bucket: byId.get(problem.id)! }));
  }

  async #rl(mode: RlMode, resume: { state: RunState; loaded: LoadedCheckpoint } | null): Promise<void> {
    const config = this.#config;
    const threshold = await this.#threshold();
    const aepoConfig = aepoConfigFor(mode, config, threshold);
    const parameters = resume !== null ? await this.#loadModel(null, resume.loaded) : await this.#loadModel('coldStart');
    const reference = await this.#loadModel('coldStart');
    const optimizer = resume?.loaded.optimizer != null ? restoreAdam(resume.loaded.optimizer, parameters) : tf.train.adam(config.rl.learningRate);
    const random: Rng = resume?.state.rng != null ? rngFromState(resume.state.rng) : createRng(`${config.seed}:${mode}`);
    const aepo = resume?.state.aepo != null ? AepoStep.fromJSON(resume.state.aepo, aepoConfig) : new AepoStep(aepoConfig);
    const exclude = this.#heldOutKeys();
    // Both RL stages draw from the same prompt pool.
    const pool = drawProblems(config, config.rl.promptPool, createRng(`${config.seed}:rl-pool`), 'rl', exclude);
    const task = this.#progress.start(mode === 'grpo' ? 'GRPO baseline' : 'AEPO', config.rl.steps);
    const first = resume?.state.step ?? 0;
    if (first > 0) task.tick(first);
    try {
      for (let step = first + 1; step <= config.rl.steps; step++) {
        const { record } = await rlStep({ mode, config, tokenizer: this.#tokenizer, policy: { parameters, config: this.#model }, reference: { parameters: reference, config: this.#model }, optimizer, aepo, pool, random }, step);
        this.#metrics.append({ type: 'rl', ...record });
        const accuracy = DIFFICULTY_BUCKETS.map((bucket) => record.buckets[bucket].accuracy).map((value) => (value === null ? '–' : value.toFixed(2))).join('/');
        task.tick(1, `acc e/m/h ${accuracy} kl ${record.kl.toFixed(4)}`);
        if (step % config.checkpointEvery === 0 && step < config.rl.steps) {
          await this.#checkpoint(parameters, { phase: mode, step, rng: random.state(), aepo: aepo.toJSON() }, optimizer);
        }
      }
      task.done();
      await this.#saveModel(mode, parameters);
    } finally {
      optimizer.dispose();
      disposeParameters(parameters);
      disposeParameters(reference);
    }
  }

  async #evaluate(stage: StageName): Promise<void> {
    const config = this.#config;
    const heldOut = await this.#heldOut();
    const parameters = await this.#loadModel(stage);
    const task = this.#progress.start(`held-out evaluation: ${stage}`, heldOut.length * config.eval.samples);
    let results: SampleResult[];
    try {
      let reported = 0;
      results = await evaluateStage(stage, { parameters, config: this.#model }, this.#tokenizer, heldOut, {
        samples: config.eval.samples,
        maxNewTokens: config.maxNewTokens,
        temperature: config.eval.temperature,
        seed: config.seed,
        concurrency: 128,
        onProgress: (done) => {
          task.tick(done - reported);
          reported = done;
        },
      });
      task.done();
    } finally {
      disposeParameters(parameters);
    }
    await mkdir(this.#path('eval'), { recursive: true });
    await writeFileAtomic(this.#path(RUN_FILES.evaluation(stage)), `${JSON.stringify(results)}\n`);
    if (stage === 'coldStart') {
      await writeFileAtomic(this.#path(RUN_FILES.threshold), `${JSON.stringify({ evaluationThreshold: evaluationThreshold(results, config.aepo.window), window: config.aepo.window })}\n`);
    }
    const threshold = await this.#threshold();
    const summaryPath = this.#path(RUN_FILES.summary);
    const summary: RunSummary = (await exists(summaryPath)) && stage !== 'coldStart' ? await readJson<RunSummary>(summaryPath) : { backend: this.#environment.backend, stages: {} };
    const updated: RunSummary = { backend: this.#environment.backend, stages: { ...summary.stages, [stage]: bucketEvaluation(results, threshold, config.aepo.window) } };
    await writeFileAtomic(summaryPath, `${JSON.stringify(updated, null, 2)}\n`);
    this.#metrics.append({ type: 'eval', stage, buckets: updated.stages[stage] });
    const table = DIFFICULTY_BUCKETS.map((bucket) => {
      const entry = updated.stages[stage]![bucket];
      return `${bucket} ${entry.accuracy === null ? '–' : `${(entry.accuracy * 100).toFixed(1)}%`} len ${entry.meanLength === null ? '–' : entry.meanLength.toFixed(1)} (n ${entry.n})`;
    });
    this.#say(`${stage}: ${table.join(', ')}`);
  }

  async #report(): Promise<void> {
    const config = this.#config;
    const summary = await readJson<RunSummary>(this.#path(RUN_FILES.summary));
    const threshold = await this.#threshold();
    const heldOut = await this.#heldOut();
    const metrics = readMetrics(this.#path(RUN_FILES.metrics)) as ({ type: string } & Record<string, unknown>)[];
    const samples = [];
    for (const stage of ['coldStart', 'grpo', 'aepo'] as const) {
      if (!(await exists(this.#path(RUN_FILES.evaluation(stage))))) continue;
      const results = await readJson<SampleResult[]>(this.#path(RUN_FILES.evaluation(stage)));
      samples.push(...responseSamples(stage, results, heldOut, this.#tokenizer, threshold, config.aepo.window, config.reportSamples));
    }
    const curated = await readJson<{ problems: { bucket: DifficultyBucket; verbosity: string }[] }>(this.#path(RUN_FILES.curated));
    const curation: { bucket: DifficultyBucket; verbosity: string; count: number }[] = [];
    for (const bucket of DIFFICULTY_BUCKETS) {
      for (const verbosity of VERBOSITIES) {
        curation.push({ bucket, verbosity, count: curated.problems.filter((entry) => entry.bucket === bucket && entry.verbosity === verbosity).length });
      }
    }
    const data: ReportData = {
      title: `ARES trainer: ${config.preset} preset`,
      generatedAt: new Date().toISOString(),
      preset: config.preset,
      backend: summary.backend,
      config,
      summary,
      evaluationThreshold: threshold,
      sft: metrics.filter((record) => record.type === 'sft').map(({ type: _type, ...record }) => record as unknown as SftStepRecord),
      rl: metrics.filter((record) => record.type === 'rl').map(({ type: _type, ...record }) => record as unknown as RlStepRecord),
      samples,
      curation,
      timings: this.#timings,
    };
    await writeFileAtomic(this.#path(RUN_FILES.report), renderReport(data));
    this.#say(`report: ${this.#path(RUN_FILES.report)}`);
  }

  async reevaluate(): Promise<RunSummary> {
    this.#metrics = MetricsLog.open(this.#path(RUN_FILES.metrics), {});
    for (const stage of ['coldStart', 'grpo', 'aepo'] as const) {
      if (await exists(this.#path(RUN_FILES.model(stage)))) await this.#evaluate(stage);
    }
    await this.#report();
    return readJson<RunSummary>(this.#path(RUN_FILES.summary));
  }
}

/** A problem as JSON (its image as a plain array). */
function serializeProblem(problem: Problem): unknown {
  return problem.image === undefined ? problem : { ...problem, image: Array.from(problem.image) };
}

/** The inverse of {@link serializeProblem}. */
function reviveProblem(value: Problem): Problem {
  const image = (value as { image?: unknown }).image;
  return Array.isArray(image) ? { ...value, image: Float32Array.from(image as number[]) } : value;
}
