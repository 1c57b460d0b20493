import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { TFJS_CPU, expectAllClose } from '@ares/testing';
import { setupBackend } from '../backend';
import { modelConfig } from '../model/config';
import { disposeParameters, initializeParameters } from '../model/parameters';
import { forward } from '../model/transformer';
import { Tokenizer } from '../tasks/tokenizer';
import { generateProblems } from '../tasks/problems';
import { teacherTrace } from '../tasks/traces';
import { buildSftBatch, type SftBatch } from './sft-batch';
import { maskedCrossEntropy, sftStep } from './sft-step';

const tokenizer = new Tokenizer();

function traceBatch(count: number, seed: number, length: number): SftBatch {
  const random = createRng(seed);
  const problems = generateProblems(count, seed, { kinds: ['arithmetic'], levels: [1, 2] });
  const examples = problems.map((problem) => ({
    prompt: tokenizer.encode(problem.prompt),
    response: Int32Array.from([...tokenizer.encode(teacherTrace(problem, 'steps', random)), tokenizer.eosId]),
  }));
  return buildSftBatch(examples, length, tokenizer);
}

function batchLoss(parameters: ReturnType<typeof initializeParameters>, config: ReturnType<typeof modelConfig>, batch: SftBatch): number {
  return tf.tidy(() => {
    const logits = forward(parameters, config, { tokens: tf.tensor2d(batch.tokens, [batch.batch, batch.length], 'int32') });
    return maskedCrossEntropy(tf.reshape(logits, [-1, config.vocabSize]) as tf.Tensor2D, tf.tensor1d(batch.targets, 'int32'), tf.tensor1d(batch.mask)).dataSync()[0]!;
  });
}

describe('maskedCrossEntropy', () => {
  it('equals the float64 mean of −ln softmax at the masked targets', () => {
    const logits = [[1, 2, 3], [0, 0, 0], [-5, 5, 0.5], [2, -1, 0]];
    const targets = [2, 0, 0, 1];
    const mask = [1, 1, 0, 1];
    const nll = logits.map((row, r) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[targets[r]!]!);
    const expected = (nll[0]! + nll[1]! + nll[3]!) / 3;
    const value = tf.tidy(() => maskedCrossEntropy(tf.tensor2d(logits), tf.tensor1d(targets, 'int32'), tf.tensor1d(mask)).dataSync()[0]!);
    expectAllClose([value], [expected], TFJS_CPU);
  });

  it('is 0 for an all-zero mask', () => {
    const value = tf.tidy(() => maskedCrossEntropy(tf.tensor2d([[1, 2]]), tf.tensor1d([1], 'int32'), tf.tensor1d([0])).dataSync()[0]!);
    expect(value).toBe(0);
  });
});

describe('sftStep on wasm', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('lowers the held-out loss of a short seeded SFT run on generated traces', async () => {
    const config = modelConfig({ vocabSize: tokenizer.size, width: 48, layers: 2, heads: 2, context: 40, image: null });
    const parameters = initializeParameters(config, 'sft');
    const heldOut = traceBatch(32, 999, 40);
    const before = batchLoss(parameters, config, heldOut);
    const optimizer = tf.train.adam(1e-2);
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) losses.push((await sftStep(parameters, config, optimizer, traceBatch(12, step, 40))).loss);
    const after = batchLoss(parameters, config, heldOut);
    expect(before).toBeGreaterThan(Math.log(tokenizer.size) - 0.3);
    expect(after).toBeLessThan(0.5 * before);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses.slice(0, 5).reduce((a, b) => a + b) / 5);
    optimizer.dispose();
    disposeParameters(parameters);
  });
});

describe('sftStep', () => {
  const config = modelConfig({ vocabSize: tokenizer.size, width: 16, layers: 1, heads: 2, context: 40, image: null });

  it('reports the global gradient norm and clips the update to maxGradientNorm (SGD, rate 1)', async () => {
    const parameters = initializeParameters(config, 1);
    const batch = traceBatch(4, 1, 40);
    const variables = Object.values(parameters);
    const { grads } = tf.variableGrads(() => tf.tidy(() => {
      const logits = forward(parameters, config, { tokens: tf.tensor2d(batch.tokens, [batch.batch, batch.length], 'int32') });
      return maskedCrossEntropy(tf.reshape(logits, [-1, config.vocabSize]) as tf.Tensor2D, tf.tensor1d(batch.targets, 'int32'), tf.tensor1d(batch.mask)) as tf.Scalar;
    }), variables);
    const expectedNorm = Math.sqrt(Object.values(grads).reduce((total, gradient) => total + Array.from(gradient.dataSync()).reduce((s, v) => s + v * v, 0), 0));
    tf.dispose(grads);
    const snapshot = variables.map((variable) => Array.from(variable.dataSync()));
    const optimizer = tf.train.sgd(1);
    const maxGradientNorm = expectedNorm / 4;
    const result = await sftStep(parameters, config, optimizer, batch, { maxGradientNorm });
    expectAllClose([result.gradientNorm], [expectedNorm], TFJS_CPU);
    const step = Math.sqrt(variables.reduce((total, variable, index) => total + Array.from(variable.dataSync()).reduce((s, v, j) => s + (v - snapshot[index]![j]!) ** 2, 0), 0));
    expectAllClose([step], [maxGradientNorm], { rtol: 1e-3, atol: 0 });
    optimizer.dispose();
    disposeParameters(parameters);
  });

  it('leaks no tensors from one step to the next', async () => {
    const parameters = initializeParameters(config, 2);
    const optimizer = tf.train.adam(1e-3);
    const batch = traceBatch(4, 2, 40);
    await sftStep(parameters, config, optimizer, batch);
    const before = tf.memory().numTensors;
    await sftStep(parameters, config, optimizer, batch);
    await sftStep(parameters, config, optimizer, batch, { gatherGradient: 'one-hot' });
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    disposeParameters(parameters);
  });

  it('throws NON_FINITE and leaves the parameters unchanged when the loss is NaN', async () => {
    const parameters = initializeParameters(config, 3);
    tf.tidy(() => parameters['head.weight']!.assign(tf.fill(parameters['head.weight']!.shape, Number.NaN)));
    const snapshot = Array.from(parameters['token.embedding']!.dataSync());
    const optimizer = tf.train.adam(1e-3);
    const before = tf.memory().numTensors;
    await expect(sftStep(parameters, config, optimizer, traceBatch(2, 3, 40))).rejects.toMatchObject({ code: 'NON_FINITE', parameter: 'loss' });
    expect(Array.from(parameters['token.embedding']!.dataSync())).toEqual(snapshot);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    disposeParameters(parameters);
  });

  it('throws INVALID_ARGUMENT for a non-positive maxGradientNorm', async () => {
    const parameters = initializeParameters(config, 4);
    await expect(sftStep(parameters, config, tf.train.sgd(1), traceBatch(2, 4, 40), { maxGradientNorm: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.maxGradientNorm' });
    disposeParameters(parameters);
  });
});
