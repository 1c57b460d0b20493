import { expectAllClose, FLOAT64 } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { curate, lengthAnchors, type CurationProblem } from './index';
import { problem } from './curation-test-utils';

/** np.median, written independently of the package: sort a copy, average the two middle values when even. */
function referenceMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

describe('curate properties', () => {
  it('chosen lengths track L_target(p) monotonically in p on a dense length grid', () => {
    const grid = Array.from({ length: 401 }, (_, length) => length);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        fc.shuffledSubarray(grid, { minLength: grid.length }),
        (lengthAtZero, lengthAtOne, shuffled) => {
          const problems: CurationProblem[] = [problem('zero', 's', 0, [lengthAtZero]), problem('one', 's', 1, [lengthAtOne])];
          for (let correct = 1; correct < 8; correct++) problems.push(problem(correct, 's', correct / 8, shuffled));
          const chosen = curate(problems).selected.filter((item) => item.passRate > 0 && item.passRate < 1);
          const direction = Math.sign(lengthAtOne - lengthAtZero);
          for (let k = 0; k < chosen.length; k++) {
            const item = chosen[k]!;
            const target = (1 - item.passRate) * lengthAtZero + item.passRate * lengthAtOne;
            expect(Math.abs(item.length - target)).toBeLessThanOrEqual(0.5 + 1e-9);
            if (k > 0) expect(Math.sign(item.length - chosen[k - 1]!.length) * direction).toBeGreaterThanOrEqual(0);
          }
          expect(chosen.length).toBe(7);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('chooses the brute-force argmin of |len − target| (ties: shorter, lower index) on sparse candidates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 6 })), { maxLength: 12 }),
        (atZero, atOne, rest) => {
          const problems = [problem('z', 's', 0, atZero), problem('o', 's', 1, atOne), ...rest.map(([c, lengths], k) => problem(k, 's', c / 8, lengths))];
          const lengthAtZero = referenceMedian(atZero.concat(rest.filter(([c]) => c === 0).flatMap(([, l]) => l)));
          const lengthAtOne = referenceMedian(atOne.concat(rest.filter(([c]) => c === 8).flatMap(([, l]) => l)));
          for (const item of curate(problems).selected) {
            const p = item.passRate;
            const target = (1 - p) * lengthAtZero + p * lengthAtOne;
            expectAllClose([item.targetLength!], [target], FLOAT64);
            const lengths = item.problem.candidates.map((candidate) => candidate.tokens as number);
            const best = lengths
              .map((length, index) => ({ length, index, distance: Math.abs(length - item.targetLength!) }))
              .sort((a, b) => a.distance - b.distance || a.length - b.length || a.index - b.index)[0]!;
            expect(item.candidateIndex).toBe(best.index);
          }
        },
      ),
    );
  });

  it('anchors equal np.median per source and pooled over sources', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom(0, 0.5, 1), fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 20 }),
        (rows) => {
          const hasZero = rows.some(([, p]) => p === 0);
          const hasOne = rows.some(([, p]) => p === 1);
          fc.pre(hasZero && hasOne);
          const anchors = lengthAnchors(rows.map(([source, p, lengths], k) => problem(k, source, p, lengths)));
          const pool = (p: number, source?: string) => rows.filter(([s, q]) => q === p && (source === undefined || s === source)).flatMap(([, , lengths]) => lengths);
          expect(anchors.pooled.lengthAtZero).toBe(referenceMedian(pool(0)));
          expect(anchors.pooled.lengthAtOne).toBe(referenceMedian(pool(1)));
          for (const entry of anchors.sources) {
            const zero = pool(0, entry.source);
            const one = pool(1, entry.source);
            expect(entry.lengthAtZero).toBe(zero.length > 0 ? referenceMedian(zero) : referenceMedian(pool(0)));
            expect(entry.lengthAtOne).toBe(one.length > 0 ? referenceMedian(one) : referenceMedian(pool(1)));
            expect(entry.pooledAtZero).toBe(zero.length === 0);
            expect(entry.tracesAtOne).toBe(one.length);
          }
        },
      ),
    );
  });

  it('keeps exactly min(n_b, quota) per bracket for any counts, budget and seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 60 }), fc.integer({ min: 0, max: 40 }), fc.integer(), (correct, budget, seed) => {
        const problems = correct.map((c, k) => problem(k, 's', c / 8, [k]));
        const { selected, diagnostics } = curate(problems, { budget, seed, lengthRule: false });
        const available = new Array<number>(9).fill(0);
        for (const c of correct) available[c]! += 1;
        const kept = new Array<number>(9).fill(0);
        for (const item of selected) kept[item.bracket]! += 1;
        expect(kept).toEqual(available.map((n) => Math.min(n, Math.floor(budget / 9))));
        expect(diagnostics.selected).toBe(selected.length);
      }),
    );
  });
});
