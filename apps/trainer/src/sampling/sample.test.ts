import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { TFJS_CPU, expectAllClose } from '@ares/testing';
import { modelConfig } from '../model/config';
import { disposeParameters, initializeParameters, type ModelParameters } from '../model/parameters';
import { forward, imagePatches } from '../model/transformer';
import { drawToken, sampleSequences } from './sample';

describe('drawToken', () => {
  const logits = new Float32Array([9, Math.log(0.5), Math.log(0.2), Math.log(0.3)]);
  const draw = (u: number, temperature = 1, topP = 1) => drawToken(logits, 1, 3, temperature, topP, u, new Float64Array(3), [0, 0, 0]);

  it('maps the uniform draw through the descending cumulative distribution', () => {
    // Probabilities 0.5, 0.2, 0.3 sorted: token 0 (0.5), token 2 (0.3), token 1 (0.2).
    expect([0, 0.49, 0.51, 0.79, 0.81, 0.999].map((u) => draw(u))).toEqual([0, 0, 2, 2, 1, 1]);
  });

  it('keeps the smallest nucleus reaching topP and renormalises inside it', () => {
    // topP 0.7: nucleus {0, 2} with mass 0.8; u·0.8 < 0.5 → token 0, else token 2; token 1 never.
    expect([0, 0.6, 0.63, 0.99].map((u) => draw(u, 1, 0.7))).toEqual([0, 0, 2, 2]);
    expect([0, 0.5, 0.99].map((u) => draw(u, 1, 0.1))).toEqual([0, 0, 0]);
  });

  it('applies the temperature before the cumulative distribution', () => {
    // T = 0.5 squares the probabilities: 0.25, 0.04, 0.09 over 0.38.
    expect(draw(0.25 / 0.38 - 1e-6, 0.5)).toBe(0);
    expect(draw(0.25 / 0.38 + 1e-6, 0.5)).toBe(2);
    expect(draw(0.34 / 0.38 + 1e-6, 0.5)).toBe(1);
  });
});

describe('sampleSequences', () => {
  const config = modelConfig({ vocabSize: 9, width: 16, layers: 2, heads: 2, context: 24, image: { size: 4, patch: 2 } });
  let parameters: ModelParameters;
  beforeAll(() => {
    parameters = initializeParameters(config, 5);
    // Larger weights than the default initialisation, so that the distribution is far from uniform.
    const random = createRng(6);
    for (const variable of Object.values(parameters)) tf.tidy(() => variable.assign(tf.tensor(Float32Array.from({ length: variable.size }, () => random() * 2 - 1), variable.shape)));
  });
  afterAll(() => disposeParameters(parameters));

  const prompts = [[1, 4, 5], [1, 3], [1, 6, 7, 8]];
  const random = createRng(1);
  const images = prompts.map(() => Float32Array.from({ length: 16 }, () => (random() < 0.5 ? 1 : 0)));

  it('records per token the entropy and log-probability that a full forward pass gives for the same sequence', async () => {
    const temperature = 0.7;
    const result = await sampleSequences(parameters, config, { prompts, images }, { maxNewTokens: 6, temperature, topP: 0.9, random: createRng(2) });
    for (let row = 0; row < prompts.length; row++) {
      const generated = Array.from(result.tokens[row]!);
      expect(generated.length).toBe(6);
      const sequence = [...prompts[row]!, ...generated];
      const logits = tf.tidy(() => forward(parameters, config, { tokens: tf.tensor2d(sequence, [1, sequence.length], 'int32'), patches: imagePatches(images[row]!, 1, config) }).arraySync() as number[][][]);
      const expectedEntropies: number[] = [];
      const expectedLogProbabilities: number[] = [];
      generated.forEach((token, index) => {
        const z = logits[0]![prompts[row]!.length - 1 + index]!.map((value) => value / temperature);
        const top = Math.max(...z);
        const logSum = top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
        const p = z.map((v) => Math.exp(v - logSum));
        expectedEntropies.push(-p.reduce((s, pj, j) => s + pj * (z[j]! - logSum), 0));
        expectedLogProbabilities.push(z[token]! - logSum);
      });
      expectAllClose(result.entropies[row]!, expectedEntropies, TFJS_CPU);
      expectAllClose(result.logProbabilities[row]!, expectedLogProbabilities, TFJS_CPU);
    }
  });

  it('is deterministic for a seeded random source and varies with the seed', async () => {
    const run = (seed: number) => sampleSequences(parameters, config, { prompts }, { maxNewTokens: 8, random: createRng(seed) }).then((r) => r.tokens.map((t) => Array.from(t)));
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });

  it('ends a row at the stop token and keeps it', async () => {
    const result = await sampleSequences(parameters, config, { prompts }, { maxNewTokens: 20, stopToken: 2, random: createRng(7) });
    for (let row = 0; row < prompts.length; row++) {
      const tokens = Array.from(result.tokens[row]!);
      const stop = tokens.indexOf(2);
      if (result.stopped[row]) expect(stop).toBe(tokens.length - 1);
      else expect(stop === -1 && tokens.length === 20).toBe(true);
      expect(result.entropies[row]!.length).toBe(tokens.length);
    }
    expect(result.stopped.some(Boolean)).toBe(true);
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await sampleSequences(parameters, config, { prompts, images }, { maxNewTokens: 4 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws for empty prompts, a bad temperature or topP, too many tokens, or missing images', async () => {
    await expect(sampleSequences(parameters, config, { prompts: [] }, { maxNewTokens: 1 })).rejects.toMatchObject({ code: 'EMPTY_INPUT', parameter: 'input.prompts' });
    await expect(sampleSequences(parameters, config, { prompts: [[]] }, { maxNewTokens: 1 })).rejects.toMatchObject({ code: 'EMPTY_INPUT', parameter: 'input.prompts' });
    await expect(sampleSequences(parameters, config, { prompts }, { maxNewTokens: 1, temperature: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.temperature' });
    await expect(sampleSequences(parameters, config, { prompts }, { maxNewTokens: 1, topP: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.topP' });
    await expect(sampleSequences(parameters, config, { prompts, images }, { maxNewTokens: 18 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.maxNewTokens' });
    await expect(sampleSequences(parameters, config, { prompts, images: images.slice(1) }, { maxNewTokens: 1 })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', parameter: 'input.images' });
  });
});
