export {
  ADVANTAGE_SCALES,
  DEFAULT_GROUP_ADVANTAGES_EPSILON,
  DEFAULT_GROUP_ADVANTAGES_OPTIONS,
  groupAdvantages,
} from './group-advantages';
export type { AdvantageScale, GroupAdvantagesOptions } from './group-advantages';
export { tokenAdvantages } from './token-advantages';
export { DEFAULT_PAPER_ADVANTAGES_OPTIONS, paperAdvantages } from './paper-advantages';
export type { PaperAdvantagesInput, PaperAdvantagesOptions } from './paper-advantages';
export { maskedSum } from './masked-sum';
export { maskedMean } from './masked-mean';
export { DEFAULT_MASKED_VARIANCE_OPTIONS, maskedVariance } from './masked-variance';
export type { MaskedVarianceOptions } from './masked-variance';
export { DEFAULT_MASKED_WHITEN_OPTIONS, maskedWhiten } from './masked-whiten';
export type { MaskedWhitenOptions } from './masked-whiten';
export { AGGREGATION_MODES, aggregateLoss, CONVENTIONS, DEFAULT_AGGREGATE_LOSS_OPTIONS } from './aggregate-loss';
export type { AggregateLossOptions, AggregationMode, Convention } from './aggregate-loss';
export { TRL_LOSS_TYPES, trlLossAggregation } from './trl-loss-aggregation';
export type { TrlLossAggregation, TrlLossContext, TrlLossType } from './trl-loss-aggregation';
export { DEFAULT_POLICY_LOSS_OPTIONS, policyLoss } from './policy-loss';
export type { PolicyLossInput, PolicyLossOptions, PolicyLossResult } from './policy-loss';
export { DEFAULT_FILTER_GROUPS_OPTIONS, filterGroups } from './filter-groups';
export type { FilterGroupsOptions, FilterGroupsResult } from './filter-groups';
