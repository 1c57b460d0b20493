export { klEstimate } from './kl-estimate';
export { klLoss } from './kl-loss';
export type { KlLossTensorInput } from './kl-loss';
export { klTokenWeights } from './kl-token-weights';
