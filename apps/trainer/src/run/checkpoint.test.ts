import '@ares/testing/setup-tf';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AresError, createRng, rngFromState, type RngState } from '@ares/core';
import { modelConfig, type ModelConfig } from '../model/config';
import { disposeParameters, initializeParameters, parameterShapes, type ModelParameters } from '../model/parameters';
import { buildSftBatch, type SftBatch } from '../training/sft-batch';
import { sftStep } from '../training/sft-step';
import {
  CHECKPOINT_FORMAT_VERSION,
  loadCheckpoint,
  restoreAdam,
  restoreParameters,
  saveCheckpoint,
  saveCheckpointWithHooks,
  type LoadedCheckpoint,
} from './checkpoint';

const config = modelConfig({ vocabSize: 12, width: 8, layers: 1, heads: 2, context: 24, image: { size: 4, patch: 2 } });
const LEARNING_RATE = 0.01;

/** A deterministic batch of 3 rows: 4 prompt and 5 response ids in [2, 12), a 4×4 image each; BOS 0, PAD 1. */
function batch(step: number): SftBatch {
  const random = createRng(`batch-${step}`);
  const id = (): number => 2 + Math.floor(random() * 10);
  const examples = Array.from({ length: 3 }, () => ({
    prompt: Int32Array.from({ length: 4 }, id),
    response: Int32Array.from({ length: 5 }, id),
    image: Float32Array.from({ length: 16 }, () => random()),
  }));
  return buildSftBatch(examples, 12, { bosId: 0, padId: 1 });
}

async function train(parameters: ModelParameters, optimizer: tf.Optimizer, from: number, to: number, modelConfiguration: ModelConfig = config): Promise<void> {
  for (let step = from; step < to; step++) await sftStep(parameters, modelConfiguration, optimizer, batch(step));
}

/** The raw bit patterns, so that equality means bit-identical (−0 ≠ +0, NaN payloads compared). */
function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

function snapshot(parameters: ModelParameters): Record<string, number[]> {
  return Object.fromEntries(Object.entries(parameters).map(([name, variable]) => [name, bits(variable.dataSync() as Float32Array)]));
}

/** tfjs-core 4.22's accBeta after t steps: β (as float32) multiplied by β once per step, each product rounded to float32. */
function runningBetaPower(beta: number, steps: number): number {
  const factor = Math.fround(beta);
  let product = factor;
  for (let step = 0; step < steps; step++) product = Math.fround(product * factor);
  return product;
}

function accumulatedBetas(optimizer: tf.AdamOptimizer): [number, number] {
  const internals = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  return [internals.accBeta1.dataSync()[0]!, internals.accBeta2.dataSync()[0]!];
}

