import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import { AGGREGATION_MODES, policyLoss as policyLossArrays, type PolicyLossOptions } from '@ares/grpo';
import { policyLoss } from '@ares/grpo/tf';

const ROWS = 5;
const COLUMNS = 7;

/** A seeded batch whose ratios avoid the clip boundaries (0.8, 1.28, 3) by at least 2%. */
function batch(seed: string) {
  const random = createRng(seed);
  const size = ROWS * COLUMNS;
  const oldLogProbs = new Float32Array(size);
  const logProbs = new Float32Array(size);
  const advantages = new Float32Array(size);
  const mask = new Float32Array(size);
  const lengths = [7, 4, 0, 6, 2];
  for (let row = 0; row < ROWS; row++) {
    const advantage = random() * 4 - 2;
    for (let column = 0; column < COLUMNS; column++) {
      const index = row * COLUMNS + column;
      let ratio: number;
      do ratio = Math.exp(random() * 3.4 - 1.7);
      while ([0.8, 1.28, 3].some((boundary) => Math.abs(ratio / boundary - 1) < 0.02));
      oldLogProbs[index] = -random() * 3;
      logProbs[index] = oldLogProbs[index]! + Math.log(ratio);
      advantages[index] = row === 3 && column % 2 === 0 ? -advantage : advantage;
      mask[index] = column < lengths[row]! ? 1 : 0;
    }
  }
  return { logProbs, oldLogProbs, advantages, mask };
}

type Batch = ReturnType<typeof batch>;

function tensors(data: Batch) {
  return {
    logProbs: tf.tensor2d(data.logProbs, [ROWS, COLUMNS]),
    oldLogProbs: tf.tensor2d(data.oldLogProbs, [ROWS, COLUMNS]),
    advantages: tf.tensor2d(data.advantages, [ROWS, COLUMNS]),
    mask: tf.tensor2d(data.mask, [ROWS, COLUMNS]),
  };
}

function read(result: ReturnType<typeof policyLoss>): number[] {
  const values = [result.loss, result.clipFraction, result.clipFractionLower, result.approxKl].map((t) => t.dataSync()[0]!);
  tf.dispose(Object.values(result));
  return values;
}

/** Gradient of the tfjs loss w.r.t. logProbs. */
function gradient(data: Batch, options: PolicyLossOptions = {}): Float32Array {
  const inputs = tensors(data);
  const grad = tf.grad((x: tf.Tensor) => policyLoss({ ...inputs, logProbs: x as tf.Tensor2D }, options).loss)(inputs.logProbs);
  const values = grad.dataSync() as Float32Array;
  tf.dispose([grad, ...Object.values(inputs)]);
  return values;
}

