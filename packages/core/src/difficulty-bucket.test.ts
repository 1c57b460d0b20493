import { describe, expect, it } from 'vitest';
import { DIFFICULTY_BUCKETS, isDifficultyBucket } from './difficulty-bucket';

describe('DifficultyBucket', () => {
  it('lists the buckets in ascending difficulty and recognises them', () => {
    expect(DIFFICULTY_BUCKETS).toEqual(['easy', 'medium', 'hard']);
    expect(Object.isFrozen(DIFFICULTY_BUCKETS)).toBe(true);
    expect(DIFFICULTY_BUCKETS.every(isDifficultyBucket)).toBe(true);
    expect(isDifficultyBucket('Easy')).toBe(false);
    expect(isDifficultyBucket(undefined)).toBe(false);
  });
});
