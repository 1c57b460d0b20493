/**
 * Difficulty of a prompt from its pass rate over a group of rollouts (paper App. G): `easy` (p ≥ 2/3),
 * `medium`, `hard` (p < 1/3). It lives in `@ares/core` because several layer-1 packages need it.
 * @see SPEC.md §2.3
 */
export type DifficultyBucket = 'easy' | 'medium' | 'hard';

/** The three buckets in ascending difficulty. */
export const DIFFICULTY_BUCKETS: readonly DifficultyBucket[] = Object.freeze(['easy', 'medium', 'hard'] as const);

/** True when `value` is one of `'easy'`, `'medium'`, `'hard'`. */
export function isDifficultyBucket(value: unknown): value is DifficultyBucket {
  return value === 'easy' || value === 'medium' || value === 'hard';
}
