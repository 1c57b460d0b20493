import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { expectAllClose, expectAresError, TFJS_CPU } from '@ares/testing';
import { AGGREGATION_MODES, aggregateLoss as aggregateLossArrays, type AggregateLossOptions, type AggregationMode } from '@ares/grpo';
import { aggregateLoss } from '@ares/grpo/tf';

const ROWS = 4;
const COLUMNS = 6;
const random = createRng('tf-aggregate');
const values = Float32Array.from({ length: ROWS * COLUMNS }, () => random() * 4 - 2);
const lengths = [6, 0, 3, 5];
const mask = Float32Array.from({ length: ROWS * COLUMNS }, (_, index) => (index % COLUMNS < lengths[Math.floor(index / COLUMNS)]! ? 1 : 0));

const optionSets: AggregateLossOptions[] = [{}, { convention: 'trl' }, { tokenCount: 30, sequenceCount: 7, scaleFactor: 11 }, { legacy: true }];

function run(data: Float32Array, mode: AggregationMode, options: AggregateLossOptions = {}): number {
  const loss = aggregateLoss(tf.tensor2d(data, [ROWS, COLUMNS]), tf.tensor2d(mask, [ROWS, COLUMNS]), mode, options);
  const value = loss.dataSync()[0]!;
  loss.dispose();
  return value;
}

/** Gradient w.r.t. the values, through tf.grad. */
function gradient(data: Float32Array, mode: AggregationMode, options: AggregateLossOptions = {}): Float32Array {
  const input = tf.tensor2d(data, [ROWS, COLUMNS]);
  const maskTensor = tf.tensor2d(mask, [ROWS, COLUMNS]);
  const grad = tf.grad((x: tf.Tensor) => aggregateLoss(x as tf.Tensor2D, maskTensor, mode, options))(input);
  const result = grad.dataSync() as Float32Array;
  tf.dispose([grad, input, maskTensor]);
  return result;
}

describe('aggregateLoss (tf)', () => {
  it.each(AGGREGATION_MODES.flatMap((mode) => optionSets.map((options) => [mode, JSON.stringify(options), options] as const)))(
    'agrees with the typed-array function: %s %s',
    (mode, _name, options) => {
      expectAllClose(run(values, mode, options), aggregateLossArrays(values, mask, COLUMNS, mode, options), TFJS_CPU);
    },
  );

  it('leaks NaN from masked-out positions exactly where the typed-array function does', () => {
    const leaky = values.slice();
    leaky[COLUMNS + 2] = Number.NaN; // fully masked row
    leaky[2 * COLUMNS + 4] = Number.NaN; // masked tail of a non-empty row
    for (const mode of AGGREGATION_MODES) {
      for (const options of optionSets) {
        const expected = aggregateLossArrays(leaky, mask, COLUMNS, mode, options);
        const actual = run(leaky, mode, options);
        expect(Number.isNaN(actual)).toBe(Number.isNaN(expected));
        expectAllClose(actual, expected, TFJS_CPU);
      }
    }
  });

  it('has the closed-form gradient (the coefficient of each token)', () => {
    const tokens = 14;
    const nonEmpty = 3;
    const perRow = (row: number) => lengths[row]!;
    const coefficient = (mode: AggregationMode, options: AggregateLossOptions, index: number): number => {
      const row = Math.floor(index / COLUMNS);
      const m = mask[index]!;
      const trl = options.convention === 'trl';
      switch (mode) {
        case 'token-mean':
          return m / tokens;
        case 'token-sum':
          return m;
        case 'seq-mean-token-sum':
          return m / (trl ? ROWS : nonEmpty);
        case 'seq-mean-token-mean':
          return trl ? m / Math.max(perRow(row), 1) / ROWS : m / (perRow(row) + 1e-8) / nonEmpty;
        case 'seq-mean-token-sum-norm':
          return m / ((trl ? ROWS : nonEmpty) * COLUMNS);
      }
    };
    for (const mode of AGGREGATION_MODES) {
      for (const options of [{}, { convention: 'trl' }] as AggregateLossOptions[]) {
        expectAllClose(gradient(values, mode, options), Array.from(values, (_v, index) => coefficient(mode, options, index)), TFJS_CPU);
      }
    }
  });

  it('keeps the gradient finite at masked-out NaN values in the token modes', () => {
    const leaky = values.slice();
    leaky[COLUMNS + 1] = Number.NaN;
    const grad = gradient(leaky, 'token-mean');
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    expect(grad[COLUMNS + 1]).toBe(0);
  });

  it('leaks no tensors', () => {
    const input = tf.tensor2d(values, [ROWS, COLUMNS]);
    const maskTensor = tf.tensor2d(mask, [ROWS, COLUMNS]);
    const before = tf.memory().numTensors;
    for (const mode of AGGREGATION_MODES) for (const options of optionSets) aggregateLoss(input, maskTensor, mode, options).dispose();
    tf.grad((x: tf.Tensor) => aggregateLoss(x as tf.Tensor2D, maskTensor, 'seq-mean-token-mean'))(input).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([input, maskTensor]);
  });

  it('throws UNSUPPORTED, SHAPE_MISMATCH, INVALID_ARGUMENT and EMPTY_INPUT like the typed-array function', () => {
    const input = tf.tensor2d(values, [ROWS, COLUMNS]);
    const maskTensor = tf.tensor2d(mask, [ROWS, COLUMNS]);
    const flat = tf.tensor1d(values) as unknown as tf.Tensor2D;
    const empty = tf.zeros([0, 2]) as tf.Tensor2D;
    expectAresError(() => aggregateLoss(input, maskTensor, 'mean' as never), 'UNSUPPORTED', 'mode');
    expectAresError(() => aggregateLoss(input, maskTensor, 'token-mean', { tokenCount: -1 }), 'INVALID_ARGUMENT', 'options.tokenCount');
    expectAresError(() => aggregateLoss(flat, maskTensor, 'token-mean'), 'SHAPE_MISMATCH', 'values');
    expectAresError(() => aggregateLoss(input, tf.transpose(maskTensor), 'token-mean'), 'SHAPE_MISMATCH', 'mask');
    expectAresError(() => aggregateLoss(empty, empty, 'token-mean'), 'EMPTY_INPUT', 'values');
    tf.dispose([input, maskTensor, flat, empty]);
  });
});
