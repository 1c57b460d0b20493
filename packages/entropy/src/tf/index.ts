export { tokenEntropy } from './token-entropy';
export { logProbabilities } from './log-probabilities';
export { windowEntropy } from './window-entropy';
export { topKEntropy } from './top-k-entropy';
export type { TopKEntropyTensors } from './top-k-entropy';
export type { TokenEntropyOptions } from '../token-entropy';
export type { LogProbabilitiesOptions } from '../log-probabilities';
export type { WindowAnchor, WindowEntropyOptions } from '../window-entropy';
export type { TopKEntropyOptions } from '../top-k-entropy';
