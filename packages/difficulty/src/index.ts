export { bucketOf, DEFAULT_BUCKET_OF_OPTIONS } from './bucket-of';
export type { BucketOfOptions, DifficultyThresholds } from './bucket-of';
export { passRate } from './pass-rate';
export { targetLength } from './target-length';
export { DEFAULT_DIFFICULTY_TRACKER_OPTIONS, DIFFICULTY_TRACKER_MODES, DifficultyTracker } from './difficulty-tracker';
export type {
  DifficultyBucketSummary,
  DifficultyTrackerEntry,
  DifficultyTrackerMode,
  DifficultyTrackerOptions,
  DifficultyTrackerState,
  DifficultyTrackerStateEntry,
} from './difficulty-tracker';
