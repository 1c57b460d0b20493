import { expectAllClose, expectAresError, FLOAT32, FLOAT64, REFERENCE } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sftLoss } from './index';
import { referenceSftLoss, sampleBatch } from './sft-loss-test-utils';

const weights = { easy: 0.5, medium: 0.1, hard: 2 } as const;

describe('sftLoss', () => {
  it('returns ln V for uniform logits and the exact values of a two-token example', () => {
    expectAllClose([sftLoss({ logits: new Float32Array(37), labels: [5], mask: [1], vocabSize: 37 })], [3.6109179126], REFERENCE);
    // Row 1: logits [0, ln 3] → p = [1/4, 3/4], label 1 → −ln 0.75; row 2 masked out.
    const logits = new Float64Array([0, Math.log(3), 7, -7]);
    expectAllClose([sftLoss({ logits, labels: [1, -100], mask: [1, 0], vocabSize: 2 })], [-Math.log(0.75)], FLOAT64);
  });

  it('handles huge logit gaps without overflow', () => {
    const logits = new Float32Array([-1000, 1000, -1000, 1000]);
    expect(sftLoss({ logits, labels: [1, 0], mask: [1, 0], vocabSize: 2 })).toBe(0);
    expect(sftLoss({ logits, labels: [1, 0], mask: [1, 1], vocabSize: 2 })).toBe(1000); // (0 + 2000)/2
  });

  it('agrees with the float64 reference (token mean of −ln p_y) on random batches', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 12 }), fc.string(), (rows, columns, vocabSize, seed) => {
        const batch = sampleBatch(rows, columns, vocabSize, seed);
        const expected = referenceSftLoss(batch);
        expectAllClose([sftLoss(batch)], [expected], REFERENCE);
      }),
    );
  });

  it('adds β_d·KL(π_θ‖π_init) per row bucket, exact from the logits', () => {
    const batch = sampleBatch(6, 5, 7);
    const expected = referenceSftLoss({ ...batch, klWeights: weights, kl: 'exact' });
    expect(expected).toBeGreaterThan(referenceSftLoss(batch));
    expectAllClose([sftLoss(batch, { klWeights: weights })], [expected], REFERENCE);
    // Float32 logits give the same value to float32 precision.
    const single = { ...batch, logits: Float32Array.from(batch.logits), initialLogits: Float32Array.from(batch.initialLogits) };
    expectAllClose([sftLoss(single, { klWeights: weights })], [referenceSftLoss({ ...single, klWeights: weights })], FLOAT32);
  });

  it('uses klEstimate on the label token for an estimator, from initialLogits or initialLogProbs', () => {
    const batch = sampleBatch(6, 5, 7, 'estimators');
    for (const kl of ['k1', 'k2', 'k3'] as const) {
      const expected = referenceSftLoss({ ...batch, klWeights: weights, kl });
      expectAllClose([sftLoss(batch, { klWeights: weights, kl })], [expected], REFERENCE);
    }
    const initialLogProbs = batch.labels.map((label, t) => {
      const row = batch.initialLogits.subarray(t * 7, t * 7 + 7);
      return row[label]! - Math.log(row.reduce((sum, value) => sum + Math.exp(value), 0));
    });
    const { initialLogits: _unused, ...withoutLogits } = batch;
    expectAllClose([sftLoss({ ...withoutLogits, initialLogProbs }, { klWeights: weights, kl: 'k3' })], [referenceSftLoss({ ...batch, klWeights: weights, kl: 'k3' })], REFERENCE);
  });

  it('has zero KL when the policy equals the initial model, and ignores π_init when every β_d is 0', () => {
    const batch = sampleBatch(3, 4, 6);
    const plain = sftLoss(batch);
    expectAllClose([sftLoss({ ...batch, initialLogits: batch.logits }, { klWeights: weights })], [plain], FLOAT64);
    expect(sftLoss({ ...batch, initialLogits: new Float64Array(1) }, { klWeights: { easy: 0 } })).toBe(plain);
  });

  it('ignores padding: labels and NaN logits where the mask is 0 change nothing', () => {
    const batch = sampleBatch(3, 4, 5);
    const padded = { ...batch, logits: batch.logits.slice(), initialLogits: batch.initialLogits.slice(), labels: batch.labels.slice() };
    batch.mask.forEach((m, t) => {
      if (m === 0) {
        padded.labels[t] = -100;
        padded.logits.fill(Number.NaN, t * 5, t * 5 + 5);
        padded.initialLogits.fill(Number.NaN, t * 5, t * 5 + 5);
      }
    });
    expect(sftLoss(padded, { klWeights: weights })).toBe(sftLoss(batch, { klWeights: weights }));
  });

  it('returns 0 for an empty mask or no positions', () => {
    expect(sftLoss({ logits: new Float32Array(6), labels: [0, 0], mask: [0, 0], vocabSize: 3 })).toBe(0);
    expect(sftLoss({ logits: new Float32Array(0), labels: [], mask: [], vocabSize: 3 })).toBe(0);
  });

  it('propagates NaN and +∞ in a masked-in row; a −∞ non-label logit is probability 0', () => {
    expect(sftLoss({ logits: new Float32Array([Number.NaN, 0]), labels: [1], mask: [1], vocabSize: 2 })).toBeNaN();
    expect(sftLoss({ logits: new Float32Array([Infinity, 0]), labels: [1], mask: [1], vocabSize: 2 })).toBeNaN();
    expect(sftLoss({ logits: new Float32Array([-Infinity, 0]), labels: [1], mask: [1], vocabSize: 2 })).toBe(0);
    expect(sftLoss({ logits: new Float32Array([-Infinity, 0]), labels: [0], mask: [1], vocabSize: 2 })).toBe(Infinity);
    // Exact KL: π_θ puts mass where π_init has none → +∞; the reverse adds nothing.
    const input = { labels: [1], mask: [1], vocabSize: 2, buckets: ['easy' as const] };
    expect(sftLoss({ ...input, logits: new Float32Array([0, 0]), initialLogits: new Float32Array([-Infinity, 0]) }, { klWeights: { easy: 1 } })).toBe(Infinity);
    expectAllClose([sftLoss({ ...input, logits: new Float32Array([-Infinity, 0]), initialLogits: new Float32Array([0, 0]) }, { klWeights: { easy: 1 } })], [Math.log(2)], FLOAT64);
  });

  it('does not modify its inputs', () => {
    const batch = sampleBatch(2, 3, 4);
    const snapshot = { logits: batch.logits.slice(), initialLogits: batch.initialLogits.slice(), labels: [...batch.labels], mask: [...batch.mask] };
    sftLoss(batch, { klWeights: weights });
    sftLoss(batch, { klWeights: weights, kl: 'k3' });
    expect(batch.logits).toEqual(snapshot.logits);
    expect(batch.initialLogits).toEqual(snapshot.initialLogits);
    expect(batch.labels).toEqual(snapshot.labels);
    expect(batch.mask).toEqual(snapshot.mask);
  });

  it('throws SHAPE_MISMATCH for inconsistent shapes', () => {
    const batch = sampleBatch(2, 3, 4);
    expectAresError(() => sftLoss({ ...batch, vocabSize: 5 }), 'SHAPE_MISMATCH', 'input.logits');
    expectAresError(() => sftLoss({ ...batch, labels: batch.labels.slice(1) }), 'SHAPE_MISMATCH', 'input.labels');
    expectAresError(() => sftLoss({ ...batch, mask: batch.mask.slice(1) }), 'SHAPE_MISMATCH', 'input.mask');
    expectAresError(() => sftLoss({ ...batch, columns: 4 }), 'SHAPE_MISMATCH', 'input.labels');
    expectAresError(() => sftLoss({ ...batch, buckets: ['easy'] }, { klWeights: weights }), 'SHAPE_MISMATCH', 'input.buckets');
    expectAresError(() => sftLoss({ ...batch, initialLogits: batch.initialLogits.subarray(1) }, { klWeights: weights }), 'SHAPE_MISMATCH', 'input.initialLogits');
    expectAresError(() => sftLoss({ ...batch, initialLogProbs: [0] }, { klWeights: weights, kl: 'k1' }), 'SHAPE_MISMATCH', 'input.initialLogProbs');
  });

  it('throws INVALID_ARGUMENT for bad labels, masks, buckets, weights and missing π_init, UNSUPPORTED for a bad kl', () => {
    const batch = sampleBatch(2, 3, 4);
    const first = batch.mask.indexOf(1);
    const labels = batch.labels.slice();
    labels[first] = 4;
    expectAresError(() => sftLoss({ ...batch, labels }), 'INVALID_ARGUMENT', 'input.labels');
    labels[first] = 1.5;
    expectAresError(() => sftLoss({ ...batch, labels }), 'INVALID_ARGUMENT', 'input.labels');
    expectAresError(() => sftLoss({ ...batch, mask: batch.mask.map((m) => m * 0.5) }), 'INVALID_ARGUMENT', 'input.mask');
    expectAresError(() => sftLoss({ ...batch, vocabSize: 0 }), 'INVALID_ARGUMENT', 'input.vocabSize');
    expectAresError(() => sftLoss({ ...batch, columns: 0 }), 'INVALID_ARGUMENT', 'input.columns');
    const { buckets: _b, ...withoutBuckets } = batch;
    expectAresError(() => sftLoss(withoutBuckets, { klWeights: weights }), 'INVALID_ARGUMENT', 'input.buckets');
    expectAresError(() => sftLoss({ ...batch, buckets: ['easy', 'tricky' as 'easy'] }, { klWeights: weights }), 'INVALID_ARGUMENT', 'input.buckets');
    const { initialLogits: _i, ...withoutInitial } = batch;
    expectAresError(() => sftLoss(withoutInitial, { klWeights: weights }), 'INVALID_ARGUMENT', 'input.initialLogits');
    expectAresError(() => sftLoss(withoutInitial, { klWeights: weights, kl: 'k3' }), 'INVALID_ARGUMENT', 'input.initialLogProbs');
    expectAresError(() => sftLoss(batch, { klWeights: { easy: -1 } }), 'INVALID_ARGUMENT', 'options.klWeights.easy');
    expectAresError(() => sftLoss(batch, { klWeights: { extreme: 1 } as never }), 'INVALID_ARGUMENT', 'options.klWeights.extreme');
    expectAresError(() => sftLoss(batch, { kl: 'k4' as 'k1' }), 'UNSUPPORTED', 'options.kl');
  });
});
