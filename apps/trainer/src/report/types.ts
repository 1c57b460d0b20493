import type { DifficultyBucket } from '@ares/core';

/** The evaluated stages of a run, in pipeline order. */
export type StageName = 'coldStart' | 'grpo' | 'aepo';

/** Every {@link StageName}, in pipeline order. */
export const STAGE_NAMES: readonly StageName[] = Object.freeze(['coldStart', 'grpo', 'aepo']);

/** Held-out evaluation of one stage on one difficulty bucket. */
export interface BucketEvaluation {
  /** Fraction of correct samples; `null` when the bucket has no samples (n = 0). */
  readonly accuracy: number | null;
  /** Mean response length in tokens; `null` when n = 0. */
  readonly meanLength: number | null;
  /** Mean number of high-window-entropy windows per response; `null` when n = 0. */
  readonly meanHweCount: number | null;
  /** Samples evaluated in the bucket. */
  readonly n: number;
}

/** `summary.json`: the held-out evaluation per stage and bucket. */
export interface RunSummary {
  /** `tf.getBackend()` of the run. */
  readonly backend: string;
  /** Stages evaluated so far. */
  readonly stages: Partial<Record<StageName, Readonly<Record<DifficultyBucket, BucketEvaluation>>>>;
}

/** One supervised step (base model or AdaCS cold start). */
export interface SftStepRecord {
  readonly stage: 'base' | 'coldStart';
  /** 1-based step within the stage. */
  readonly step: number;
  /** Token-mean cross-entropy before the update, nats. */
  readonly loss: number;
}

/** Per-bucket figures of one RL step (`null` means: no rollout of this bucket in the step). */
export interface RlBucketRecord {
  readonly rollouts: number;
  readonly accuracy: number | null;
  readonly meanLength: number | null;
  readonly meanHweCount: number | null;
  /** α_d after the step (the entropy-shaping scale; 0 throughout for plain GRPO). */
  readonly alpha: number;
  /** κ_d, the KL coefficient used by the step's loss. */
  readonly klCoefficient: number;
}

/** One RL step of the GRPO baseline or of AEPO. */
export interface RlStepRecord {
  readonly stage: 'grpo' | 'aepo';
  /** 1-based step within the stage. */
  readonly step: number;
  /** τ that labelled the step's batch. */
  readonly threshold: number;
  /** Total loss (policy + KL) of the update. */
  readonly loss: number;
  /** Mean per-token KL estimate to the reference model. */
  readonly kl: number;
  /** Branch rollouts generated in the step (0 for GRPO). */
  readonly branches: number;
  readonly buckets: Readonly<Record<DifficultyBucket, RlBucketRecord>>;
}

/** One held-out response, for the report's sample table. */
export interface ResponseSample {
  readonly stage: StageName;
  readonly problemId: string;
  readonly bucket: DifficultyBucket;
  /** The question text (the image, if any, is not shown). */
  readonly prompt: string;
  readonly gold: string;
  readonly correct: boolean;
  /** The response, one string per token (may contain newlines and `<`, `&`: escape them). */
  readonly tokens: readonly string[];
  /** Per token: true when the token is the start of a high-window-entropy window. Same length as `tokens`. */
  readonly hwe: readonly boolean[];
}

/** Everything the HTML report shows. */
export interface ReportData {
  /** Page title, e.g. `ARES trainer: small preset`. */
  readonly title: string;
  /** ISO time the report was written. */
  readonly generatedAt: string;
  readonly preset: string;
  readonly backend: string;
  /** The run's resolved configuration (shown as JSON). */
  readonly config: unknown;
  readonly summary: RunSummary;
  /** τ used to count HWE windows in every held-out evaluation. */
  readonly evaluationThreshold: number;
  /** Supervised steps of both SFT stages, in order. */
  readonly sft: readonly SftStepRecord[];
  /** RL steps of both RL stages, in order (GRPO first). */
  readonly rl: readonly RlStepRecord[];
  /** A few held-out responses per stage. */
  readonly samples: readonly ResponseSample[];
  /** AdaCS curation: how many problems per bucket picked which verbosity. */
  readonly curation: readonly { readonly bucket: DifficultyBucket; readonly verbosity: string; readonly count: number }[];
  /** Wall-clock seconds per pipeline phase, in order. */
  readonly timings: readonly { readonly phase: string; readonly seconds: number }[];
}
