// Test helpers shared by the bucket tests (not exported from the package).

/**
 * Integer reference for the default thirds, free of floating-point division: with c correct of n,
 * easy iff c/n ≥ 2/3 iff 3c ≥ 2n; hard iff c/n < 1/3 iff 3c < n; medium otherwise.
 */
export function referenceBucket(correct: number, total: number): string {
  if (3 * correct >= 2 * total) return 'easy';
  if (3 * correct < total) return 'hard';
  return 'medium';
}
