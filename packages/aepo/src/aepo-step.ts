import { AresError, DIFFICULTY_BUCKETS, isDifficultyBucket, neumaierSum, type DifficultyBucket } from '@ares/core';
import { DifficultyTracker, type DifficultyTrackerState, type DifficultyTrackerStateEntry } from '@ares/difficulty';
import {
  hweCount,
  hweMask,
  paperThreshold,
  ReleasedThresholdTracker,
  topKEntropy,
  windowEntropy,
  type ReleasedThresholdTrackerState,
} from '@ares/entropy';
import { filterGroups, groupAdvantages, tokenAdvantages } from '@ares/grpo';
import {
  bucketKlStatistics,
  controlStatistic,
  klControllerFromJSON,
  klEstimate,
  klTokenWeights,
  type KlController,
  type KlControllerState,
} from '@ares/kl-budget';
import {
  createController,
  renameParameter,
  resolveAepoConfig,
  type AepoConfig,
  type AepoSettings,
} from './aepo-config';
import { entropyShaping } from './entropy-shaping';
import { paperLaggedRewards } from './paper-lagged-rewards';
import { createBucketTargetState, updateBucketTargets, type BucketTargetState } from './update-bucket-targets';

/**
 * One scored rollout of an {@link AepoBatch}. Give the per-token entropies either directly (`entropies`) or as the
 * top-k log-probs returned at each position (`topLogProbs`); the response length L is the length of that array.
 */
export interface AepoRollout {
  /** The prompt (GRPO group) id; `1` and `'1'` are the same prompt, as in `DifficultyTracker`. */
  readonly promptId: string | number;
  /** Whether the answer was graded correct (`true`/`false` or 1/0). */
  readonly correct: boolean | 0 | 1;
  /** Per-token entropies H_t of the response in nats (finite, ≥ 0), length L. */
  readonly entropies?: ArrayLike<number>;
  /** Per-position top-k log-probs (deduplicated, sampled token included), length L; see `topKEntropy`. */
  readonly topLogProbs?: readonly ArrayLike<number>[];
  /** The sampled response tokens, length L; required by the trigger filter, otherwise unused. */
  readonly tokens?: readonly string[];
  /** Log-probabilities of the sampled tokens under the policy that generated them, length L (finite). */
  readonly logProbs?: ArrayLike<number>;
  /** Log-probabilities of the sampled tokens under the reference policy, length L (finite). */
  readonly referenceLogProbs?: ArrayLike<number>;
}

/** One step's batch: all rollouts of all prompts. Log-probs are given for every rollout or for none. */
export interface AepoBatch {
  readonly rollouts: readonly AepoRollout[];
}

/** Per-rollout result of {@link AepoStep.run}, in batch order. */
export interface AepoRolloutResult {
  /** `String(promptId)`. */
  readonly promptId: string;
  /** L, the number of response tokens. */
  readonly length: number;
  /** The per-token entropies used (a copy of `entropies`, or the chosen top-k bound), length L. */
  readonly entropies: Float64Array;
  /** Window entropies W_t at the configured window and anchor (one per full window). */
  readonly windowEntropies: Float64Array;
  /** m_t = 1{W_t ≥ τ} at anchor positions (`start` coverage), length L. */
  readonly hweMask: Uint8Array;
  /** N_HE: Σ m_t, or the trigger-filtered count when `triggerVocabulary` is set. */
  readonly hweCount: number;
  /** The prompt's bucket after this batch's tracker update. */
  readonly bucket: DifficultyBucket;
  /** The prompt's tracked pass rate after this batch's update. */
  readonly passRate: number;
  /** T_d of the bucket after this batch's update (the target used by `ares` shaping). */
  readonly target: number;
  /** α_d of the bucket after this batch's update. */
  readonly alpha: number;
  /** e: the shaping term (`ares`), or reward − accuracy (`paper-lagged`). */
  readonly shaping: number;
  /** The shaped reward R = accuracy + e. */
  readonly reward: number;
  /** Whether the rollout's group survived the online filter. */
  readonly kept: boolean;
  /** GRPO advantage over the kept groups; 0 for dropped rollouts. */
  readonly advantage: number;
}

/** Per-bucket metrics of one step; means are NaN for a bucket without rollouts in the batch. */
export interface AepoBucketSummary {
  /** Prompts of the batch in the bucket. */
  readonly prompts: number;
  /** Rollouts of the batch in the bucket. */
  readonly rollouts: number;
  /** Rollouts of the bucket whose group was kept. */
  readonly keptRollouts: number;
  /** Mean correctness over the bucket's rollouts. */
  readonly accuracy: number;
  /** Mean response length L over the bucket's rollouts. */
  readonly meanLength: number;
  /** Mean N_HE over the bucket's rollouts. */
  readonly meanHweCount: number;
  /** Mean shaped reward over the bucket's rollouts. */
  readonly meanReward: number;
  /** T_d after the update. */
  readonly target: number;
  /** α_d after the update. */
  readonly alpha: number;
  /** κ_d after this step's controller update: the coefficient of this step's KL loss. */
  readonly klCoefficient: number;
}