async function rejection(promise: Promise<unknown>): Promise<AresError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!AresError.isInstance(error)) throw new Error(`expected an AresError, got ${String(error)}`);
  return error;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ares-checkpoint-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('saveCheckpoint / loadCheckpoint / restoreAdam', () => {
  it('resumes Adam training bit-identically to an uninterrupted run', async () => {
    const interruptAt = 2;
    const totalSteps = 5;

    const reference = initializeParameters(config, 'resume');
    const referenceOptimizer = tf.train.adam(LEARNING_RATE);
    await train(reference, referenceOptimizer, 0, totalSteps);
    const expected = snapshot(reference);

    const first = initializeParameters(config, 'resume');
    const firstOptimizer = tf.train.adam(LEARNING_RATE);
    await train(first, firstOptimizer, 0, interruptAt);
    const directory = join(root, 'checkpoint');
    await saveCheckpoint(directory, { parameters: first, optimizer: firstOptimizer, state: { step: interruptAt } });
    firstOptimizer.dispose();
    disposeParameters(first);

    // A new process: different initial values, so only the restore can make them right.
    const resumed = initializeParameters(config, 'something else');
    const loaded = await loadCheckpoint(directory);
    restoreParameters(resumed, loaded);
    const resumedOptimizer = restoreAdam(loaded.optimizer!, resumed);
    expect(loaded.state).toEqual({ step: interruptAt });
    await train(resumed, resumedOptimizer, (loaded.state as { step: number }).step, totalSteps);

    expect(snapshot(resumed)).toEqual(expected);
    expect(resumedOptimizer.iterations).toBe(totalSteps);
    expect(accumulatedBetas(resumedOptimizer)).toEqual(accumulatedBetas(referenceOptimizer));

    referenceOptimizer.dispose();
    resumedOptimizer.dispose();
    disposeParameters(reference);
    disposeParameters(resumed);
  });

  it("restores tfjs's float32 running beta powers exactly, which β^(t+1) would miss", async () => {
    const steps = 2;
    const parameters = initializeParameters(config, 'betas');
    const optimizer = tf.train.adam(LEARNING_RATE, 0.9, 0.999);
    await train(parameters, optimizer, 0, steps);
    const expected: [number, number] = [runningBetaPower(0.9, steps), runningBetaPower(0.999, steps)];
    expect(accumulatedBetas(optimizer)).toEqual(expected);
    // The closed form that tfjs's own setWeights uses lands on another float32 here: 0.999³ rounded once.
    expect(Math.fround(0.999 ** (steps + 1))).not.toBe(expected[1]);

    await saveCheckpoint(join(root, 'c'), { parameters, optimizer, state: null });
    const loaded = await loadCheckpoint(join(root, 'c'));
    expect(loaded.optimizer).toMatchObject({ learningRate: LEARNING_RATE, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, iterations: steps, accumulatedBeta1: expected[0], accumulatedBeta2: expected[1] });
    const restored = restoreAdam(loaded.optimizer!, parameters);
    expect(accumulatedBetas(restored)).toEqual(expected);
    expect(restored.iterations).toBe(steps);
    expect(restored.getConfig()).toEqual(optimizer.getConfig());

    optimizer.dispose();
    restored.dispose();
    disposeParameters(parameters);
  });

  it('continues bit-identically when restored without the parameters (saved slot order kept)', async () => {
    const reference = initializeParameters(config, 'positional');
    const referenceOptimizer = tf.train.adam(LEARNING_RATE);
    await train(reference, referenceOptimizer, 0, 3);
    const expected = snapshot(reference);

    const first = initializeParameters(config, 'positional');
    const firstOptimizer = tf.train.adam(LEARNING_RATE);
    await train(first, firstOptimizer, 0, 1);
    await saveCheckpoint(join(root, 'c'), { parameters: first, optimizer: firstOptimizer, state: null });
    firstOptimizer.dispose();
    disposeParameters(first);

    const resumed = initializeParameters(config, 'positional-2');
    const loaded = await loadCheckpoint(join(root, 'c'));
    restoreParameters(resumed, loaded);
    const resumedOptimizer = restoreAdam(loaded.optimizer!);
    await train(resumed, resumedOptimizer, 1, 2);
    // Its slots are named after parameters, not tfjs variables; saving it again must still work.
    await saveCheckpoint(join(root, 'c'), { parameters: resumed, optimizer: resumedOptimizer, state: null });
    await train(resumed, resumedOptimizer, 2, 3);
    expect(snapshot(resumed)).toEqual(expected);
    const again = await loadCheckpoint(join(root, 'c'));
    expect(again.optimizer!.variables.map((variable) => variable.name)).toEqual(loaded.optimizer!.variables.map((variable) => variable.name));

    referenceOptimizer.dispose();
    resumedOptimizer.dispose();
    disposeParameters(reference);
    disposeParameters(resumed);
  });

  it('writes little-endian float32 files in parameter order, described by the manifest with sha256s', async () => {
    const parameters = initializeParameters(config, 'layout');
    const optimizer = tf.train.adam(LEARNING_RATE);
    await train(parameters, optimizer, 0, 1);
    const directory = join(root, 'c');
    await saveCheckpoint(directory, { parameters, optimizer, state: { note: 'layout' } });

    expect(readdirSync(directory).sort()).toEqual(['manifest.json', 'optimizer.bin', 'state.json', 'weights.bin']);
    const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));
    expect(manifest.version).toBe(CHECKPOINT_FORMAT_VERSION);
    const weights = readFileSync(join(directory, 'weights.bin'));
    expect(manifest.weights.sha256).toBe(createHash('sha256').update(weights).digest('hex'));
    const names = [...parameterShapes(config).keys()];
    expect(manifest.weights.tensors.map((tensor: { name: string }) => tensor.name)).toEqual(names);

    // Decode by hand with DataView (explicitly little-endian), walking the parameters in order.
    const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
    let offset = 0;
    for (const [name, variable] of Object.entries(parameters)) {
      const values = variable.dataSync();
      const entry = manifest.weights.tensors.find((tensor: { name: string }) => tensor.name === name);
      expect(entry).toEqual({ name, shape: variable.shape, byteOffset: offset, byteLength: 4 * values.length });
      for (let index = 0; index < values.length; index++) expect(view.getFloat32(offset + 4 * index, true)).toBe(values[index]);
      offset += 4 * values.length;
    }
    expect(offset).toBe(weights.byteLength);

    const optimizerBytes = readFileSync(join(directory, 'optimizer.bin'));
    expect(manifest.optimizer.sha256).toBe(createHash('sha256').update(optimizerBytes).digest('hex'));
    expect(manifest.optimizer.tensors.map((tensor: { name: string }) => tensor.name)).toEqual([...names.map((name) => `${name}/m`), ...names.map((name) => `${name}/v`)]);
    expect(manifest.optimizer.byteLength).toBe(2 * weights.byteLength);
    expect(readFileSync(join(directory, 'state.json'), 'utf8')).toBe('{"note":"layout"}');

    optimizer.dispose();
    disposeParameters(parameters);
  });

  it('round-trips the caller state, e.g. an RNG that then continues its sequence', async () => {
    const parameters = initializeParameters(config, 'state');
    const random = createRng(99);
    random();
    random();
    await saveCheckpoint(join(root, 'c'), { parameters, state: { step: 7, rng: random.state(), nested: { list: [1, 'two', null] } } });
    const expected = [random(), random(), random()];
    const loaded = await loadCheckpoint(join(root, 'c'));
    const state = loaded.state as { step: number; rng: RngState; nested: unknown };
    expect(state.step).toBe(7);
    expect(state.nested).toEqual({ list: [1, 'two', null] });
    const resumed = rngFromState(state.rng);
    expect([resumed(), resumed(), resumed()]).toEqual(expected);
    expect(loaded.optimizer).toBeNull();
    expect(existsSync(join(root, 'c', 'optimizer.bin'))).toBe(false);
    disposeParameters(parameters);
  });

  it('replaces an existing checkpoint and leaves no temporary or old copies behind', async () => {
    const parameters = initializeParameters(config, 'replace');
    const directory = join(root, 'c');
    await saveCheckpoint(directory, { parameters, state: { version: 1 } });
    await saveCheckpoint(directory, { parameters, state: { version: 2 } });
    expect((await loadCheckpoint(directory)).state).toEqual({ version: 2 });
    expect(readdirSync(root)).toEqual(['c']);
    disposeParameters(parameters);
  });

  it('creates, saves and loads without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const parameters = initializeParameters(config, 'leaks');
    const optimizer = tf.train.adam(LEARNING_RATE);
    await train(parameters, optimizer, 0, 1);
    const afterTraining = tf.memory().numTensors;
    await saveCheckpoint(join(root, 'c'), { parameters, optimizer, state: null });
    const loaded = await loadCheckpoint(join(root, 'c'));
    expect(tf.memory().numTensors).toBe(afterTraining);
    restoreParameters(parameters, loaded);
    expect(tf.memory().numTensors).toBe(afterTraining);
    const restored = restoreAdam(loaded.optimizer!, parameters);
    await train(parameters, restored, 1, 2);
    restored.dispose();
    optimizer.dispose();
    disposeParameters(parameters);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadCheckpoint validation', () => {
  let directory: string;
  let parameters: ModelParameters;
  beforeEach(async () => {
    directory = join(root, 'c');
    parameters = initializeParameters(config, 'validation');
    const optimizer = tf.train.adam(LEARNING_RATE);
    await train(parameters, optimizer, 0, 1);
    await saveCheckpoint(directory, { parameters, optimizer, state: { step: 1 } });
    optimizer.dispose();
  });
  afterEach(() => {
    disposeParameters(parameters);
  });

  function flipByte(file: string, index: number): void {
    const bytes = readFileSync(join(directory, file));
    bytes[index] = bytes[index]! ^ 0x01;
    writeFileSync(join(directory, file), bytes);
  }

  it('throws INVALID_STATE naming weights.bin when one bit of it changed (sha256 mismatch)', async () => {
    flipByte('weights.bin', 100);
    const error = await rejection(loadCheckpoint(directory));
    expect([error.code, error.parameter]).toEqual(['INVALID_STATE', 'weights.bin']);
  });

  it('throws INVALID_STATE naming weights.bin when it is truncated', async () => {
    const size = readFileSync(join(directory, 'weights.bin')).byteLength;
    truncateSync(join(directory, 'weights.bin'), size - 4);
    const error = await rejection(loadCheckpoint(directory));
    expect([error.code, error.parameter]).toEqual(['INVALID_STATE', 'weights.bin']);
  });

  it('throws INVALID_STATE naming optimizer.bin when it is corrupted', async () => {
    flipByte('optimizer.bin', 7);
    const error = await rejection(loadCheckpoint(directory));
    expect([error.code, error.parameter]).toEqual(['INVALID_STATE', 'optimizer.bin']);
  });

  it('throws INVALID_STATE naming manifest.json when it is truncated', async () => {
    const text = readFileSync(join(directory, 'manifest.json'), 'utf8');
    writeFileSync(join(directory, 'manifest.json'), text.slice(0, Math.floor(text.length / 2)));
    const error = await rejection(loadCheckpoint(directory));
    expect([error.code, error.parameter]).toEqual(['INVALID_STATE', 'manifest.json']);
  });

  it('throws INVALID_STATE naming manifest.json for another format version or inconsistent offsets', async () => {
    const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));
    writeFileSync(join(directory, 'manifest.json'), JSON.stringify({ ...manifest, version: CHECKPOINT_FORMAT_VERSION + 1 }));
    const versionError = await rejection(loadCheckpoint(directory));
    expect([versionError.code, versionError.parameter]).toEqual(['INVALID_STATE', 'manifest.json']);

    manifest.weights.tensors[1].byteOffset += 4;
    writeFileSync(join(directory, 'manifest.json'), JSON.stringify(manifest));
    const offsetError = await rejection(loadCheckpoint(directory));
    expect([offsetError.code, offsetError.parameter]).toEqual(['INVALID_STATE', 'manifest.json']);
  });

  it('throws INVALID_STATE naming the file when state.json or the manifest is missing', async () => {
    unlinkSync(join(directory, 'state.json'));
    const stateError = await rejection(loadCheckpoint(directory));
    expect([stateError.code, stateError.parameter]).toEqual(['INVALID_STATE', 'state.json']);
    unlinkSync(join(directory, 'manifest.json'));
    const manifestError = await rejection(loadCheckpoint(directory));
    expect([manifestError.code, manifestError.parameter]).toEqual(['INVALID_STATE', 'manifest.json']);
  });

  it('throws IO naming the directory when there is no checkpoint', async () => {
    const error = await rejection(loadCheckpoint(join(root, 'nothing-here')));
    expect([error.code, error.parameter]).toEqual(['IO', 'directory']);
  });
});

