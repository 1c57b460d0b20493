import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '@ares/core';
import { expectAllClose } from '@ares/testing';
import { groupAdvantages, type GroupAdvantagesOptions } from '@ares/grpo';

/** Standard normal draws by Box–Muller from a seeded uniform generator. */
function normal(random: Rng): number {
  const u = 1 - random(); // (0, 1]
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Groups of ≥ 2 scores that are multiples of 1/4 (exact in binary), flattened with their ids. */
const groupedScores = fc
  .array(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 2, maxLength: 9 }), { minLength: 1, maxLength: 5 })
  .map((groups) => ({
    scores: groups.flatMap((group) => group.map((k) => k / 4)),
    ids: groups.flatMap((group, g) => group.map(() => g)),
  }));

const settings: GroupAdvantagesOptions[] = [
  { convention: 'verl', scale: 'group' },
  { convention: 'verl', scale: 'batch' },
  { convention: 'verl', scale: 'none' },
  { convention: 'trl', scale: 'group' },
  { convention: 'trl', scale: 'batch' },
  { convention: 'trl', scale: 'none' },
];

/** Per-group sums of the advantages. */
function groupSums(advantages: Float64Array, ids: number[]): number[] {
  const sums: number[] = [];
  ids.forEach((id, index) => {
    sums[id] = (sums[id] ?? 0) + advantages[index]!;
  });
  return sums;
}

/**
 * Monte Carlo over `groups` groups of `size`: the per-group mean of A'² − A² (A from `base`, A' from `shaped`,
 * both mean-centred without scaling), returned as the mean over groups and its standard error.
 */
function varianceGap(
  groups: number,
  size: number,
  draw: () => { base: number; shaped: number },
): { mean: number; standardError: number } {
  const base = new Float64Array(groups * size);
  const shaped = new Float64Array(groups * size);
  const ids = Int32Array.from({ length: groups * size }, (_, index) => Math.floor(index / size));
  for (let index = 0; index < base.length; index++) ({ base: base[index]!, shaped: shaped[index]! } = draw());
  const a = groupAdvantages(base, ids, { scale: 'none' });
  const b = groupAdvantages(shaped, ids, { scale: 'none' });
  let sum = 0;
  let sumSquares = 0;
  for (let group = 0; group < groups; group++) {
    let gap = 0;
    for (let index = group * size; index < (group + 1) * size; index++) gap += b[index]! ** 2 - a[index]! ** 2;
    gap /= size;
    sum += gap;
    sumSquares += gap * gap;
  }
  const mean = sum / groups;
  const variance = Math.max(sumSquares / groups - mean * mean, 0);
  return { mean, standardError: Math.sqrt(variance / groups) };
}

describe('groupAdvantages properties', () => {
  it('makes the advantages of every group sum to 0', () => {
    fc.assert(
      fc.property(groupedScores, fc.constantFrom(...settings), ({ scores, ids }, options) => {
        for (const sum of groupSums(groupAdvantages(scores, ids, options), ids)) expect(Math.abs(sum)).toBeLessThan(1e-9);
      }),
    );
  });

  it('gives σ/(σ + ε) ≈ 1 as the unbiased std of the z-scores of distinct rewards', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: 2, maxLength: 12 }), (values) => {
        const scores = values.map((k) => k / 8);
        const advantages = groupAdvantages(scores, scores.map(() => 'g'));
        const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
        const sigma = Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / (scores.length - 1));
        const std = Math.sqrt(Array.from(advantages).reduce((s, a) => s + a * a, 0) / (scores.length - 1));
        expectAllClose(std, sigma / (sigma + 1e-6), { rtol: 1e-9, atol: 0 });
      }),
    );
  });

  it('ignores a constant shift of all rewards', () => {
    fc.assert(
      fc.property(groupedScores, fc.integer({ min: -100, max: 100 }), fc.constantFrom(...settings), ({ scores, ids }, shift, options) => {
        const shifted = scores.map((s) => s + shift);
        expectAllClose(groupAdvantages(shifted, ids, options), groupAdvantages(scores, ids, options), { rtol: 1e-9, atol: 1e-9 });
      }),
    );
  });

  it('gives 0 for groups of equal rewards', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 2, max: 16 }), fc.constantFrom(...settings.filter((s) => s.scale !== 'batch')), (value, size, options) => {
        const advantages = groupAdvantages(new Float64Array(size).fill(value), new Array<number>(size).fill(0), options);
        expect(Array.from(advantages).every((a) => a === 0)).toBe(true);
      }),
    );
  });

  it('Lemma 1: mean-centred advantages have variance (1 − 1/N)·Var(R), N = 8', () => {
    const random = createRng(20251009);
    const gaussian = varianceGap(5000, 8, () => ({ base: 0, shaped: normal(random) }));
    expect(Math.abs(gaussian.mean - 0.875)).toBeLessThan(4 * gaussian.standardError);
    expect(gaussian.standardError).toBeLessThan(0.01);
    const bernoulli = varianceGap(5000, 8, () => ({ base: 0, shaped: random() < 0.3 ? 1 : 0 }));
    expect(Math.abs(bernoulli.mean - 0.875 * 0.21)).toBeLessThan(4 * bernoulli.standardError);
  });

  it('Prop. 1: R′ = S − κK changes Var(A) by (1 − 1/N)(κ²σ_K² − 2κ·Cov(S, K)), zero at κ = 0 and 2Cov/σ_K²', () => {
    const size = 8;
    const factor = 1 - 1 / size;
    // S ~ N(0, 1), K = 0.5·S + √0.75·Z: σ_K² = 1, Cov(S, K) = 0.5, so the gap vanishes at κ = 0 and κ = 1.
    for (const kappa of [-1, 0, 0.5, 1, 2]) {
      const random = createRng(`prop1-${kappa}`);
      const gap = varianceGap(4000, size, () => {
        const s = normal(random);
        const k = 0.5 * s + Math.sqrt(0.75) * normal(random);
        return { base: s, shaped: s - kappa * k };
      });
      const predicted = factor * (kappa * kappa - 2 * kappa * 0.5);
      expect(Math.abs(gap.mean - predicted)).toBeLessThanOrEqual(4 * gap.standardError + 1e-12);
      if (kappa === -1 || kappa === 2) expect(gap.mean - 4 * gap.standardError).toBeGreaterThan(0);
      if (kappa === 0.5) expect(gap.mean + 4 * gap.standardError).toBeLessThan(0);
    }
    // Independent S and K with σ_K = 2: the gap is ≈ (1 − 1/N)·κ²·σ_K².
    const random = createRng('prop1-independent');
    const independent = varianceGap(4000, size, () => {
      const s = normal(random);
      return { base: s, shaped: s - 0.7 * 2 * normal(random) };
    });
    expect(Math.abs(independent.mean - factor * 0.49 * 4)).toBeLessThan(4 * independent.standardError);
  });
});
