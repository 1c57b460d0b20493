import {
  AresError,
  assertInRange,
  assertInteger,
  assertOneOf,
  DIFFICULTY_BUCKETS,
  isDifficultyBucket,
  type DifficultyBucket,
} from '@ares/core';
import { DifficultyTracker, type DifficultyTrackerMode, type DifficultyTrackerOptions } from '@ares/difficulty';
import { ReleasedThresholdTracker, type HweCoverage, type WindowAnchor } from '@ares/entropy';
import {
  filterGroups,
  groupAdvantages,
  type AdvantageScale,
  type Convention,
  type FilterGroupsOptions,
  type GroupAdvantagesOptions,
} from '@ares/grpo';
import {
  createKlController,
  klEstimate,
  klTokenWeights,
  type KlController,
  type KlControllerKind,
  type KlControllerOptionsByKind,
  type KlEstimator,
} from '@ares/kl-budget';
import { DEFAULT_PAPER_LAGGED_REWARDS_OPTIONS, paperLaggedRewards } from './paper-lagged-rewards';
import {
  createBucketTargetState,
  DEFAULT_CREATE_BUCKET_TARGET_STATE_OPTIONS,
  DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS,
  updateBucketTargets,
} from './update-bucket-targets';

/** How {@link AepoStep} picks the labelling threshold τ (SPEC §2.2 "HWE threshold estimators"). */
export type AepoThresholdEstimator = 'released' | 'paper';

/** The shaped reward of {@link AepoStep}: the released `ares` shaping or the paper formula with a lagged target. */
export type AepoShaping = 'ares' | 'paper-lagged';

/** The score {@link AepoStep} filters groups on; `'none'` keeps every group. */
export type AepoFilterKey = 'overall' | 'accuracy' | 'none';

/** Which `topKEntropy` bound becomes the per-token entropy of a rollout that carries top-k log-probs. */
export type AepoTopKBound = 'plain' | 'lower' | 'upper';

/** Threshold settings of {@link AepoConfig}. */
export interface AepoThresholdConfig {
  /**
   * `released` (EMA of batch medians, one-step lag) or `paper` (mean per-sequence quantile of this batch).
   * @default 'released'
   */
  readonly estimator?: AepoThresholdEstimator;
  /**
   * Per-sequence quantile level of either estimator, in [0, 1].
   * @default 0.95
   */
  readonly quantile?: number;
  /**
   * Weight of the new batch median in the `released` EMA τ ← (1 − weight)·τ + weight·median, in [0, 1].
   * @default 0.01
   */
  readonly medianWeight?: number;
  /**
   * τ for the first batch under `released` (the released code used a validation pass, fallback 1.5); without it
   * the first batch is labelled with its own median.
   * @default undefined
   */
  readonly initialThreshold?: number;
}

/** Target and scale settings of {@link AepoConfig} (`createBucketTargetState` and `updateBucketTargets`). */
export interface AepoTargetsConfig {
  /**
   * T_d of every bucket before the first batch, finite ≥ 0.
   * @default 0
   */
  readonly initialTarget?: number;
  /**
   * α_d of every bucket before the first batch, finite ≥ 0.
   * @default 0.5
   */
  readonly initialAlpha?: number;
  /**
   * Step size of α_d ← α_d + rate·δ_d.
   * @default 0.05
   */
  readonly alphaLearningRate?: number;
  /**
   * Lower clip of α_d.
   * @default 0
   */
  readonly alphaMin?: number;
  /**
   * Upper clip of α_d (0.55 keeps correct answers above wrong ones, SPEC §2.8).
   * @default 0.55
   */
  readonly alphaMax?: number;
}

/** The KL controller of {@link AepoConfig}: a kind and that kind's options. */
export type AepoKlControllerConfig = {
  readonly [Kind in KlControllerKind]: { readonly kind: Kind; readonly options?: KlControllerOptionsByKind[Kind] };
}[KlControllerKind];