describe('restoreParameters / restoreAdam checks', () => {
  let loaded: LoadedCheckpoint;
  beforeEach(async () => {
    const parameters = initializeParameters(config, 'checks');
    const optimizer = tf.train.adam(LEARNING_RATE);
    await train(parameters, optimizer, 0, 1);
    await saveCheckpoint(join(root, 'c'), { parameters, optimizer, state: null });
    optimizer.dispose();
    disposeParameters(parameters);
    loaded = await loadCheckpoint(join(root, 'c'));
  });

  it('throws SHAPE_MISMATCH naming the parameter when a shape differs, and assigns nothing', () => {
    const wider = modelConfig({ vocabSize: 13, width: 8, layers: 1, heads: 2, context: 24, image: { size: 4, patch: 2 } });
    const parameters = initializeParameters(wider, 'wider');
    const before = snapshot(parameters);
    let error: unknown;
    try {
      restoreParameters(parameters, loaded);
    } catch (thrown) {
      error = thrown;
    }
    expect(AresError.isInstance(error) && [error.code, error.parameter]).toEqual(['SHAPE_MISMATCH', 'token.embedding']);
    expect(snapshot(parameters)).toEqual(before);
    disposeParameters(parameters);
  });

  it('throws SHAPE_MISMATCH naming a parameter missing on either side', () => {
    const deeper = initializeParameters(modelConfig({ vocabSize: 12, width: 8, layers: 2, heads: 2, context: 24, image: { size: 4, patch: 2 } }), 'deeper');
    expect(() => restoreParameters(deeper, loaded)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', parameter: 'layer1.attention.norm.scale' }));
    const textOnly = initializeParameters(modelConfig({ vocabSize: 12, width: 8, layers: 1, heads: 2, context: 24, image: null }), 'text');
    expect(() => restoreParameters(textOnly, loaded)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', parameter: 'image.patch.weight' }));
    expect(() => restoreAdam(loaded.optimizer!, deeper)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', parameter: 'optimizer.variables' }));
    disposeParameters(deeper);
    disposeParameters(textOnly);
  });

  it('assigns the saved values exactly', () => {
    const parameters = initializeParameters(config, 'fresh');
    restoreParameters(parameters, loaded);
    for (const [name, variable] of Object.entries(parameters)) expect(bits(variable.dataSync() as Float32Array)).toEqual(bits(loaded.parameters[name]!.values));
    disposeParameters(parameters);
  });
});

describe('crash safety', () => {
  class SimulatedCrash extends Error {}
  const crash = (): never => {
    throw new SimulatedCrash('crash');
  };

  async function setUp(): Promise<{ directory: string; old: ModelParameters; next: ModelParameters }> {
    const directory = join(root, 'c');
    const old = initializeParameters(config, 'old');
    const next = initializeParameters(config, 'new');
    await saveCheckpoint(directory, { parameters: old, state: { which: 'old' } });
    return { directory, old, next };
  }

  async function expectLoads(directory: string, parameters: ModelParameters, which: string): Promise<void> {
    const loaded = await loadCheckpoint(directory);
    expect(loaded.state).toEqual({ which });
    for (const [name, variable] of Object.entries(parameters)) expect(bits(loaded.parameters[name]!.values)).toEqual(bits(variable.dataSync() as Float32Array));
  }

  it('keeps the old checkpoint when the save stops after writing the temporary directory', async () => {
    const { directory, old, next } = await setUp();
    await expect(saveCheckpointWithHooks(directory, { parameters: next, state: { which: 'new' } }, { afterTemporaryWritten: crash })).rejects.toBeInstanceOf(SimulatedCrash);
    expect(readdirSync(root).filter((entry) => entry.startsWith('.c.tmp-'))).toHaveLength(1);
    await expectLoads(directory, old, 'old');
    // The next save cleans the leftover and succeeds.
    await saveCheckpoint(directory, { parameters: next, state: { which: 'new' } });
    await expectLoads(directory, next, 'new');
    expect(readdirSync(root)).toEqual(['c']);
    disposeParameters(old);
    disposeParameters(next);
  });

  it('loads the renamed-aside old checkpoint when the save stops between its two renames', async () => {
    const { directory, old, next } = await setUp();
    await expect(saveCheckpointWithHooks(directory, { parameters: next, state: { which: 'new' } }, { afterOldMovedAside: crash })).rejects.toBeInstanceOf(SimulatedCrash);
    expect(existsSync(directory)).toBe(false);
    await expectLoads(directory, old, 'old');
    // Loading changes nothing on disk; the next save restores the old copy first, then replaces it.
    expect(existsSync(directory)).toBe(false);
    await saveCheckpoint(directory, { parameters: next, state: { which: 'new' } });
    await expectLoads(directory, next, 'new');
    expect(readdirSync(root)).toEqual(['c']);
    disposeParameters(old);
    disposeParameters(next);
  });

  it('loads the new checkpoint when the save stops before removing the old one', async () => {
    const { directory, old, next } = await setUp();
    await expect(saveCheckpointWithHooks(directory, { parameters: next, state: { which: 'new' } }, { afterNewMovedIn: crash })).rejects.toBeInstanceOf(SimulatedCrash);
    expect(readdirSync(root).sort()).toEqual(['.c.old', 'c']);
    await expectLoads(directory, next, 'new');
    await saveCheckpoint(directory, { parameters: old, state: { which: 'old' } });
    await expectLoads(directory, old, 'old');
    expect(readdirSync(root)).toEqual(['c']);
    disposeParameters(old);
    disposeParameters(next);
  });

  it('rejects state that JSON cannot hold with INVALID_ARGUMENT and writes nothing', async () => {
    const parameters = initializeParameters(config, 'bad-state');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const error = await rejection(saveCheckpoint(join(root, 'c'), { parameters, state: cyclic }));
    expect([error.code, error.parameter]).toEqual(['INVALID_ARGUMENT', 'checkpoint.state']);
    expect(readdirSync(root)).toEqual([]);
    disposeParameters(parameters);
  });
});
