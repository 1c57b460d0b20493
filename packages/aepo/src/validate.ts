import { AresError, isDifficultyBucket, type DifficultyBucket } from '@ares/core';

/**
 * Throws `INVALID_ARGUMENT` naming `parameter` unless `value` is a {@link DifficultyBucket}.
 * @internal
 */
export function assertBucket(value: unknown, parameter: string): asserts value is DifficultyBucket {
  if (!isDifficultyBucket(value)) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter,
      value,
      message: `${parameter}: expected 'easy', 'medium' or 'hard', got ${String(value)}`,
    });
  }
}
