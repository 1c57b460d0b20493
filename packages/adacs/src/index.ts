export { countTokens, DEFAULT_COUNT_TOKENS_OPTIONS, TOKEN_UNITS } from './count-tokens';
export type { CountTokensOptions, Tokenizer, TokenizerOutput, TokenUnit } from './count-tokens';
export { passRateBracket } from './pass-rate-bracket';
export { closestCandidate } from './closest-candidate';
export { allocateBrackets, DEFAULT_ALLOCATE_BRACKETS_OPTIONS } from './allocate-brackets';
export type { AllocateBracketsOptions, BracketAllocation } from './allocate-brackets';
export type { CurationCandidate, CurationProblem } from './curation-problem';
export { DEFAULT_CURATE_OPTIONS, MISSING_ANCHOR_POLICIES } from './curator';
export type {
  BracketDiagnostics,
  BracketLengthSummary,
  CuratedProblem,
  CurateOptions,
  CurationDiagnostics,
  LengthAnchors,
  LengthAnchorsOptions,
  MissingAnchorPolicy,
  PooledAnchors,
  SourceAnchors,
  SourceDiagnostics,
} from './curator';
export { lengthAnchors } from './length-anchors';
export { curate } from './curate';
export type { CurationResult } from './curate';
export { curatedRecord } from './curated-record';
export type { CuratedRecord } from './curated-record';
export { sftLoss, DEFAULT_SFT_LOSS_OPTIONS } from './sft-loss';
export type { SftKlMode, SftLossInput, SftLossOptions } from './sft-loss';
