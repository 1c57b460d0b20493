import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { tokenAdvantages } from '@ares/grpo';

describe('tokenAdvantages', () => {
  it('broadcasts one advantage per row over its mask', () => {
    const out = tokenAdvantages([2, -1], [1, 1, 0, 1, 0, 0], 3);
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([2, 2, 0, -1, -0, -0]);
  });

  it('multiplies like verl: a NaN advantage leaks into the masked-out positions of its row only', () => {
    const out = tokenAdvantages([Number.NaN, 1], [1, 0, 1, 0], 2);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 1, 0]);
    expect(Array.from(tokenAdvantages([Infinity], [1, 0], 2))).toEqual([Infinity, Number.NaN]);
  });

  it('returns an empty array for zero rows', () => {
    expect(tokenAdvantages([], [], 5)).toHaveLength(0);
  });

  it('does not mutate its inputs', () => {
    const advantages = new Float32Array([0.5, 1.5]);
    const mask = new Uint8Array([1, 0, 1, 1]);
    tokenAdvantages(advantages, mask, 2);
    expect(Array.from(advantages)).toEqual([0.5, 1.5]);
    expect(Array.from(mask)).toEqual([1, 0, 1, 1]);
  });

  it('throws for bad columns, ragged masks, a row count mismatch or non-binary masks', () => {
    expectAresError(() => tokenAdvantages([1], [1, 1], 0), 'INVALID_ARGUMENT', 'columns');
    expectAresError(() => tokenAdvantages([1], [1, 1, 1], 2), 'SHAPE_MISMATCH', 'mask');
    expectAresError(() => tokenAdvantages([1, 2, 3], [1, 1, 1, 1], 2), 'SHAPE_MISMATCH', 'advantages');
    expectAresError(() => tokenAdvantages([1], [1, 0.5], 2), 'INVALID_ARGUMENT', 'mask');
  });
});
