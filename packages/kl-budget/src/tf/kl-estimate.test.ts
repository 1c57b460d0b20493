import '@ares/testing/setup-tf';
import { expectAllClose, expectAresError, loadFixture, TFJS_CPU } from '@ares/testing';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { klEstimate as klEstimateArray, KL_ESTIMATORS, type KlEstimator } from '../index';
import { klEstimate } from './index';

interface EstimateCase {
  readonly kind: 'value' | 'value-unclamped' | 'gradient' | 'gradient-unclamped';
  readonly estimator: KlEstimator;
  readonly logProbs: number[];
  readonly refLogProbs: number[];
  readonly expected: number[];
  readonly gradientLogProbs?: number[];
  readonly gradientRefLogProbs?: number[];
}

const fixture = loadFixture<EstimateCase>(new URL('../__fixtures__/kl-estimate.json', import.meta.url));

/** Value and gradients (w.r.t. both inputs) of Σ klEstimate, read back as arrays. */
function valueAndGradients(logProbs: ArrayLike<number>, refLogProbs: ArrayLike<number>, estimator: KlEstimator, clamp = true) {
  return tf.tidy(() => {
    const lp = tf.tensor1d(Array.from(logProbs));
    const ref = tf.tensor1d(Array.from(refLogProbs));
    const value = klEstimate(lp, ref, estimator, { clamp });
    // dy = 1 gives the element-wise derivatives (the op is element-wise).
    const [gradientLogProbs, gradientRefLogProbs] = tf.grads((a: tf.Tensor, b: tf.Tensor) => klEstimate(a, b, estimator, { clamp }))([lp, ref], tf.onesLike(lp));
    return { value: value.dataSync(), gradientLogProbs: gradientLogProbs!.dataSync(), gradientRefLogProbs: gradientRefLogProbs!.dataSync() };
  });
}

describe('tf klEstimate', () => {
  it('agrees with the typed-array klEstimate for every estimator, non-finite data included', () => {
    for (const c of fixture.cases) {
      const clamp = !c.kind.endsWith('unclamped');
      const actual = tf.tidy(() => klEstimate(tf.tensor1d(c.logProbs), tf.tensor1d(c.refLogProbs), c.estimator, { clamp }).dataSync());
      expectAllClose(actual, klEstimateArray(c.logProbs, c.refLogProbs, c.estimator, { clamp }), TFJS_CPU);
      expectAllClose(actual, c.expected, TFJS_CPU);
    }
  });

  it('has the torch autograd gradients, straight-through + variants included', () => {
    const cases = fixture.cases.filter((c) => c.kind.startsWith('gradient'));
    expect(cases.length).toBe(15);
    for (const c of cases) {
      const result = valueAndGradients(c.logProbs, c.refLogProbs, c.estimator, c.kind === 'gradient');
      expectAllClose(result.value, c.expected, TFJS_CPU);
      expectAllClose(result.gradientLogProbs, c.gradientLogProbs!, TFJS_CPU);
      expectAllClose(result.gradientRefLogProbs, c.gradientRefLogProbs!, TFJS_CPU);
    }
  });

  it('has the closed-form k3 gradient 1 − e^δ, and 0 where a clamp is active', () => {
    const deltas = [-15, -11.5, -3, -0.5, 0, 0.7, 2.5, 2.7, 10, 25];
    const result = valueAndGradients(deltas.map(() => 0), deltas, 'k3');
    const clamped = (delta: number) => delta >= 2.611 || delta <= -11;
    expectAllClose(result.gradientLogProbs, deltas.map((d) => (clamped(d) ? 0 : 1 - Math.exp(d))), TFJS_CPU);
    expectAllClose(result.gradientRefLogProbs, deltas.map((d) => (clamped(d) ? 0 : Math.exp(d) - 1)), TFJS_CPU);
  });

  it('gives every + variant the k2 gradient lp − ref and the value of its base estimator', () => {
    const lp = [-0.2, -3, -1, -30, -0.5];
    const ref = [-1, -0.5, -1, -2, -12];
    for (const name of KL_ESTIMATORS.filter((n) => n.endsWith('+'))) {
      const result = valueAndGradients(lp, ref, name);
      expectAllClose(result.gradientLogProbs, lp.map((l, i) => l - ref[i]!), TFJS_CPU);
      expectAllClose(result.gradientRefLogProbs, lp.map((l, i) => ref[i]! - l), TFJS_CPU);
      expectAllClose(result.value, klEstimateArray(lp, ref, name), TFJS_CPU);
    }
  });

  it('matches central finite differences of the float64 function away from kinks and clamps', () => {
    const h = 1e-6;
    fc.assert(
      fc.property(
        fc.constantFrom<KlEstimator>('k1', 'abs', 'k2', 'k3', 'low_var_kl', 'mse', 'kl'),
        fc.array(fc.tuple(fc.double({ min: -8, max: -0.1, noNaN: true }), fc.double({ min: -9, max: 2.5, noNaN: true })), { minLength: 1, maxLength: 6 }),
        (estimator, pairs) => {
          const ref = pairs.map(([r]) => Math.fround(r));
          const lp = pairs.map(([r, delta]) => Math.fround(r - (Math.abs(delta) < 0.01 ? 0.5 : delta)));
          const numeric = lp.map((l, i) => {
            const up = klEstimateArray([l + h], [ref[i]!], estimator)[0]!;
            const down = klEstimateArray([l - h], [ref[i]!], estimator)[0]!;
            return (up - down) / (2 * h);
          });
          expectAllClose(valueAndGradients(lp, ref, estimator).gradientLogProbs, numeric, TFJS_CPU);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps the input shape and returns float32', () => {
    const result = klEstimate(tf.tensor2d([[-1, -2], [-3, -4]]), tf.tensor2d([[-1, -1], [-1, -1]]), 'k2');
    expect(result.shape).toEqual([2, 2]);
    expect(result.dtype).toBe('float32');
    expectAllClose(result.dataSync(), [0, 0.5, 2, 4.5], TFJS_CPU);
    result.dispose();
  });

  it('leaks no tensors', () => {
    const lp = tf.tensor1d([-1, -2, -3]);
    const ref = tf.tensor1d([-2, -2, -2]);
    const ones = tf.onesLike(lp);
    const before = tf.memory().numTensors;
    for (const name of KL_ESTIMATORS) {
      klEstimate(lp, ref, name).dispose();
      tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => klEstimate(a, b, name))([lp, ref], ones));
    }
    klEstimate(lp, ref, 'k3', { clamp: false }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([lp, ref, ones]);
  });

  it('throws UNSUPPORTED for an unknown estimator and SHAPE_MISMATCH for different shapes', () => {
    const before = tf.memory().numTensors;
    const lp = tf.tensor1d([-1, -2]);
    expectAresError(() => klEstimate(lp, lp, 'k5' as KlEstimator), 'UNSUPPORTED', 'estimator');
    const ref = tf.tensor2d([[-1, -2]]);
    expectAresError(() => klEstimate(lp, ref, 'k1'), 'SHAPE_MISMATCH', 'refLogProbs');
    expectAresError(() => klEstimate(lp, lp, 'k3', { clamp: 'yes' as never }), 'INVALID_ARGUMENT', 'options.clamp');
    tf.dispose([lp, ref]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
