export { klEstimate, KL_ESTIMATORS, DEFAULT_KL_ESTIMATE_OPTIONS } from './kl-estimate';
export type { KlEstimator, KlEstimatorBase, KlEstimateOptions } from './kl-estimate';
export { klTokenWeights, DEFAULT_KL_TOKEN_WEIGHTS_OPTIONS } from './kl-token-weights';
export type { KlTokenWeightsOptions } from './kl-token-weights';
export { controlStatistic } from './control-statistic';
export { bucketKlStatistics } from './bucket-kl-statistics';
export type { KlBucketStatistics } from './bucket-kl-statistics';
export { klLoss, KL_AGGREGATION_MODES, DEFAULT_KL_LOSS_OPTIONS } from './kl-loss';
export type { KlAggregationMode, KlCoefficients, KlLossInput, KlLossOptions } from './kl-loss';
export { KL_CONTROLLER_KINDS } from './kl-controller';
export type { KlController, KlControllerKind, KlControllerState, KlUpdateContext } from './kl-controller';
export { DualAscentKlController, DEFAULT_DUAL_ASCENT_KL_CONTROLLER_OPTIONS } from './dual-ascent-kl-controller';
export type {
  DualAscentKlControllerOptions,
  DualAscentKlControllerSettings,
  DualAscentKlControllerState,
} from './dual-ascent-kl-controller';
export { ReleasedKlController, DEFAULT_RELEASED_KL_CONTROLLER_OPTIONS } from './released-kl-controller';
export type {
  ReleasedKlBucketState,
  ReleasedKlControllerOptions,
  ReleasedKlControllerSettings,
  ReleasedKlControllerState,
  ReleasedSequenceOutcome,
} from './released-kl-controller';
export { FixedKlController, DEFAULT_FIXED_KL_CONTROLLER_OPTIONS } from './fixed-kl-controller';
export type { FixedKlControllerOptions, FixedKlControllerSettings, FixedKlControllerState } from './fixed-kl-controller';
export { ZieglerKlController, DEFAULT_ZIEGLER_KL_CONTROLLER_OPTIONS } from './ziegler-kl-controller';
export type {
  ZieglerKlControllerOptions,
  ZieglerKlControllerSettings,
  ZieglerKlControllerState,
} from './ziegler-kl-controller';
export { createKlController, klControllerFromJSON } from './create-kl-controller';
export type { KlControllerByKind, KlControllerOptionsByKind } from './create-kl-controller';