/** Result of {@link AepoStep.run}. */
export interface AepoStepResult {
  /** Number of steps run so far, this one included (1 after the first run). */
  readonly step: number;
  /** τ used to label this batch. */
  readonly threshold: number;
  /** τ for the next batch (`released`); `undefined` for `paper`, which labels each batch with its own τ. */
  readonly nextThreshold: number | undefined;
  /** One entry per rollout, in batch order. */
  readonly rollouts: readonly AepoRolloutResult[];
  /** Distinct prompt ids (`String(promptId)`) whose groups were kept, in order of first appearance. */
  readonly keptPromptIds: readonly string[];
  /** {T_d, α_d} after this batch's update. */
  readonly targets: BucketTargetState;
  /** λ_d of `paper-lagged` shaping; `undefined` under `ares`. */
  readonly lambdas: Readonly<Record<DifficultyBucket, number>> | undefined;
  /** Per-bucket metrics. */
  readonly buckets: Readonly<Record<DifficultyBucket, AepoBucketSummary>>;
  /** Columns of the token matrices below: the longest response length of the batch. */
  readonly columns: number;
  /** 1 for t < L_i (row-major, rows × columns). */
  readonly responseMask: Uint8Array;
  /** The HWE mask at the KL coverage (`config.kl.coverage`), zero-padded (rows × columns). */
  readonly windowMask: Uint8Array;
  /** a_i·M[i,t] (`tokenAdvantages`), rows × columns; 0 on padding and on dropped rollouts. */
  readonly tokenAdvantages: Float64Array;
  /** β_{i,t} = β_d·ρ^{m_{i,t}} (`klTokenWeights`), rows × columns; padding holds β_d (mask with `responseMask`). */
  readonly klWeights: Float64Array;
  /** Per-token KL estimates (rows × columns, 0 on padding); `undefined` without log-probs. */
  readonly kl: Float64Array | undefined;
  /** KL_ctrl(d) over the kept rollouts (`controlStatistic`); `{}` without log-probs. */
  readonly klControl: Readonly<Partial<Record<DifficultyBucket, number>>>;
}

/** The whole state of an {@link AepoStep}; plain JSON. */
export interface AepoState {
  readonly version: 1;
  /** Steps run so far. */
  readonly steps: number;
  /** The persistent difficulty tracker. */
  readonly tracker: DifficultyTrackerState;
  /** The `released` threshold EMA; `null` under the `paper` estimator. */
  readonly threshold: ReleasedThresholdTrackerState | null;
  /** {T_d, α_d}. */
  readonly targets: BucketTargetState;
  /** Mean N_HE per bucket of the most recent batch that had the bucket (the `paper-lagged` target). */
  readonly previousBucketMeans: Readonly<Partial<Record<DifficultyBucket, number>>>;
  /** The KL controller, counters included. */
  readonly klController: KlControllerState;
}

interface ValidatedRollout {
  readonly key: string;
  readonly correct: boolean;
  readonly entropies: Float64Array;
  readonly tokens: readonly string[] | undefined;
  readonly logProbs: ArrayLike<number> | undefined;
  readonly referenceLogProbs: ArrayLike<number> | undefined;
}

function fail(code: AresError['code'], parameter: string, value: unknown, message: string): never {
  throw new AresError({ code, parameter, value, message: `${parameter}: ${message}` });
}

function isArrayLikeOfValues(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function readNumbers(value: unknown, parameter: string, nonNegative: boolean): Float64Array {
  if (!isArrayLikeOfValues(value)) fail('INVALID_ARGUMENT', parameter, value, 'expected an array or a typed array');
  const out = new Float64Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const element = value[index];
    if (typeof element !== 'number') {
      fail('INVALID_ARGUMENT', parameter, element, `element ${index} is ${String(element)}; expected a number`);
    }
    if (!Number.isFinite(element)) fail('NON_FINITE', parameter, element, `element ${index} is ${element}`);
    if (nonNegative && element < 0) {
      fail('INVALID_ARGUMENT', parameter, element, `element ${index} is ${element}; entropies are ≥ 0`);
    }
    out[index] = element;
  }
  return out;
}

