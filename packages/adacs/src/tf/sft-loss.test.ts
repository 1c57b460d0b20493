import '@ares/testing/setup-tf';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sftLoss as sftLossArray, type SftLossOptions } from '../index';
import { referenceSoftmax, sampleBatch } from '../sft-loss-test-utils';
import { sftLoss } from './index';

const weights = { easy: 0.5, medium: 0.1, hard: 2 } as const;
const ROWS = 3;
const COLUMNS = 4;
const VOCAB = 6;

/** The batch as float32-exact float64 arrays (so the typed-array reference sees exactly the tensor's values). */
function batch(seed = 'tf') {
  const b = sampleBatch(ROWS, COLUMNS, VOCAB, seed);
  return { ...b, logits: Float64Array.from(Float32Array.from(b.logits)), initialLogits: Float64Array.from(Float32Array.from(b.initialLogits)) };
}

function tensors(b: ReturnType<typeof batch>) {
  return {
    logits: tf.tensor3d(Float32Array.from(b.logits), [ROWS, COLUMNS, VOCAB]),
    initialLogits: tf.tensor3d(Float32Array.from(b.initialLogits), [ROWS, COLUMNS, VOCAB]),
    labels: b.labels,
    mask: b.mask,
    buckets: b.buckets,
  };
}

/** Value and ∂L/∂logits of the tfjs loss, read back. */
function valueAndGradient(b: ReturnType<typeof batch>, options: SftLossOptions) {
  const input = tensors(b);
  const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => sftLoss({ ...input, logits: z }, options))(input.logits);
  const result = { value: value.dataSync()[0]!, gradient: Float64Array.from(grad.dataSync()) };
  tf.dispose([value, grad, input.logits, input.initialLogits]);
  return result;
}

/** Central finite differences of the float64 typed-array loss. */
function finiteDifferences(b: ReturnType<typeof batch>, options: SftLossOptions, step = 1e-5): Float64Array {
  const gradient = new Float64Array(b.logits.length);
  for (let index = 0; index < b.logits.length; index++) {
    const up = b.logits.slice();
    const down = b.logits.slice();
    up[index]! += step;
    down[index]! -= step;
    gradient[index] = (sftLossArray({ ...b, logits: up }, options) - sftLossArray({ ...b, logits: down }, options)) / (2 * step);
  }
  return gradient;
}

const count = (mask: readonly number[]) => mask.reduce((a, b) => a + b, 0);

