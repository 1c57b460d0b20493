export { entropyShaping } from './entropy-shaping';
export type { EntropyShapingInput } from './entropy-shaping';
export { shapedReward } from './shaped-reward';
export {
  paperLaggedRewards as experimental_paperLaggedRewards,
  DEFAULT_PAPER_LAGGED_REWARDS_OPTIONS as experimental_DEFAULT_PAPER_LAGGED_REWARDS_OPTIONS,
} from './paper-lagged-rewards';
export type {
  PaperLaggedRewardsOptions as Experimental_PaperLaggedRewardsOptions,
  PaperLaggedRewardsResult as Experimental_PaperLaggedRewardsResult,
  PaperLaggedRollout as Experimental_PaperLaggedRollout,
} from './paper-lagged-rewards';
export {
  createBucketTargetState,
  DEFAULT_CREATE_BUCKET_TARGET_STATE_OPTIONS,
  DEFAULT_UPDATE_BUCKET_TARGETS_OPTIONS,
  updateBucketTargets,
} from './update-bucket-targets';
export type {
  BucketTarget,
  BucketTargetPrompt,
  BucketTargetState,
  CreateBucketTargetStateOptions,
  UpdateBucketTargetsOptions,
} from './update-bucket-targets';
export { DEFAULT_PLAN_BRANCHES_OPTIONS, planBranches } from './plan-branches';
export type { BranchFill, BranchOptions, BranchPlan, BranchSelection, PlanBranchesInput } from './plan-branches';
export { AepoStep } from './aepo-step';
export type {
  AepoBatch,
  AepoBucketSummary,
  AepoRollout,
  AepoRolloutResult,
  AepoState,
  AepoStepResult,
} from './aepo-step';
export { DEFAULT_AEPO_CONFIG } from './aepo-config';
export type {
  AepoConfig,
  AepoFilterKey,
  AepoKlConfig,
  AepoKlControllerConfig,
  AepoSettings,
  AepoShaping,
  AepoTargetsConfig,
  AepoThresholdConfig,
  AepoThresholdEstimator,
  AepoTopKBound,
} from './aepo-config';
