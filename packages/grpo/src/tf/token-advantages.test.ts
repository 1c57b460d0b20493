import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import { tokenAdvantages as tokenAdvantagesArrays } from '@ares/grpo';
import { tokenAdvantages } from '@ares/grpo/tf';

describe('tokenAdvantages (tf)', () => {
  const advantages = [0.7, -1.3, 2.25, Number.NaN];
  const mask = [1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0];

  it('agrees with the typed-array function, NaN·0 included', () => {
    const out = tokenAdvantages(tf.tensor1d(advantages), tf.tensor2d(mask, [4, 3]));
    expect(out.shape).toEqual([4, 3]);
    expectAllClose(out.dataSync(), tokenAdvantagesArrays(advantages, mask, 3), TFJS_CPU);
    out.dispose();
  });

  it('differentiates w.r.t. the advantages as the per-row token count', () => {
    const a = tf.tensor1d([0.7, -1.3, 2.25, 1]);
    const m = tf.tensor2d(mask, [4, 3]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tokenAdvantages(x as tf.Tensor1D, m)))(a);
    expectAllClose(grad.dataSync(), [2, 1, 3, 0], TFJS_CPU);
    tf.dispose([a, m, grad]);
  });

  it('leaks no tensors', () => {
    const a = tf.tensor1d(advantages);
    const m = tf.tensor2d(mask, [4, 3]);
    const before = tf.memory().numTensors;
    tokenAdvantages(a, m).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, m]);
  });

  it('throws SHAPE_MISMATCH for wrong ranks or row counts and INVALID_ARGUMENT for non-float advantages', () => {
    const a = tf.tensor1d(advantages);
    const m = tf.tensor2d(mask, [4, 3]);
    const flat = tf.tensor1d(mask) as unknown as tf.Tensor2D;
    const wide = tf.tensor2d(mask, [3, 4]);
    const integers = tf.tensor1d([1, 2, 3, 4], 'int32');
    expectAresError(() => tokenAdvantages(a, flat), 'SHAPE_MISMATCH', 'mask');
    expectAresError(() => tokenAdvantages(a, wide), 'SHAPE_MISMATCH', 'advantages');
    expectAresError(() => tokenAdvantages(integers, m), 'INVALID_ARGUMENT', 'advantages');
    tf.dispose([a, m, flat, wide, integers]);
  });
});
