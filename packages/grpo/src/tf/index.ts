export { tokenAdvantages } from './token-advantages';
export { maskedSum } from './masked-sum';
export { maskedMean } from './masked-mean';
export { maskedVariance } from './masked-variance';
export { maskedWhiten } from './masked-whiten';
export { aggregateLoss } from './aggregate-loss';
export { policyLoss } from './policy-loss';
export type { PolicyLossTensorResult, PolicyLossTensors } from './policy-loss';
