import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEquivalent } from './is-equivalent';

function withThousands(value: bigint): string {
  const digits = (value < 0n ? -value : value).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0n ? `-${grouped}` : grouped;
}

describe('isEquivalent properties', () => {
  it('integers are equivalent exactly when they are equal (BigInt reference)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (a, b) => {
        expect(isEquivalent(a.toString(), b.toString())).toBe(a === b);
      }),
    );
  });

  it('an integer equals itself written with thousands separators', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1000n, max: 10n ** 18n }), (value) => {
        expect(isEquivalent(value.toString(), withThousands(value))).toBe(true);
      }),
    );
  });

  it('a fraction equals every unreduced form and differs from its reciprocal unless ±1', () => {
    fc.assert(
      fc.property(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 2, max: 50 }), (numerator, denominator, scale) => {
        const gold = `\\frac{${numerator}}{${denominator}}`;
        expect(isEquivalent(gold, `${numerator * scale}/${denominator * scale}`)).toBe(true);
        if (numerator !== 0) {
          const same = BigInt(numerator) * BigInt(numerator) === BigInt(denominator) * BigInt(denominator);
          expect(isEquivalent(gold, `\\frac{${denominator}}{${numerator}}`)).toBe(same);
        }
      }),
    );
  });

  it('is symmetric on bare numeric answers', () => {
    const answer = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 20 })).map(([a, b]) => `\\frac{${a}}{${b}}`),
      fc.integer({ min: -1000, max: 1000 }).map((value) => (value / 8).toString()),
    );
    fc.assert(
      fc.property(answer, answer, (a, b) => {
        expect(isEquivalent(a, b)).toBe(isEquivalent(b, a));
      }),
    );
  });

  it('sets are order-insensitive and tuples order-sensitive', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -99, max: 99 }), { minLength: 2, maxLength: 6 }), (values) => {
        const reversed = [...values].reverse();
        expect(isEquivalent(`\\{${values.join(', ')}\\}`, `\\{${reversed.join(', ')}\\}`)).toBe(true);
        expect(isEquivalent(`(${values.join(', ')})`, `(${reversed.join(', ')})`)).toBe(false);
      }),
    );
  });

  it('never mistakes two different integers for each other through digit order (pitfall 2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 99_999 }), (value) => {
        const digits = String(value).split('');
        const permuted = [...digits].reverse().join('');
        fc.pre(Number(permuted) !== value);
        expect(isEquivalent(String(value), permuted)).toBe(false);
      }),
    );
  });
});
