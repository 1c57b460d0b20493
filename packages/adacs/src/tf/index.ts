export { sftLoss } from './sft-loss';
export type { SftLossTensorInput } from './sft-loss';
