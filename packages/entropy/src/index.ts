export { DEFAULT_TOKEN_ENTROPY_OPTIONS, tokenEntropy } from './token-entropy';
export type { TokenEntropyOptions } from './token-entropy';
export { DEFAULT_LOG_PROBABILITIES_OPTIONS, logProbabilities } from './log-probabilities';
export type { LogProbabilitiesOptions } from './log-probabilities';
export { DEFAULT_TOP_K_ENTROPY_OPTIONS, topKEntropy } from './top-k-entropy';
export type { TopKEntropy, TopKEntropyOptions } from './top-k-entropy';
export { DEFAULT_OPEN_AI_LOGPROB_ENTROPY_OPTIONS, openAiLogprobEntropy } from './openai-logprob-entropy';
export type {
  ChatLogprobToken,
  LogprobsMode,
  OpenAiLogprobEntropy,
  OpenAiLogprobEntropyOptions,
  OpenAiLogprobs,
} from './openai-logprob-entropy';
export { DEFAULT_WINDOW_ENTROPY_OPTIONS, windowEntropy } from './window-entropy';
export type { WindowAnchor, WindowEntropyOptions } from './window-entropy';
export { median, quantile } from './quantile';
export { DEFAULT_RELEASED_WINDOW_THRESHOLD_OPTIONS, releasedWindowThreshold } from './released-window-threshold';
export type { ReleasedWindowThresholdOptions } from './released-window-threshold';
export {
  DEFAULT_PAPER_THRESHOLD_OPTIONS,
  DEFAULT_RELEASED_THRESHOLD_TRACKER_OPTIONS,
  paperThreshold,
  ReleasedThresholdTracker,
} from './hwe-threshold';
export type {
  PaperThresholdOptions,
  ReleasedThresholdTrackerOptions,
  ReleasedThresholdTrackerState,
  ThresholdScope,
  ThresholdUpdate,
} from './hwe-threshold';
export { DEFAULT_HWE_MASK_OPTIONS, hweMask } from './hwe-mask';
export type { HweCoverage, HweMaskOptions } from './hwe-mask';
export { DEFAULT_HWE_COUNT_OPTIONS, hweCount } from './hwe-count';
export type { HweCountOptions } from './hwe-count';
export { countTriggers, DEFAULT_COUNT_TRIGGERS_OPTIONS } from './count-triggers';
export type { CountTriggersOptions, TriggerCounts } from './count-triggers';
export { normalizeToken } from './normalize-token';
export { RELEASED_TRIGGER_VOCABULARY } from './released-trigger-vocabulary';
export {
  DEFAULT_HWE_STREAM_DETECTOR_OPTIONS,
  DEFAULT_PUSH_TOP_LOG_PROBS_OPTIONS,
  HweStreamDetector,
} from './hwe-stream-detector';
export type {
  CompletedWindow,
  HweStreamDetectorOptions,
  PushTopLogProbsOptions,
  TopKEntropyBound,
} from './hwe-stream-detector';