function topKEntropies(value: unknown, parameter: string, settings: AepoSettings): Float64Array {
  if (!Array.isArray(value)) fail('INVALID_ARGUMENT', parameter, value, 'expected an array with one array per position');
  const out = new Float64Array(value.length);
  const options = settings.vocabSize === undefined ? {} : { vocabSize: settings.vocabSize };
  for (let position = 0; position < value.length; position++) {
    const name = `${parameter}[${position}]`;
    const logProbs: unknown = value[position];
    if (!isArrayLikeOfValues(logProbs)) fail('INVALID_ARGUMENT', name, logProbs, 'expected an array of log-probs');
    const bounds = renameParameter('options.vocabSize', 'config.vocabSize', () =>
      renameParameter('topLogProbs', name, () => topKEntropy(logProbs as ArrayLike<number>, options)),
    );
    const entropy = bounds[settings.topKBound];
    if (!Number.isFinite(entropy)) fail('NON_FINITE', name, entropy, `the ${settings.topKBound} entropy is ${entropy}`);
    out[position] = entropy;
  }
  return out;
}

function validateBatch(batch: AepoBatch, settings: AepoSettings): ValidatedRollout[] {
  if (typeof batch !== 'object' || batch === null) fail('INVALID_ARGUMENT', 'batch', batch, 'expected { rollouts }');
  const rollouts: unknown = batch.rollouts;
  if (!Array.isArray(rollouts)) fail('INVALID_ARGUMENT', 'batch.rollouts', rollouts, 'expected an array of rollouts');
  if (rollouts.length === 0) fail('EMPTY_INPUT', 'batch.rollouts', 0, 'a step needs at least one rollout');
  const validated: ValidatedRollout[] = [];
  let withLogProbs = 0;
  for (let index = 0; index < rollouts.length; index++) {
    const prefix = `batch.rollouts[${index}]`;
    const rollout: unknown = rollouts[index];
    if (typeof rollout !== 'object' || rollout === null) fail('INVALID_ARGUMENT', prefix, rollout, 'expected an object');
    const record = rollout as AepoRollout;
    const promptId: unknown = record.promptId;
    if (typeof promptId !== 'string' && !(typeof promptId === 'number' && Number.isFinite(promptId))) {
      fail('INVALID_ARGUMENT', `${prefix}.promptId`, promptId, 'expected a string or a finite number');
    }
    const correct: unknown = record.correct;
    if (correct !== true && correct !== false && correct !== 0 && correct !== 1) {
      fail('INVALID_ARGUMENT', `${prefix}.correct`, correct, 'expected true/false or 1/0');
    }
    const hasEntropies = record.entropies !== undefined;
    const hasTopK = record.topLogProbs !== undefined;
    if (hasEntropies === hasTopK) {
      fail(
        'INVALID_ARGUMENT',
        `${prefix}.entropies`,
        record.entropies,
        hasEntropies ? 'give entropies or topLogProbs, not both' : 'give entropies or topLogProbs',
      );
    }
    const entropies = hasEntropies
      ? readNumbers(record.entropies, `${prefix}.entropies`, true)
      : topKEntropies(record.topLogProbs, `${prefix}.topLogProbs`, settings);
    const length = entropies.length;
    const source = hasEntropies ? `${prefix}.entropies` : `${prefix}.topLogProbs`;

    const tokens: unknown = record.tokens;
    if (tokens !== undefined) {
      if (!Array.isArray(tokens) || tokens.some((token) => typeof token !== 'string')) {
        fail('INVALID_ARGUMENT', `${prefix}.tokens`, tokens, 'expected an array of strings');
      }
      if (tokens.length !== length) {
        fail('SHAPE_MISMATCH', `${prefix}.tokens`, tokens.length, `length ${tokens.length} differs from ${source} length ${length}`);
      }
    } else if (settings.triggerVocabulary !== undefined) {
      fail('INVALID_ARGUMENT', `${prefix}.tokens`, undefined, 'the trigger filter (config.triggerVocabulary) needs the sampled tokens');
    }

    const hasLogProbs = record.logProbs !== undefined;
    if (hasLogProbs !== (record.referenceLogProbs !== undefined)) {
      const missing = hasLogProbs ? 'referenceLogProbs' : 'logProbs';
      fail('INVALID_ARGUMENT', `${prefix}.${missing}`, undefined, 'logProbs and referenceLogProbs come together');
    }
    let logProbs: Float64Array | undefined;
    let referenceLogProbs: Float64Array | undefined;
    if (hasLogProbs) {
      withLogProbs++;
      logProbs = readNumbers(record.logProbs, `${prefix}.logProbs`, false);
      referenceLogProbs = readNumbers(record.referenceLogProbs, `${prefix}.referenceLogProbs`, false);
      for (const [name, values] of [
        ['logProbs', logProbs],
        ['referenceLogProbs', referenceLogProbs],
      ] as const) {
        if (values.length !== length) {
          fail('SHAPE_MISMATCH', `${prefix}.${name}`, values.length, `length ${values.length} differs from ${source} length ${length}`);
        }
      }
    }
    if (withLogProbs !== 0 && withLogProbs !== index + 1) {
      const at = hasLogProbs ? rollouts.findIndex((other: AepoRollout) => other.logProbs === undefined) : index;
      fail('INVALID_ARGUMENT', `batch.rollouts[${at}].logProbs`, undefined, 'give log-probs for every rollout of the batch or for none');
    }
    validated.push({
      key: String(promptId),
      correct: correct === true || correct === 1,
      entropies,
      tokens: tokens as readonly string[] | undefined,
      logProbs,
      referenceLogProbs,
    });
  }
  return validated;
}