describe('policyLoss (tf)', () => {
  const data = batch('tf-policy');
  const settings: PolicyLossOptions[] = [
    {},
    { clipLow: 0.1, clipHigh: 0.5, dualClip: 2 },
    { dualClip: Infinity },
    ...AGGREGATION_MODES.map((aggregation) => ({ aggregation })),
    { aggregation: 'seq-mean-token-mean', aggregationOptions: { convention: 'trl' } },
    { aggregation: 'seq-mean-token-sum-norm', aggregationOptions: { legacy: true } },
    { aggregationOptions: { tokenCount: 50 } },
  ];

  it.each(settings.map((options) => [JSON.stringify(options), options] as const))('agrees with the typed-array function: %s', (_name, options) => {
    const inputs = tensors(data);
    const actual = read(policyLoss(inputs, options));
    tf.dispose(Object.values(inputs));
    const expected = policyLossArrays({ ...data, columns: COLUMNS }, options);
    expectAllClose(actual, [expected.loss, expected.clipFraction, expected.clipFractionLower, expected.approxKl], TFJS_CPU);
  });

  it('has the gradient of central finite differences of the float64 function', () => {
    for (const options of [{}, { aggregation: 'seq-mean-token-mean' }, { clipLow: 0.1, clipHigh: 0.5, dualClip: 2 }] as PolicyLossOptions[]) {
      const step = 1e-5;
      const expected = Array.from(data.logProbs, (_value, index) => {
        const plus = Float64Array.from(data.logProbs);
        const minus = Float64Array.from(data.logProbs);
        plus[index]! += step;
        minus[index]! -= step;
        const f = (logProbs: Float64Array) => policyLossArrays({ ...data, logProbs, columns: COLUMNS }, options).loss;
        return (f(plus) - f(minus)) / (2 * step);
      });
      expectAllClose(gradient(data, options), expected, TFJS_CPU);
    }
  });

  it('has the closed-form gradient: −A·r/N inside the range, 0 wherever a clip binds or the mask is 0', () => {
    const grad = gradient(data);
    const tokens = data.mask.reduce((sum, m) => sum + m, 0);
    const expected = Array.from(data.logProbs, (lp, index) => {
      const ratio = Math.exp(lp - data.oldLogProbs[index]!);
      const a = data.advantages[index]!;
      const active = data.mask[index] === 1 && !(a > 0 && ratio > 1.28) && !(a < 0 && ratio < 0.8) && !(a < 0 && ratio > 3);
      return active ? (-a * ratio) / tokens : 0;
    });
    expectAllClose(grad, expected, TFJS_CPU);
    expect(expected.filter((g) => g === 0).length).toBeGreaterThan(data.mask.filter((m) => m === 0).length);
  });

  it('has exactly zero gradient for A > 0 once r > 1 + clipHigh, for A < 0 once r < 1 − clipLow and beyond the dual clip', () => {
    expect(Array.from(singleToken(1.5, 1))).toEqual([0]);
    expect(Array.from(singleToken(0.5, -1))).toEqual([0]);
    expect(Array.from(singleToken(5, -1))).toEqual([0]);
    expectAllClose(singleToken(1.1, 1), [-1.1], TFJS_CPU);
    expectAllClose(singleToken(2, -1), [2], TFJS_CPU);
  });

  it('leaks no tensors, with or without a gradient', () => {
    const inputs = tensors(data);
    const before = tf.memory().numTensors;
    tf.dispose(Object.values(policyLoss(inputs, { aggregation: 'seq-mean-token-sum-norm' })));
    const grad = tf.grad((x: tf.Tensor) => policyLoss({ ...inputs, logProbs: x as tf.Tensor2D }).loss)(inputs.logProbs);
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(inputs));
  });

  it('throws the typed-array errors for options and SHAPE_MISMATCH, INVALID_ARGUMENT, EMPTY_INPUT for tensors', () => {
    const inputs = tensors(data);
    expectAresError(() => policyLoss(inputs, { clipLow: 1 }), 'INVALID_ARGUMENT', 'options.clipLow');
    expectAresError(() => policyLoss(inputs, { aggregation: 'x' as never }), 'UNSUPPORTED', 'options.aggregation');
    const wrong = tf.zeros([ROWS, COLUMNS + 1]) as tf.Tensor2D;
    expectAresError(() => policyLoss({ ...inputs, mask: wrong }), 'SHAPE_MISMATCH', 'input.mask');
    const flat = tf.zeros([ROWS * COLUMNS]) as unknown as tf.Tensor2D;
    expectAresError(() => policyLoss({ ...inputs, logProbs: flat }), 'SHAPE_MISMATCH', 'input.logProbs');
    const integers = tf.zeros([ROWS, COLUMNS], 'int32') as tf.Tensor2D;
    expectAresError(() => policyLoss({ ...inputs, advantages: integers }), 'INVALID_ARGUMENT', 'input.advantages');
    const empty = tf.zeros([0, 3]) as tf.Tensor2D;
    expectAresError(() => policyLoss({ logProbs: empty, oldLogProbs: empty, advantages: empty, mask: empty }), 'EMPTY_INPUT', 'input.logProbs');
    tf.dispose([wrong, flat, integers, empty, ...Object.values(inputs)]);
  });
});

/** Gradient of a one-token batch (ratio r, advantage A, default options). */
function singleToken(ratio: number, advantage: number): Float32Array {
  const logProbs = tf.tensor2d([[Math.log(ratio)]]);
  const constant = { oldLogProbs: tf.tensor2d([[0]]), advantages: tf.tensor2d([[advantage]]), mask: tf.tensor2d([[1]]) };
  const grad = tf.grad((x: tf.Tensor) => policyLoss({ ...constant, logProbs: x as tf.Tensor2D }).loss)(logProbs);
  const values = grad.dataSync() as Float32Array;
  tf.dispose([grad, logProbs, ...Object.values(constant)]);
  return values;
}