/** KL settings of {@link AepoConfig}. */
export interface AepoKlConfig {
  /**
   * Per-token KL estimator (verl `kl_penalty` names); `k1`/`kl` can be negative and is rejected with `dual-ascent`.
   * @default 'k3'
   */
  readonly estimator?: KlEstimator;
  /**
   * ρ in β_{i,t} = β_d·ρ^{m_{i,t}}, in (0, 1].
   * @default 0.5
   */
  readonly rho?: number;
  /**
   * Base weights β_d, finite ≥ 0.
   * @default { easy: 1, medium: 1, hard: 1 }
   */
  readonly base?: Readonly<Partial<Record<DifficultyBucket, number>>>;
  /**
   * HWE mask coverage used for KL relaxation and the control statistic.
   * @default 'start'
   */
  readonly coverage?: HweCoverage;
  /**
   * The per-bucket KL controller.
   * @default { kind: 'dual-ascent' }
   */
  readonly controller?: AepoKlControllerConfig;
}

/**
 * Configuration of {@link AepoStep}; every field is optional and defaults to {@link DEFAULT_AEPO_CONFIG}.
 * Plain data, so a config can be stored next to a checkpoint.
 */
export interface AepoConfig {
  /**
   * Window length w of the window entropies, an integer ≥ 1.
   * @default 4
   */
  readonly window?: number;
  /**
   * Window anchor of the counted windows (`inclusive`, paper) or (`next`, released).
   * @default 'inclusive'
   */
  readonly anchor?: WindowAnchor;
  /** Threshold estimator and its settings. */
  readonly threshold?: AepoThresholdConfig;
  /**
   * The `topKEntropy` bound used as the token entropy for rollouts given as `topLogProbs`.
   * @default 'lower'
   */
  readonly topKBound?: AepoTopKBound;
  /**
   * Vocabulary size V, required by `topKBound: 'upper'`.
   * @default undefined
   */
  readonly vocabSize?: number;
  /**
   * Trigger vocabulary (e.g. `RELEASED_TRIGGER_VOCABULARY`); when set, N_HE counts only sampled trigger tokens
   * followed by a full `next` window ≥ τ, and every rollout must carry `tokens`.
   * @default undefined (N_HE counts positions)
   */
  readonly triggerVocabulary?: Iterable<string>;
  /**
   * Options of the persistent `DifficultyTracker` (mode, bucket thresholds, EMA decay).
   * @default { mode: 'latest', thresholds: { easyAtLeast: 2/3, hardBelow: 1/3 } }
   */
  readonly tracker?: DifficultyTrackerOptions;
  /** Initial T_d, α_d and the α update. */
  readonly targets?: AepoTargetsConfig;
  /**
   * The shaped reward.
   * @default 'ares'
   */
  readonly shaping?: AepoShaping;
  /**
   * Options of `paper-lagged` shaping.
   * @default { epsilon: 1e-6 }
   */
  readonly paperLagged?: { readonly epsilon?: number };
  /**
   * Score the online group filter uses: `overall` (the shaped reward, as released), `accuracy` (DAPO), `none`.
   * @default 'overall'
   */
  readonly filterKey?: AepoFilterKey;
  /**
   * Bounds of the online filter: keep a group iff low < mean < high.
   * @default { low: 0.01, high: 0.99 }
   */
  readonly filter?: FilterGroupsOptions;
  /**
   * Options of `groupAdvantages`.
   * @default { scale: 'group', convention: 'verl' }
   */
  readonly advantages?: GroupAdvantagesOptions;
  /** KL estimator, token weights and controller. */
  readonly kl?: AepoKlConfig;
}

