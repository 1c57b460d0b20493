// Deliberately without '@ares/testing/setup-tf': this file checks that the loss differentiates with tfjs-core's
// Node entry alone, which registers no op gradients (vitest runs each test file in its own module graph).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expectAllClose, TFJS_CPU } from '@ares/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { sftLoss as sftLossArray } from '../index';
import { sampleBatch } from '../sft-loss-test-utils';
import { sftLoss } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tf sftLoss without registered gradients', () => {
  it('differentiates through its closed-form gradients only', () => {
    expect(tf.getGradient('Select')).toBeUndefined(); // precondition: no registered gradients in this file
    expect(tf.getGradient('Sum')).toBeUndefined();
    const b = sampleBatch(2, 3, 5, 'core');
    const logits = Float64Array.from(Float32Array.from(b.logits));
    const initialLogits = Float64Array.from(Float32Array.from(b.initialLogits));
    for (const kl of ['exact', 'k3'] as const) {
      const options = { klWeights: { easy: 1, medium: 0.5, hard: 2 }, kl };
      const gradient = tf.tidy(() => {
        const initial = tf.tensor3d(Float32Array.from(initialLogits), [2, 3, 5]);
        const f = (z: tf.Tensor) => sftLoss({ logits: z, initialLogits: initial, labels: b.labels, mask: b.mask, buckets: b.buckets }, options);
        return tf.grad(f)(tf.tensor3d(Float32Array.from(logits), [2, 3, 5])).dataSync();
      });
      const step = 1e-5;
      const expected = logits.map((_, index) => {
        const up = logits.slice();
        const down = logits.slice();
        up[index]! += step;
        down[index]! -= step;
        return (sftLossArray({ ...b, logits: up, initialLogits }, options) - sftLossArray({ ...b, logits: down, initialLogits }, options)) / (2 * step);
      });
      expectAllClose(gradient, expected, TFJS_CPU);
    }
  });
});