function invalidState(parameter: string, value: unknown, message: string): never {
  fail('INVALID_STATE', parameter, value, message);
}

function asStateRecord(value: unknown, parameter: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidState(parameter, value, 'expected an object');
  return value as Record<string, unknown>;
}

/** JSON text with object keys sorted, for comparing settings regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function mismatch(parameter: string, value: unknown): never {
  invalidState(parameter, value, 'differs from the config; restore a state with the config it was saved with');
}

function readTargets(value: unknown): BucketTargetState {
  const record = asStateRecord(value, 'state.targets');
  for (const key of Object.keys(record)) {
    if (!isDifficultyBucket(key)) invalidState(`state.targets.${key}`, key, `unknown bucket ${JSON.stringify(key)}`);
  }
  // updateBucketTargets with no prompts validates and copies the state (INVALID_STATE naming state.<bucket>.<field>).
  return renameParameter('state', 'state.targets', () => updateBucketTargets(record as unknown as BucketTargetState, []));
}

function readBucketMeans(value: unknown): Partial<Record<DifficultyBucket, number>> {
  const record = asStateRecord(value, 'state.previousBucketMeans');
  const means: Partial<Record<DifficultyBucket, number>> = {};
  for (const [key, mean] of Object.entries(record)) {
    const parameter = `state.previousBucketMeans.${key}`;
    if (!isDifficultyBucket(key)) invalidState(parameter, key, `unknown bucket ${JSON.stringify(key)}`);
    if (typeof mean !== 'number' || !Number.isFinite(mean) || mean < 0) invalidState(parameter, mean, 'expected a finite number ≥ 0');
    means[key] = mean;
  }
  return means;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : neumaierSum(values) / values.length;
}

/**
 * One framework-agnostic AEPO step over a batch of scored rollouts: HWE labelling, difficulty, targets, shaped
 * rewards, online filtering, GRPO advantages and KL weights and control, with all cross-step state in one object.
 *
 * Order (SPEC §2.8): (1) per rollout, window entropies W_t, the HWE mask m_t = 1{W_t ≥ τ} and N_HE at the labelling
 * τ (`released`: the τ left by the previous step, or `initialThreshold` / this batch's median on the first;
 * `paper`: this batch's mean per-sequence quantile); (2) per prompt, pass rate → tracker → bucket; (3) T_d, α_d from
 * this batch's per-prompt mean N_HE over all groups (`updateBucketTargets`); (4) shaped reward per rollout with its
 * bucket, T_d and α_d — difficulty is known before the reward, unlike the released trainer; (5) `filterGroups` on
 * `filterKey`; (6) `groupAdvantages` of the rewards over the kept groups; (7) the `released` threshold EMA advances,
 * the token advantages a_i·M and KL weights β_{i,t} = β_d·ρ^{m_{i,t}} are emitted, and with log-probs the per-token
 * KL, KL_ctrl(d) over the kept rollouts and one controller update (the `released` controller observes the
 * per-bucket mean of per-sequence token-mean KL instead, as released).
 *
 * @remarks
 * Token matrices are flat row-major arrays with one row per rollout (batch order) and `columns` = the longest
 * response; rows are zero-padded. A run is atomic: validation comes first and the state changes only after every
 * computation succeeded, so a throwing `run` leaves the step as it was. Inputs are never modified.
 *
 * ## Numerics
 * Window means, thresholds, counts, rewards and advantages are those of the upstream functions, in float64; per-bucket
 * and per-prompt means are Neumaier sums divided by the count. With the trigger filter N_HE is
 * `countTriggers(...).valid` (always `next` windows), so it can differ from Σ m_t.
 * @example
 * ```ts
 * const step = new AepoStep({ threshold: { initialThreshold: 1 } });
 * const result = step.run({ rollouts: [
 *   { promptId: 'p', correct: true, entropies: [0.2, 1.5, 1.6, 1.4, 1.3, 0.1] },
 *   { promptId: 'p', correct: false, entropies: [0.1, 0.2, 0.1, 0.3] },
 * ] });
 * result.rollouts[0].hweCount // 3 (windows ≈ 1.175, 1.45, 1.1 reach τ = 1)
 * const resumed = AepoStep.fromJSON(JSON.parse(JSON.stringify(step.toJSON())));
 * ```
 * @see SPEC.md §2.8 "`AepoStep`", §3; paper Algorithm 1 (App. F)
 */
