import { expectAllClose } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passAtK } from './pass-at-k';

/** Independent reference: 1 − C(n−c, k)/C(n, k) with exact BigInt binomials. */
function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let result = 1n;
  for (let j = 1; j <= k; j++) result = (result * BigInt(n - k + j)) / BigInt(j);
  return result;
}

function reference(n: number, c: number, k: number): number {
  const numerator = binomial(n - c, k);
  const denominator = binomial(n, k);
  // Exact ratio to 17 significant digits via scaled BigInt division.
  const scale = 10n ** 30n;
  return 1 - Number((numerator * scale) / denominator) / 1e30;
}

describe('passAtK properties', () => {
  it('equals c/n for k = 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))), ([n, c]) => {
        expectAllClose([passAtK(n, c, 1)], [c / n], { rtol: 1e-12, atol: 1e-15 });
      }),
    );
  });

  it('agrees with the binomial-coefficient form', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n }))),
        ([n, c, k]) => {
          expectAllClose([passAtK(n, c, k)], [reference(n, c, k)], { rtol: 1e-10, atol: 1e-12 });
        },
      ),
    );
  });

  it('is non-decreasing in k and in c', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n - 1 }))), ([n, c, k]) => {
        expect(passAtK(n, c, k + 1)).toBeGreaterThanOrEqual(passAtK(n, c, k) - 1e-15);
        expect(passAtK(n, c + 1, k)).toBeGreaterThanOrEqual(passAtK(n, c, k) - 1e-15);
      }),
    );
  });

});