/** A fully resolved {@link AepoConfig}: the shape of {@link DEFAULT_AEPO_CONFIG} and of `AepoStep.config`. */
export interface AepoSettings {
  readonly window: number;
  readonly anchor: WindowAnchor;
  readonly threshold: {
    readonly estimator: AepoThresholdEstimator;
    readonly quantile: number;
    readonly medianWeight: number;
    readonly initialThreshold: number | undefined;
  };
  readonly topKBound: AepoTopKBound;
  readonly vocabSize: number | undefined;
  readonly triggerVocabulary: readonly string[] | undefined;
  readonly tracker: {
    readonly mode: DifficultyTrackerMode;
    readonly thresholds: { readonly easyAtLeast: number; readonly hardBelow: number };
    readonly emaDecay: number;
  };
  readonly targets: Readonly<Required<AepoTargetsConfig>>;
  readonly shaping: AepoShaping;
  readonly paperLagged: { readonly epsilon: number };
  readonly filterKey: AepoFilterKey;
  readonly filter: Readonly<Required<FilterGroupsOptions>>;
  readonly advantages: {
    readonly scale: AdvantageScale;
    readonly convention: Convention;
    /** `undefined`: the convention's ε (verl 1e-6, trl 1e-4). */
    readonly epsilon: number | undefined;
  };
  readonly kl: {
    readonly estimator: KlEstimator;
    readonly rho: number;
    readonly base: Readonly<Record<DifficultyBucket, number>>;
    readonly coverage: HweCoverage;
    /** The controller kind and its complete settings (as in the controller's `toJSON().options`). */
    readonly controller: AepoKlControllerConfig;
  };
}

const THRESHOLD_ESTIMATORS: readonly AepoThresholdEstimator[] = ['released', 'paper'];
const SHAPINGS: readonly AepoShaping[] = ['ares', 'paper-lagged'];
const FILTER_KEYS: readonly AepoFilterKey[] = ['overall', 'accuracy', 'none'];
const TOP_K_BOUNDS: readonly AepoTopKBound[] = ['plain', 'lower', 'upper'];
const ANCHORS: readonly WindowAnchor[] = ['inclusive', 'next'];
const COVERAGES: readonly HweCoverage[] = ['start', 'covered'];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/**
 * Runs `run` and re-throws an `AresError` whose parameter is `from` or starts with `from.` with that prefix replaced
 * by `to`, so that errors of upstream calls name the config or state path the caller wrote; other errors pass
 * through unchanged.
 * @internal
 */
export function renameParameter<T>(from: string, to: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!AresError.isInstance(error)) throw error;
    const original = error.parameter;
    if (original === undefined || (original !== from && !original.startsWith(`${from}.`))) throw error;
    const parameter = `${to}${original.slice(from.length)}`;
    const message = error.message.startsWith(original)
      ? `${parameter}${error.message.slice(original.length)}`
      : `${parameter}: ${error.message}`;
    throw new AresError({ code: error.code, parameter, value: error.value, message, cause: error });
  }
}

function checkObjectOption(value: unknown, parameter: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter,
      value,
      message: `${parameter}: expected an object, got ${String(value)}`,
    });
  }
  return value as Record<string, unknown>;
}

function checkBucketKeys(record: Record<string, unknown>, parameter: string): void {
  for (const key of Object.keys(record)) {
    if (!isDifficultyBucket(key)) {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: `${parameter}.${key}`,
        value: key,
        message: `${parameter}: unknown bucket ${JSON.stringify(key)}; expected 'easy', 'medium' or 'hard'`,
      });
    }
  }
}

function resolveVocabulary(vocabulary: unknown): readonly string[] | undefined {
  if (vocabulary === undefined) return undefined;
  const parameter = 'config.triggerVocabulary';
  if (
    typeof vocabulary !== 'object' ||
    vocabulary === null ||
    typeof (vocabulary as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
  ) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter,
      value: vocabulary,
      message: `${parameter}: expected an iterable of strings (an array or a Set)`,
    });
  }
  const entries = [...(vocabulary as Iterable<unknown>)];
  entries.forEach((entry, index) => {
    if (typeof entry !== 'string') {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter,
        value: entry,
        message: `${parameter}: element ${index} is ${String(entry)}; expected a string`,
      });
    }
  });
  return entries as string[];
}

/**
 * Creates the KL controller of resolved settings.
 * @internal
 */
export function createController(settings: AepoSettings): KlController {
  const { kind, options } = settings.kl.controller;
  return createKlController(kind, options as never);
}

