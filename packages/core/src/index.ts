export { AresError } from './ares-error';
export type { AresErrorCode, AresErrorOptions } from './ares-error';
export { DIFFICULTY_BUCKETS, isDifficultyBucket } from './difficulty-bucket';
export type { DifficultyBucket } from './difficulty-bucket';
export { neumaierSum } from './neumaier-sum';
export { NeumaierAccumulator } from './neumaier-accumulator';
export { createRng, rngFromState } from './create-rng';
export type { Rng, RngState } from './create-rng';
export {
  assertBinaryMask,
  assertBoolean,
  assertDifficultyBuckets,
  assertFinite,
  assertInRange,
  assertInteger,
  assertMultipleOf,
  assertNonEmpty,
  assertOneOf,
  assertSameLength,
  assertSameShape,
} from './assertions';
