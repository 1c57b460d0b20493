import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finiteFloat32Array } from '@ares/testing';
import { aggregateLoss, type Convention } from '@ares/grpo';

/** A rows × columns batch whose rows all have `length` valid tokens (suffix padding). */
const equalLengthBatch = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), columns: fc.integer({ min: 1, max: 8 }) })
  .chain(({ rows, columns }) =>
    fc.record({
      rows: fc.constant(rows),
      columns: fc.constant(columns),
      length: fc.integer({ min: 1, max: columns }),
      values: finiteFloat32Array({ min: -100, max: 100, minLength: rows * columns, maxLength: rows * columns }),
    }),
  );

function suffixMask(rows: number, columns: number, lengths: (row: number) => number): Float64Array {
  const mask = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row++) mask.fill(1, row * columns, row * columns + lengths(row));
  return mask;
}

describe('aggregateLoss properties', () => {
  it('token-mean equals seq-mean-token-mean when all rows have the same length', () => {
    fc.assert(
      fc.property(equalLengthBatch, fc.constantFrom<Convention>('verl', 'trl'), ({ rows, columns, length, values }, convention) => {
        const mask = suffixMask(rows, columns, () => length);
        const tokenMean = aggregateLoss(values, mask, columns, 'token-mean', { convention });
        const sequenceMean = aggregateLoss(values, mask, columns, 'seq-mean-token-mean', { convention });
        // verl's per-row 1e-8 guard makes the sequence mean smaller by the factor length/(length + 1e-8).
        const scale = Array.from(values).reduce((sum, v) => sum + Math.abs(v), 0) / (rows * length);
        expect(Math.abs(tokenMean - sequenceMean)).toBeLessThanOrEqual(2e-8 * scale + 1e-12);
      }),
    );
  });

  it('token-mean and seq-mean-token-mean differ by (c₁ − c₂)(L₁ − L₂)/(2(L₁ + L₂)) for two rows of unequal length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: -50, max: 50 }),
        (firstLength, secondLength, first, second) => {
          fc.pre(firstLength !== secondLength && first !== second);
          const columns = 10;
          const values = new Float64Array(2 * columns);
          values.fill(first, 0, columns);
          values.fill(second, columns);
          const mask = suffixMask(2, columns, (row) => (row === 0 ? firstLength : secondLength));
          const trl = { convention: 'trl' } as const;
          const gap = aggregateLoss(values, mask, columns, 'token-mean', trl) - aggregateLoss(values, mask, columns, 'seq-mean-token-mean', trl);
          const expected = ((first - second) * (firstLength - secondLength)) / (2 * (firstLength + secondLength));
          expect(gap).not.toBe(0);
          expect(Math.abs(gap - expected)).toBeLessThan(1e-10);
        },
      ),
    );
  });

  it('is linear: aggregating c·L gives c times the aggregate in every mode', () => {
    fc.assert(
      fc.property(equalLengthBatch, fc.integer({ min: -8, max: 8 }), ({ rows, columns, values }, factor) => {
        const mask = suffixMask(rows, columns, (row) => (row * 3) % (columns + 1));
        fc.pre(mask.some((m) => m === 1));
        const scaled = Float64Array.from(values, (v) => v * factor);
        for (const mode of ['token-mean', 'token-sum', 'seq-mean-token-sum', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
          const base = aggregateLoss(values, mask, columns, mode);
          const scaledResult = aggregateLoss(scaled, mask, columns, mode);
          expect(Math.abs(scaledResult - factor * base)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(factor * base)));
        }
      }),
    );
  });
});