/**
 * Validates an {@link AepoConfig} and fills in the defaults; errors name `config.<path>`.
 * @internal
 */
export function resolveAepoConfig(config: AepoConfig = {}): AepoSettings {
  const root = checkObjectOption(config, 'config') as AepoConfig;
  const window = root.window ?? 4;
  assertInteger(window, 'config.window');
  const anchor = root.anchor ?? 'inclusive';
  assertOneOf(anchor, ANCHORS, 'config.anchor');

  const thresholdConfig = checkObjectOption(root.threshold, 'config.threshold') as AepoThresholdConfig;
  const estimator = thresholdConfig.estimator ?? 'released';
  assertOneOf(estimator, THRESHOLD_ESTIMATORS, 'config.threshold.estimator');
  const thresholdOptions = renameParameter('options', 'config.threshold', () =>
    new ReleasedThresholdTracker({
      window,
      ...(thresholdConfig.quantile === undefined ? {} : { quantile: thresholdConfig.quantile }),
      ...(thresholdConfig.medianWeight === undefined ? {} : { medianWeight: thresholdConfig.medianWeight }),
      ...(thresholdConfig.initialThreshold === undefined ? {} : { initialThreshold: thresholdConfig.initialThreshold }),
    }).toJSON().options,
  );

  const topKBound = root.topKBound ?? 'lower';
  assertOneOf(topKBound, TOP_K_BOUNDS, 'config.topKBound');
  const vocabSize = root.vocabSize;
  if (vocabSize !== undefined) assertInteger(vocabSize, 'config.vocabSize');
  if (topKBound === 'upper' && vocabSize === undefined) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'config.vocabSize',
      value: undefined,
      message: "config.vocabSize: required with topKBound 'upper' (the upper bound is +∞ without V)",
    });
  }
  const triggerVocabulary = resolveVocabulary(root.triggerVocabulary);

  const tracker = renameParameter('options', 'config.tracker', () => new DifficultyTracker(root.tracker ?? {}));

  const targetsConfig = checkObjectOption(root.targets, 'config.targets') as AepoTargetsConfig;
  const targets = {
    initialTarget: targetsConfig.initialTarget ?? DEFAULT_CREATE_BUCKET_TARGET_STATE_OPTIONS.target,
    initialAlpha: targetsConfig.initialAlpha ?? DEFAULT_CREATE_BUCKET_TARGET_STATE_OPTIONS.alpha,
    alphaLearningRate: targetsConfig.alphaLearningRate ?? DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS.alphaLearningRate,
    alphaMin: targetsConfig.alphaMin ?? DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS.alphaMin,
    alphaMax: targetsConfig.alphaMax ?? DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS.alphaMax,
  };
  assertInRange(targets.initialTarget, 'config.targets.initialTarget', { min: 0 });
  assertInRange(targets.initialAlpha, 'config.targets.initialAlpha', { min: 0 });
  renameParameter('options', 'config.targets', () =>
    updateBucketTargets(createBucketTargetState(), [], {
      alphaLearningRate: targets.alphaLearningRate,
      alphaMin: targets.alphaMin,
      alphaMax: targets.alphaMax,
    }),
  );

  const shaping = root.shaping ?? 'ares';
  assertOneOf(shaping, SHAPINGS, 'config.shaping');
  const paperLaggedConfig = checkObjectOption(root.paperLagged, 'config.paperLagged') as { epsilon?: number };
  const paperLagged = { epsilon: paperLaggedConfig.epsilon ?? DEFAULT_PAPER_LAGGED_REWARDS_OPTIONS.epsilon };
  renameParameter('options', 'config.paperLagged', () => paperLaggedRewards([], {}, paperLagged));

  const filterKey = root.filterKey ?? 'overall';
  assertOneOf(filterKey, FILTER_KEYS, 'config.filterKey');
  const filterConfig = checkObjectOption(root.filter, 'config.filter') as FilterGroupsOptions;
  const filter = { low: filterConfig.low ?? 0.01, high: filterConfig.high ?? 0.99 };
  renameParameter('options', 'config.filter', () => filterGroups([], [], filter));

  const advantagesConfig = checkObjectOption(root.advantages, 'config.advantages') as GroupAdvantagesOptions;
  const advantages = {
    scale: advantagesConfig.scale ?? 'group',
    convention: advantagesConfig.convention ?? 'verl',
    epsilon: advantagesConfig.epsilon,
  };
  renameParameter('options', 'config.advantages', () =>
    groupAdvantages([], [], {
      scale: advantages.scale,
      convention: advantages.convention,
      ...(advantages.epsilon === undefined ? {} : { epsilon: advantages.epsilon }),
    }),
  );

  const klConfig = checkObjectOption(root.kl, 'config.kl') as AepoKlConfig;
  const klEstimator = klConfig.estimator ?? 'k3';
  renameParameter('estimator', 'config.kl.estimator', () => klEstimate([], [], klEstimator));
  const baseConfig = checkObjectOption(klConfig.base, 'config.kl.base');
  checkBucketKeys(baseConfig, 'config.kl.base');
  const base = {} as Record<DifficultyBucket, number>;
  for (const bucket of DIFFICULTY_BUCKETS) base[bucket] = (baseConfig[bucket] as number | undefined) ?? 1;
  const rho = klConfig.rho ?? 0.5;
  renameParameter('options', 'config.kl', () => klTokenWeights(new Uint8Array(0), [], 1, { rho, base }));
  const coverage = klConfig.coverage ?? 'start';
  assertOneOf(coverage, COVERAGES, 'config.kl.coverage');
  const controllerConfig = checkObjectOption(klConfig.controller, 'config.kl.controller') as Partial<AepoKlControllerConfig>;
  const kind = controllerConfig.kind ?? 'dual-ascent';
  const controller = renameParameter('options', 'config.kl.controller.options', () =>
    renameParameter('kind', 'config.kl.controller.kind', () =>
      createKlController(kind, (controllerConfig.options ?? {}) as never),
    ),
  );
  if (kind === 'dual-ascent' && (klEstimator === 'k1' || klEstimator === 'kl' || klEstimator === 'k1+' || klEstimator === 'kl+')) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter: 'config.kl.estimator',
      value: klEstimator,
      message: `config.kl.estimator: ${klEstimator} can be negative, and the dual-ascent controller needs KL_ctrl ≥ 0; use k3, k2 or abs`,
    });
  }

  return deepFreeze({
    window,
    anchor,
    threshold: {
      estimator,
      quantile: thresholdOptions.quantile,
      medianWeight: thresholdOptions.medianWeight,
      initialThreshold: thresholdOptions.initialThreshold ?? undefined,
    },
    topKBound,
    vocabSize,
    triggerVocabulary,
    tracker: {
      mode: tracker.mode,
      thresholds: { easyAtLeast: tracker.thresholds.easyAtLeast, hardBelow: tracker.thresholds.hardBelow },
      emaDecay: tracker.emaDecay,
    },
    targets,
    shaping,
    paperLagged,
    filterKey,
    filter,
    advantages,
    kl: {
      estimator: klEstimator,
      rho,
      base,
      coverage,
      controller: { kind, options: controller.toJSON().options } as AepoKlControllerConfig,
    },
  });
}

/**
 * The defaults of {@link AepoConfig}, resolved and deeply frozen: w = 4 `inclusive`; `released` τ (quantile 0.95,
 * EMA weight 0.01, no initial τ); top-k entropy `lower`; positions counted (no trigger filter); tracker `latest`
 * with thirds; T 0, α 0.5, α rate 0.05 in [0, 0.55]; `ares` shaping; filter on `overall` in (0.01, 0.99); `verl`
 * group z-scores; k3 KL, ρ 0.5, β_d 1, `start` coverage, `dual-ascent` controller with its defaults.
 * @see SPEC.md §2.8 "`AepoStep`" and the defaults of §2.2, §2.4, §2.5
 */
export const DEFAULT_AEPO_CONFIG: AepoSettings = resolveAepoConfig();