describe('tf sftLoss', () => {
  it('agrees with the typed-array sftLoss for plain SFT, exact KL and the estimators', () => {
    const b = batch();
    for (const options of [{}, { klWeights: weights }, { klWeights: weights, kl: 'k1' }, { klWeights: weights, kl: 'k3' }, { klWeights: weights, kl: 'k3+' }] as SftLossOptions[]) {
      const actual = tf.tidy(() => sftLoss(tensors(b), options).dataSync()[0]!);
      expectAllClose([actual], [sftLossArray(b, options)], TFJS_CPU);
    }
  });

  it('accepts rank-2 logits (one row), label and mask tensors and initialLogProbs', () => {
    const b = batch('rank2');
    const tokens = ROWS * COLUMNS;
    const initialLogProbs = b.labels.map((label, t) => {
      const row = Array.from(b.initialLogits.subarray(t * VOCAB, (t + 1) * VOCAB));
      return Math.log(referenceSoftmax(row)[label]!);
    });
    const actual = tf.tidy(() =>
      sftLoss(
        {
          logits: tf.tensor2d(Float32Array.from(b.logits), [tokens, VOCAB]),
          labels: tf.tensor1d(b.labels, 'int32'),
          mask: tf.tensor1d(b.mask),
          buckets: ['hard'],
          initialLogProbs: tf.tensor1d(initialLogProbs),
        },
        { klWeights: { hard: 1.5 }, kl: 'k3' },
      ).dataSync()[0]!,
    );
    const expected = sftLossArray({ ...b, columns: tokens, buckets: ['hard'], initialLogProbs }, { klWeights: { hard: 1.5 }, kl: 'k3' });
    expectAllClose([actual], [expected], TFJS_CPU);
  });

  it('has the closed-form cross-entropy gradient (softmax − onehot)·m_t/N', () => {
    const b = batch();
    const n = count(b.mask);
    const expected = new Float64Array(b.logits.length);
    b.labels.forEach((label, t) => {
      if (b.mask[t] !== 1) return;
      const p = referenceSoftmax(b.logits.subarray(t * VOCAB, (t + 1) * VOCAB));
      p.forEach((pj, j) => (expected[t * VOCAB + j] = (pj - (j === label ? 1 : 0)) / n));
    });
    expectAllClose(valueAndGradient(b, {}).gradient, expected, TFJS_CPU);
  });

  it('has the closed-form exact-KL gradient β·p⊙(ln p − ln q − KL)·m_t/N on top, matching finite differences', () => {
    const b = batch('kl');
    const n = count(b.mask);
    const options = { klWeights: weights };
    const expected = new Float64Array(b.logits.length);
    b.labels.forEach((label, t) => {
      if (b.mask[t] !== 1) return;
      const beta = weights[b.buckets[Math.floor(t / COLUMNS)]!];
      const p = referenceSoftmax(b.logits.subarray(t * VOCAB, (t + 1) * VOCAB));
      const q = referenceSoftmax(b.initialLogits.subarray(t * VOCAB, (t + 1) * VOCAB));
      const kl = p.reduce((sum, pj, j) => sum + pj * Math.log(pj / q[j]!), 0);
      p.forEach((pj, j) => (expected[t * VOCAB + j] = (pj - (j === label ? 1 : 0) + beta * pj * (Math.log(pj / q[j]!) - kl)) / n));
    });
    const { gradient } = valueAndGradient(b, options);
    expectAllClose(gradient, expected, TFJS_CPU);
    expectAllClose(gradient, finiteDifferences(b, options), TFJS_CPU);
  });

  it('has the finite-difference gradient with klEstimate k1 and k3 on the label token', () => {
    const b = batch('estimators');
    for (const kl of ['k1', 'k3'] as const) {
      const options = { klWeights: weights, kl };
      expectAllClose(valueAndGradient(b, options).gradient, finiteDifferences(b, options), TFJS_CPU);
    }
  });

  it('k3+ has the k3 value and the k2 gradient (straight-through, current verl)', () => {
    const b = batch('straight');
    const plus = valueAndGradient(b, { klWeights: weights, kl: 'k3+' });
    expectAllClose([plus.value], [sftLossArray(b, { klWeights: weights, kl: 'k3' })], TFJS_CPU);
    expectAllClose(plus.gradient, valueAndGradient(b, { klWeights: weights, kl: 'k2' }).gradient, TFJS_CPU);
  });

  it('ignores padding: NaN logits and −100 labels where the mask is 0 change neither value nor gradient', () => {
    const b = batch('padding');
    const padded = { ...b, logits: b.logits.slice(), initialLogits: b.initialLogits.slice(), labels: b.labels.slice() };
    b.mask.forEach((m, t) => {
      if (m === 0) {
        padded.labels[t] = -100;
        padded.logits.fill(Number.NaN, t * VOCAB, (t + 1) * VOCAB);
        padded.initialLogits.fill(Number.NaN, t * VOCAB, (t + 1) * VOCAB);
      }
    });
    expect(b.mask.includes(0)).toBe(true);
    for (const options of [{ klWeights: weights }, { klWeights: weights, kl: 'k3' }] as SftLossOptions[]) {
      const clean = valueAndGradient(b, options);
      const noisy = valueAndGradient(padded, options);
      expect(noisy.value).toBe(clean.value);
      expect(noisy.gradient).toEqual(clean.gradient);
      b.mask.forEach((m, t) => {
        if (m === 0) expect(Array.from(noisy.gradient.subarray(t * VOCAB, (t + 1) * VOCAB))).toEqual(new Array(VOCAB).fill(0));
      });
    }
  });

  it('returns 0 with a zero gradient for an empty mask', () => {
    const b = { ...batch(), mask: new Array(ROWS * COLUMNS).fill(0) };
    const { value, gradient } = valueAndGradient(b, { klWeights: weights });
    expect(value).toBe(0);
    expect(gradient.every((g) => g === 0)).toBe(true);
  });

  it('leaks no tensors', () => {
    const b = batch();
    const input = tensors(b);
    const before = tf.memory().numTensors;
    for (const options of [{}, { klWeights: weights }, { klWeights: weights, kl: 'k3' }] as SftLossOptions[]) {
      sftLoss(input, options).dispose();
      const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => sftLoss({ ...input, logits: z }, options))(input.logits);
      value.dispose();
      grad.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([input.logits, input.initialLogits]);
  });

  it('does not modify the input tensors', () => {
    const b = batch();
    const input = tensors(b);
    const snapshot = input.logits.dataSync().slice();
    sftLoss(input, { klWeights: weights }).dispose();
    expect(input.logits.dataSync()).toEqual(snapshot);
    tf.dispose([input.logits, input.initialLogits]);
  });

  it('throws for bad shapes and missing inputs', () => {
    const b = batch();
    tf.tidy(() => {
      const input = tensors(b);
      expectAresError(() => sftLoss({ ...input, logits: tf.zeros([4]) }), 'SHAPE_MISMATCH', 'input.logits');
      expectAresError(() => sftLoss({ ...input, logits: tf.zeros([2, 0]), labels: [0, 0], mask: [0, 0] }), 'INVALID_ARGUMENT', 'input.logits');
      expectAresError(() => sftLoss({ ...input, labels: b.labels.slice(1) }), 'SHAPE_MISMATCH', 'input.labels');
      expectAresError(() => sftLoss({ ...input, mask: b.mask.slice(1) }), 'SHAPE_MISMATCH', 'input.mask');
      expectAresError(() => sftLoss({ ...input, mask: b.mask.map(() => 2) }), 'INVALID_ARGUMENT', 'input.mask');
      expectAresError(() => sftLoss({ ...input, labels: b.labels.map(() => VOCAB) }), 'INVALID_ARGUMENT', 'input.labels');
      expectAresError(() => sftLoss({ ...input, initialLogits: tf.zeros([1, 1, VOCAB]) }, { klWeights: weights }), 'SHAPE_MISMATCH', 'input.initialLogits');
      expectAresError(() => sftLoss({ ...input, buckets: ['easy'] }, { klWeights: weights }), 'SHAPE_MISMATCH', 'input.buckets');
      const { initialLogits: _i, ...withoutInitial } = input;
      expectAresError(() => sftLoss(withoutInitial, { klWeights: weights }), 'INVALID_ARGUMENT', 'input.initialLogits');
      expectAresError(() => sftLoss(withoutInitial, { klWeights: weights, kl: 'k1' }), 'INVALID_ARGUMENT', 'input.initialLogProbs');
      expectAresError(() => sftLoss({ ...withoutInitial, initialLogProbs: [0] }, { klWeights: weights, kl: 'k1' }), 'SHAPE_MISMATCH', 'input.initialLogProbs');
      expectAresError(() => sftLoss(input, { kl: 'kl4' as 'k1' }), 'UNSUPPORTED', 'options.kl');
    });
  });
});