export class AepoStep {
  readonly #settings: AepoSettings;
  readonly #vocabulary: ReadonlySet<string> | undefined;
  #tracker: DifficultyTracker;
  #thresholdTracker: ReleasedThresholdTracker | undefined;
  #targets: BucketTargetState;
  #previousBucketMeans: Readonly<Partial<Record<DifficultyBucket, number>>>;
  #controller: KlController;
  #steps: number;

  /**
   * Creates a step from a config and, optionally, a saved state.
   *
   * @param config - the configuration (DEFAULTS in {@link DEFAULT_AEPO_CONFIG})
   * @param state - a state from {@link AepoStep.toJSON}, saved under the same config; fresh state when omitted
   * @throws {AresError} `INVALID_ARGUMENT` / `UNSUPPORTED` for a bad config field (naming `config.<path>`);
   *   `INVALID_STATE` for a malformed state or one whose stored settings (tracker, threshold EMA, controller)
   *   differ from the config
   */
  constructor(config: AepoConfig = {}, state?: AepoState) {
    const settings = resolveAepoConfig(config);
    this.#settings = settings;
    this.#vocabulary = settings.triggerVocabulary === undefined ? undefined : new Set(settings.triggerVocabulary);
    if (state === undefined) {
      this.#tracker = new DifficultyTracker(settings.tracker);
      this.#thresholdTracker = settings.threshold.estimator === 'released' ? this.#freshThresholdTracker() : undefined;
      this.#targets = createBucketTargetState({ target: settings.targets.initialTarget, alpha: settings.targets.initialAlpha });
      this.#previousBucketMeans = Object.freeze({});
      this.#controller = createController(settings);
      this.#steps = 0;
      return;
    }
    const record = asStateRecord(state, 'state');
    if (record['version'] !== 1) invalidState('state.version', record['version'], 'expected version 1');
    const steps = record['steps'];
    if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) invalidState('state.steps', steps, 'expected an integer ≥ 0');
    this.#steps = steps;

    const tracker = renameParameter('state', 'state.tracker', () =>
      DifficultyTracker.fromJSON(record['tracker'] as DifficultyTrackerState),
    );
    const expectedTracker = settings.tracker;
    if (
      tracker.mode !== expectedTracker.mode ||
      canonical(tracker.thresholds) !== canonical(expectedTracker.thresholds) ||
      (tracker.mode === 'ema' && tracker.emaDecay !== expectedTracker.emaDecay)
    ) {
      mismatch('state.tracker', record['tracker']);
    }
    this.#tracker = tracker;

    const threshold = record['threshold'];
    if (settings.threshold.estimator === 'released') {
      if (threshold === null) invalidState('state.threshold', threshold, "the 'released' estimator needs its EMA state");
      const restored = renameParameter('state', 'state.threshold', () =>
        ReleasedThresholdTracker.fromJSON(threshold as ReleasedThresholdTrackerState),
      );
      if (canonical(restored.options) !== canonical(this.#freshThresholdTracker().options)) {
        mismatch('state.threshold.options', restored.options);
      }
      if (restored.steps !== steps) invalidState('state.threshold.steps', restored.steps, `expected state.steps = ${steps}`);
      this.#thresholdTracker = restored;
    } else {
      if (threshold !== null) invalidState('state.threshold', threshold, "expected null with the 'paper' estimator");
      this.#thresholdTracker = undefined;
    }

    this.#targets = readTargets(record['targets']);
    this.#previousBucketMeans = Object.freeze(readBucketMeans(record['previousBucketMeans']));

    const controller = renameParameter('state', 'state.klController', () =>
      klControllerFromJSON(record['klController'] as KlControllerState),
    );
    const controllerState = controller.toJSON();
    if (controllerState.kind !== settings.kl.controller.kind) mismatch('state.klController.kind', controllerState.kind);
    if (canonical(controllerState.options) !== canonical(settings.kl.controller.options)) {
      mismatch('state.klController.options', controllerState.options);
    }
    this.#controller = controller;
  }

  /**
   * Restores a step saved with {@link AepoStep.toJSON}; same as `new AepoStep(config, state)`.
   *
   * @param state - the saved state (e.g. after a JSON round trip)
   * @param config - the config the state was saved with (DEFAULTS when omitted)
   * @returns a step whose next `run` gives the same result as the original's
   * @throws {AresError} `INVALID_STATE` for an unknown version, malformed fields, negative counts, unknown buckets,
   *   or settings that differ from `config`; config errors as in the constructor
   */
  static fromJSON(state: AepoState, config?: AepoConfig): AepoStep {
    if (state === undefined) invalidState('state', state, 'expected an object');
    return new AepoStep(config, state);
  }

