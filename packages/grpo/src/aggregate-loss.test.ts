import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64, loadFixture, REFERENCE } from '@ares/testing';
import { AGGREGATION_MODES, aggregateLoss, type AggregateLossOptions, type AggregationMode } from '@ares/grpo';

interface Case {
  name: string;
  columns: number;
  values: number[];
  mask: number[];
  results: { mode: AggregationMode; options: AggregateLossOptions; expected: number }[];
}

const fixture = loadFixture<Case>(new URL('./__fixtures__/aggregate-loss.json', import.meta.url));

// Two rows of three tokens: row 0 has 3 valid tokens, row 1 has 1; row 2 is empty.
const values = [1, 2, 3, 4, 100, 100, 7, 7, 7];
const mask = [1, 1, 1, 1, 0, 0, 0, 0, 0];

describe('aggregateLoss', () => {
  it.each(fixture.cases.flatMap((testCase) => testCase.results.map((result) => [testCase.name, result.mode, JSON.stringify(result.options), testCase, result] as const)))(
    'matches the torch reference: %s, %s %s',
    (_name, _mode, _options, testCase, result) => {
      expectAllClose(aggregateLoss(testCase.values, testCase.mask, testCase.columns, result.mode, result.options), result.expected, REFERENCE);
    },
  );

  it('computes each verl mode by hand', () => {
    expectAllClose(aggregateLoss(values, mask, 3, 'token-mean'), 10 / 4, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'token-sum'), 10, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum'), (6 + 4) / 2, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-mean'), (6 / (3 + 1e-8) + 4 / (1 + 1e-8)) / 2, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum-norm'), (6 + 4) / 2 / 3, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum-norm', { legacy: true }), (6 + 4) / 3, FLOAT64);
  });

  it('computes each TRL-convention mode by hand (empty rows count, max(·, 1) guards)', () => {
    const trl = { convention: 'trl' } as const;
    expectAllClose(aggregateLoss(values, mask, 3, 'token-mean', trl), 10 / 4, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'token-sum', trl), 10, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum', trl), 10 / 3, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-mean', trl), (2 + 4 + 0) / 3, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum-norm', trl), 10 / (3 * 3), FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum-norm', { ...trl, scaleFactor: 8 }), 10 / (3 * 8), FLOAT64);
  });

  it('replaces the denominators with tokenCount, sequenceCount and scaleFactor', () => {
    expectAllClose(aggregateLoss(values, mask, 3, 'token-mean', { tokenCount: 20 }), 0.5, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum', { sequenceCount: 5 }), 2, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'seq-mean-token-sum-norm', { sequenceCount: 5, scaleFactor: 4 }), 0.5, FLOAT64);
    expectAllClose(aggregateLoss(values, mask, 3, 'token-mean', { convention: 'trl', tokenCount: 40 }), 0.25, FLOAT64);
  });

  it('does not leak NaN outside the mask in token modes but does in seq modes (verl)', () => {
    const leaky = [1, 2, Number.NaN, 4, 5, 6];
    const partial = [1, 1, 0, 1, 1, 1];
    expectAllClose(aggregateLoss(leaky, partial, 3, 'token-mean'), 18 / 5, FLOAT64);
    expectAllClose(aggregateLoss(leaky, partial, 3, 'token-sum'), 18, FLOAT64);
    for (const mode of ['seq-mean-token-sum', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
      expect(aggregateLoss(leaky, partial, 3, mode)).toBeNaN();
    }
    expect(aggregateLoss(leaky, partial, 3, 'token-mean', { convention: 'trl' })).toBeNaN();
  });

  it('never leaks a NaN from a fully masked row into verl seq means, only into the legacy sum', () => {
    const emptyNaNRow = [1, 2, 3, Number.NaN, Infinity, 0];
    const firstOnly = [1, 1, 1, 0, 0, 0];
    expectAllClose(aggregateLoss(emptyNaNRow, firstOnly, 3, 'seq-mean-token-mean'), 6 / (3 + 1e-8), FLOAT64);
    expectAllClose(aggregateLoss(emptyNaNRow, firstOnly, 3, 'seq-mean-token-sum-norm'), 2, FLOAT64);
    expect(aggregateLoss(emptyNaNRow, firstOnly, 3, 'seq-mean-token-sum-norm', { legacy: true })).toBeNaN();
  });

  it('gives NaN for a fully masked batch in verl mean modes and 0 in sums and TRL modes', () => {
    const zeros = [0, 0, 0, 0];
    for (const mode of ['token-mean', 'seq-mean-token-sum', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
      expect(aggregateLoss([1, 2, 3, 4], zeros, 2, mode)).toBeNaN();
    }
    expect(aggregateLoss([1, 2, 3, 4], zeros, 2, 'token-sum')).toBe(0);
    expect(aggregateLoss([1, 2, 3, 4], zeros, 2, 'seq-mean-token-sum-norm', { legacy: true })).toBe(0);
    for (const mode of AGGREGATION_MODES) expect(aggregateLoss([1, 2, 3, 4], zeros, 2, mode, { convention: 'trl' })).toBe(0);
  });

  it('propagates NaN and ±Infinity at unmasked positions', () => {
    expect(aggregateLoss([Number.NaN, 1], [1, 1], 2, 'token-mean')).toBeNaN();
    expect(aggregateLoss([Infinity, 1], [1, 1], 2, 'token-sum')).toBe(Infinity);
    expect(aggregateLoss([Infinity, -Infinity], [1, 1], 1, 'seq-mean-token-sum')).toBeNaN();
  });

  it('handles a single token and huge magnitudes without losing the small terms', () => {
    expect(aggregateLoss([5], [1], 1, 'seq-mean-token-mean')).toBe(5 / (1 + 1e-8));
    expectAllClose(aggregateLoss([1e16, 1, -1e16, 1], [1, 1, 1, 1], 4, 'token-sum'), 2, FLOAT64);
  });

  it('does not mutate its inputs', () => {
    const data = new Float32Array(values);
    const maskData = new Uint8Array(mask);
    aggregateLoss(data, maskData, 3, 'seq-mean-token-mean');
    expect(Array.from(data)).toEqual(values);
    expect(Array.from(maskData)).toEqual(mask);
  });

  it('throws UNSUPPORTED for an unknown mode or convention', () => {
    expectAresError(() => aggregateLoss([1], [1], 1, 'seq-sum' as never), 'UNSUPPORTED', 'mode');
    expectAresError(() => aggregateLoss([1], [1], 1, 'token-mean', { convention: 'openrlhf' as never }), 'UNSUPPORTED', 'options.convention');
  });

  it('throws INVALID_ARGUMENT for bad columns, overrides, legacy or mask values', () => {
    expectAresError(() => aggregateLoss([1, 2], [1, 1], 0, 'token-mean'), 'INVALID_ARGUMENT', 'columns');
    expectAresError(() => aggregateLoss([1, 2], [1, 1], 1.5, 'token-mean'), 'INVALID_ARGUMENT', 'columns');
    expectAresError(() => aggregateLoss([1], [1], 1, 'token-mean', { tokenCount: 0 }), 'INVALID_ARGUMENT', 'options.tokenCount');
    expectAresError(() => aggregateLoss([1], [1], 1, 'token-mean', { sequenceCount: -1 }), 'INVALID_ARGUMENT', 'options.sequenceCount');
    expectAresError(() => aggregateLoss([1], [1], 1, 'token-mean', { scaleFactor: Infinity }), 'INVALID_ARGUMENT', 'options.scaleFactor');
    expectAresError(() => aggregateLoss([1], [1], 1, 'token-mean', { legacy: 'yes' as never }), 'INVALID_ARGUMENT', 'options.legacy');
    expectAresError(() => aggregateLoss([1, 2], [1, 0.5], 2, 'token-mean'), 'INVALID_ARGUMENT', 'mask');
  });

  it('throws SHAPE_MISMATCH for ragged values or a mask of another length', () => {
    expectAresError(() => aggregateLoss([1, 2, 3], [1, 1, 1], 2, 'token-mean'), 'SHAPE_MISMATCH', 'values');
    expectAresError(() => aggregateLoss([1, 2], [1, 1, 1, 1], 2, 'token-mean'), 'SHAPE_MISMATCH', 'mask');
  });

  it('throws EMPTY_INPUT for an empty batch', () => {
    expectAresError(() => aggregateLoss([], [], 4, 'token-mean'), 'EMPTY_INPUT', 'values');
  });
});