  /** The resolved configuration (deeply frozen). */
  get config(): AepoSettings {
    return this.#settings;
  }

  /** Steps run so far. */
  get steps(): number {
    return this.#steps;
  }

  /**
   * τ that the next `run` will label its batch with under the `released` estimator (the threshold EMA), for
   * planning branches before the batch exists; `undefined` under `paper` (each batch sets its own τ) and before the
   * first batch when `threshold.initialThreshold` is not set (the first batch then uses its own median).
   */
  get threshold(): number | undefined {
    return this.#thresholdTracker?.current;
  }

  /**
   * The bucket the persistent difficulty tracker holds for a prompt, as `planBranches` takes it.
   *
   * @param promptId - the prompt id (`1` and `'1'` are the same prompt)
   * @returns the bucket after the prompt's last batch, or `undefined` for a prompt no batch has held
   */
  bucket(promptId: string | number): DifficultyBucket | undefined {
    return this.#tracker.bucket(promptId);
  }

  /**
   * Runs one step over `batch` and advances the state.
   *
   * @param batch - the step's rollouts: prompt id, correctness, entropies or top-k log-probs, optional tokens and
   *   log-probs (for every rollout or none)
   * @returns per-rollout labels, rewards and advantages, token matrices, per-bucket summaries and the thresholds
   * @throws {AresError} `EMPTY_INPUT` for an empty batch (or, under `paper`, a batch of empty responses);
   *   `SHAPE_MISMATCH` when tokens or log-probs differ in length from the entropies; `NON_FINITE` for non-finite
   *   entropies or log-probs; `INVALID_ARGUMENT` for a bad prompt id, correctness value, negative entropy, both or
   *   neither of `entropies`/`topLogProbs`, a missing `tokens` under the trigger filter, or log-probs on only some
   *   rollouts
   */
  run(batch: AepoBatch): AepoStepResult {
    const settings = this.#settings;
    const rows = validateBatch(batch, settings);
    const rowCount = rows.length;
    const sequences = rows.map((row) => row.entropies);

    // 1. The labelling threshold, window entropies, HWE masks and counts.
    let thresholdTracker: ReleasedThresholdTracker | undefined;
    let threshold: number;
    let nextThreshold: number | undefined;
    if (this.#thresholdTracker !== undefined) {
      thresholdTracker = ReleasedThresholdTracker.fromJSON(this.#thresholdTracker.toJSON());
      const update = thresholdTracker.update(sequences);
      threshold = update.used;
      nextThreshold = update.next;
    } else {
      threshold = paperThreshold(sequences, { quantile: settings.threshold.quantile });
      if (Number.isNaN(threshold)) fail('EMPTY_INPUT', 'batch.rollouts', rowCount, "the 'paper' threshold needs a non-empty response");
      nextThreshold = undefined;
    }
    const windowOptions = { window: settings.window, anchor: settings.anchor };
    const windows = sequences.map((entropies) => windowEntropy(entropies, windowOptions));
    const masks = sequences.map((entropies) => hweMask(entropies, threshold, windowOptions));
    const counts = rows.map((row, index) => {
      if (this.#vocabulary === undefined) {
        let count = 0;
        for (const value of masks[index]!) count += value;
        return count;
      }
      return hweCount(row.entropies, threshold, { ...windowOptions, tokens: row.tokens!, vocabulary: this.#vocabulary });
    });

    // 2. Pass rates → tracker → buckets, on a copy of the batch's tracker entries (committed at the end).
    const keys = rows.map((row) => row.key);
    const correctness = rows.map((row) => row.correct);
    const groups = new Map<string, number[]>();
    rows.forEach((row, index) => {
      const members = groups.get(row.key);
      if (members === undefined) groups.set(row.key, [index]);
      else members.push(index);
    });
    const preview = this.#previewTracker([...groups.keys()]);
    const promptBuckets = preview.updateMany(keys, correctness);
    const buckets = keys.map((key) => promptBuckets.get(key)!);

    // 3. T_d and α_d from this batch's per-prompt mean N_HE (all groups, before filtering).
    const prompts = [...groups.entries()].map(([key, members]) => ({
      bucket: promptBuckets.get(key)!,
      meanHweCount: mean(members.map((index) => counts[index]!)),
    }));
    const { alphaLearningRate, alphaMin, alphaMax } = settings.targets;
    const targets = updateBucketTargets(this.#targets, prompts, { alphaLearningRate, alphaMin, alphaMax });

    // 4. Shaped rewards with the bucket, T_d and α_d known.
    const rewards = new Float64Array(rowCount);
    const shapings = new Float64Array(rowCount);
    let lambdas: Readonly<Record<DifficultyBucket, number>> | undefined;
    if (settings.shaping === 'ares') {
      for (let index = 0; index < rowCount; index++) {
        const bucket = buckets[index]!;
        const { target, alpha } = targets[bucket];
        const correct = rows[index]!.correct;
        shapings[index] = entropyShaping({ bucket, correct, hweCount: counts[index]!, target, alpha });
        rewards[index] = (correct ? 1 : 0) + shapings[index]!; // shapedReward's sum
      }
    } else {
      const lagged = paperLaggedRewards(
        rows.map((row, index) => ({ bucket: buckets[index]!, correct: row.correct, hweCount: counts[index]! })),
        this.#previousBucketMeans,
        settings.paperLagged,
      );
      lambdas = lagged.lambdas;
      for (let index = 0; index < rowCount; index++) {
        rewards[index] = lagged.rewards[index]!;
        shapings[index] = rewards[index]! - (rows[index]!.correct ? 1 : 0);
      }
    }

    // 5. Online filtering; 6. GRPO advantages over the kept groups.
    let keep: Uint8Array;
    if (settings.filterKey === 'none') keep = new Uint8Array(rowCount).fill(1);
    else {
      const scores = settings.filterKey === 'overall' ? rewards : Float64Array.from(rows, (row) => (row.correct ? 1 : 0));
      keep = filterGroups(scores, keys, settings.filter).keep;
    }
    const keptIndices: number[] = [];
    for (let index = 0; index < rowCount; index++) if (keep[index] === 1) keptIndices.push(index);
    const advantages = new Float64Array(rowCount);
    const { scale, convention, epsilon } = settings.advantages;
    const keptAdvantages = groupAdvantages(
      keptIndices.map((index) => rewards[index]!),
      keptIndices.map((index) => keys[index]!),
      { scale, convention, ...(epsilon === undefined ? {} : { epsilon }) },
    );
    keptIndices.forEach((index, position) => {
      advantages[index] = keptAdvantages[position]!;
    });

    // 7. Token matrices, KL weights, KL statistics and the controller update (on a copy, committed at the end).
    const columns = sequences.reduce((longest, entropies) => Math.max(longest, entropies.length), 0);
    const size = rowCount * columns;
    const responseMask = new Uint8Array(size);
    const windowMask = new Uint8Array(size);
    const trainingMask = new Uint8Array(size);
    for (let row = 0; row < rowCount; row++) {
      const entropies = sequences[row]!;
      const mask =
        settings.kl.coverage === 'start' ? masks[row]! : hweMask(entropies, threshold, { ...windowOptions, coverage: 'covered' });
      const start = row * columns;
      responseMask.fill(1, start, start + entropies.length);
      if (keep[row] === 1) trainingMask.fill(1, start, start + entropies.length);
      windowMask.set(mask, start);
    }
    const controller = klControllerFromJSON(this.#controller.toJSON());
    let tokenAdvantageMatrix: Float64Array = new Float64Array(0);
    let klWeights: Float64Array = new Float64Array(0);
    let kl: Float64Array | undefined;
    let klControl: Partial<Record<DifficultyBucket, number>> = {};
    if (columns > 0) {
      tokenAdvantageMatrix = tokenAdvantages(advantages, responseMask, columns);
      klWeights = klTokenWeights(windowMask, buckets, columns, { rho: settings.kl.rho, base: settings.kl.base });
    }
    if (rows[0]!.logProbs !== undefined) {
      const logProbs = new Float64Array(size);
      const referenceLogProbs = new Float64Array(size);
      rows.forEach((row, index) => {
        logProbs.set(row.logProbs!, index * columns);
        referenceLogProbs.set(row.referenceLogProbs!, index * columns);
      });
      kl = klEstimate(logProbs, referenceLogProbs, settings.kl.estimator);
      if (columns > 0) {
        klControl = controlStatistic(kl, trainingMask, windowMask, buckets, columns);
        let sequencesInUpdate = 0;
        for (const index of keptIndices) if (sequences[index]!.length > 0) sequencesInUpdate++;
        if (sequencesInUpdate > 0) {
          let observations = klControl;
          if (controller.kind === 'released') {
            const statistics = bucketKlStatistics(kl, trainingMask, buckets, columns);
            observations = {};
            for (const bucket of DIFFICULTY_BUCKETS) {
              const entry = statistics[bucket];
              if (entry !== undefined) observations[bucket] = entry.sequenceMean;
            }
          }
          controller.update(observations, { steps: sequencesInUpdate });
        }
      }
    }

    // Per-bucket summaries and the per-rollout records.
    const bucketMeans: Partial<Record<DifficultyBucket, number>> = {};
    const summaries = {} as Record<DifficultyBucket, AepoBucketSummary>;
    for (const bucket of DIFFICULTY_BUCKETS) {
      const members: number[] = [];
      for (let index = 0; index < rowCount; index++) if (buckets[index] === bucket) members.push(index);
      const meanHweCount = mean(members.map((index) => counts[index]!));
      if (members.length > 0) bucketMeans[bucket] = meanHweCount;
      summaries[bucket] = Object.freeze({
        prompts: prompts.filter((prompt) => prompt.bucket === bucket).length,
        rollouts: members.length,
        keptRollouts: members.filter((index) => keep[index] === 1).length,
        accuracy: mean(members.map((index) => (rows[index]!.correct ? 1 : 0))),
        meanLength: mean(members.map((index) => sequences[index]!.length)),
        meanHweCount,
        meanReward: mean(members.map((index) => rewards[index]!)),
        target: targets[bucket].target,
        alpha: targets[bucket].alpha,
        klCoefficient: controller.coefficient(bucket),
      });
    }
    const rollouts = rows.map((row, index): AepoRolloutResult => {
      const bucket = buckets[index]!;
      return Object.freeze({
        promptId: row.key,
        length: row.entropies.length,
        entropies: row.entropies,
        windowEntropies: windows[index]!,
        hweMask: masks[index]!,
        hweCount: counts[index]!,
        bucket,
        passRate: preview.passRate(row.key)!,
        target: targets[bucket].target,
        alpha: targets[bucket].alpha,
        shaping: shapings[index]!,
        reward: rewards[index]!,
        kept: keep[index] === 1,
        advantage: advantages[index]!,
      });
    });
    const keptPromptIds = [...groups.entries()].filter(([, members]) => keep[members[0]!] === 1).map(([key]) => key);

    // Commit: nothing above changed the step's state.
    this.#tracker.updateMany(keys, correctness);
    this.#thresholdTracker = thresholdTracker;
    this.#targets = targets;
    this.#previousBucketMeans = Object.freeze({ ...this.#previousBucketMeans, ...bucketMeans });
    this.#controller = controller;
    this.#steps++;

    return Object.freeze({
      step: this.#steps,
      threshold,
      nextThreshold,
      rollouts: Object.freeze(rollouts),
      keptPromptIds: Object.freeze(keptPromptIds),
      targets,
      lambdas,
      buckets: Object.freeze(summaries),
      columns,
      responseMask,
      windowMask,
      tokenAdvantages: tokenAdvantageMatrix,
      klWeights,
      kl,
      klControl: Object.freeze(klControl),
    });
  }

  /**
   * The whole state as plain JSON: tracker, threshold EMA, {T_d, α_d}, previous bucket means, controller, steps.
   *
   * @returns a new {@link AepoState} (`version: 1`); `JSON.stringify` round-trips it exactly
   */
  toJSON(): AepoState {
    const targets = {} as Record<DifficultyBucket, { target: number; alpha: number }>;
    for (const bucket of DIFFICULTY_BUCKETS) targets[bucket] = { target: this.#targets[bucket].target, alpha: this.#targets[bucket].alpha };
    return {
      version: 1,
      steps: this.#steps,
      tracker: this.#tracker.toJSON(),
      threshold: this.#thresholdTracker === undefined ? null : this.#thresholdTracker.toJSON(),
      targets,
      previousBucketMeans: { ...this.#previousBucketMeans },
      klController: this.#controller.toJSON(),
    };
  }

  #freshThresholdTracker(): ReleasedThresholdTracker {
    const { quantile, medianWeight, initialThreshold } = this.#settings.threshold;
    return new ReleasedThresholdTracker({
      window: this.#settings.window,
      quantile,
      medianWeight,
      ...(initialThreshold === undefined ? {} : { initialThreshold }),
    });
  }

  /** A tracker holding only the given prompts' entries, to compute this batch's buckets without touching the state. */
  #previewTracker(keys: readonly string[]): DifficultyTracker {
    const tracker = this.#tracker;
    const entries: DifficultyTrackerStateEntry[] = [];
    for (const key of keys) {
      const entry = tracker.entry(key);
      if (entry !== undefined) entries.push({ id: key, ...entry });
    }
    const thresholds = { easyAtLeast: tracker.thresholds.easyAtLeast, hardBelow: tracker.thresholds.hardBelow };
    return DifficultyTracker.fromJSON(
      tracker.mode === 'ema'
        ? { version: 1, mode: tracker.mode, thresholds, emaDecay: tracker.emaDecay, entries }
        : { version: 1, mode: tracker.mode, thresholds, entries },
    );
  }
}
