import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { TFJS_CPU, expectAllClose } from '@ares/testing';
import { BACKEND_NAMES, activateBackend, setupBackend } from './backend';
import { modelConfig } from './model/config';
import { disposeParameters, initializeParameters } from './model/parameters';
import { forward, imagePatches } from './model/transformer';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('setupBackend', () => {
  it('activates the wasm backend by default, with SIMD, single-threaded under Node', async () => {
    const info = await setupBackend();
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toEqual({ name: 'wasm', tfBackend: 'wasm', threads: 1, description: 'wasm (SIMD, 1 thread)' });
  });

  it('runs the model forward and backward on wasm as on cpu, for both attention kernels and both embedding gradients', async () => {
    const config = modelConfig({ vocabSize: 13, width: 16, layers: 2, heads: 2, context: 40, image: { size: 8, patch: 4 } });
    const random = createRng(4);
    const tokens = Int32Array.from({ length: 2 * 20 }, () => Math.floor(random() * 13));
    const images = Float32Array.from({ length: 2 * 64 }, () => random());
    const run = async (backend: 'cpu' | 'wasm', attention: 'split' | 'batched', gatherGradient: 'one-hot' | 'scatter') => {
      await setupBackend(backend);
      const parameters = initializeParameters(config, 'agreement');
      const result = tf.tidy(() => {
        const input = { tokens: tf.tensor2d(tokens, [2, 20], 'int32'), patches: imagePatches(images, 2, config) };
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(forward(parameters, config, input, { attention, gatherGradient }))) as tf.Scalar);
        return [value, ...Object.keys(parameters).map((name) => grads[parameters[name]!.name]!)].map((tensor) => Array.from(tensor.dataSync()));
      });
      disposeParameters(parameters);
      return result;
    };
    const reference = await run('cpu', 'batched', 'one-hot');
    for (const [attention, gatherGradient] of [['split', 'one-hot'], ['batched', 'scatter']] as const) {
      const wasm = await run('wasm', attention, gatherGradient);
      wasm.forEach((values, index) => expectAllClose(values, reference[index]!, TFJS_CPU));
    }
  });

  it('activates the cpu reference backend', async () => {
    expect(await setupBackend('cpu')).toMatchObject({ name: 'cpu', tfBackend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it.each(['webgpu', 'tensorflow', 'tensorflow-gpu'] as const)('throws UNSUPPORTED naming backend when %s is not installed', async (name) => {
    await expect(setupBackend(name)).rejects.toMatchObject({ code: 'UNSUPPORTED', parameter: 'backend', value: name });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('throws UNSUPPORTED for an unknown backend and INVALID_ARGUMENT for bad threads', async () => {
    await expect(setupBackend('webgl' as never)).rejects.toMatchObject({ code: 'UNSUPPORTED', parameter: 'backend' });
    await expect(setupBackend('wasm', { threads: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.threads' });
    expect(BACKEND_NAMES[0]).toBe('wasm');
  });
});

describe('optional backends through the module loader', () => {
  afterEach(async () => {
    for (const name of ['tensorflow', 'webgpu']) if (tf.engine().registryFactory[name] !== undefined) tf.removeBackend(name);
    Reflect.deleteProperty(globalThis, 'navigator');
    await tf.setBackend('cpu');
  });

  it('loads @tensorflow/tfjs-node-gpu on request and checks that tfjs switched to "tensorflow"', async () => {
    const requested: string[] = [];
    const info = await setupBackend('tensorflow-gpu', {
      importModule: async (specifier) => {
        requested.push(specifier);
        tf.registerBackend('tensorflow', () => new MathBackendCPU());
        return {};
      },
    });
    expect(requested).toEqual(['@tensorflow/tfjs-node-gpu']);
    expect(info).toMatchObject({ name: 'tensorflow-gpu', tfBackend: 'tensorflow' });
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('throws UNSUPPORTED when the package loads but registers no backend', async () => {
    await expect(setupBackend('tensorflow', { importModule: async () => ({}) })).rejects.toMatchObject({ code: 'UNSUPPORTED', parameter: 'backend' });
  });

  it('exposes Dawn as navigator.gpu before loading tfjs-backend-webgpu, and reports the adapter', async () => {
    const requested: string[] = [];
    const adapter = { info: { vendor: 'nvidia', architecture: 'hopper', description: 'H100' } };
    const info = await setupBackend('webgpu', {
      importModule: async (specifier) => {
        requested.push(specifier);
        if (specifier === 'webgpu') return { create: () => ({ requestAdapter: async () => adapter }), globals: {} };
        expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeDefined();
        tf.registerBackend('webgpu', () => new MathBackendCPU());
        return {};
      },
    });
    expect(requested).toEqual(['webgpu', '@tensorflow/tfjs-backend-webgpu']);
    expect(info).toMatchObject({ name: 'webgpu', tfBackend: 'webgpu', description: 'webgpu (nvidia hopper H100)' });
  });

  it('throws UNSUPPORTED when WebGPU finds no adapter', async () => {
    const importModule = async () => ({ create: () => ({ requestAdapter: async () => null }) });
    await expect(setupBackend('webgpu', { importModule })).rejects.toMatchObject({ code: 'UNSUPPORTED', parameter: 'backend' });
  });
});

describe('activateBackend', () => {
  afterEach(async () => {
    tf.removeBackend('ares-broken');
    await tf.setBackend('cpu');
  });

  it('throws UNSUPPORTED when a backend fails to initialise, where tfjs silently falls back to another one', async () => {
    await tf.setBackend('cpu');
    tf.registerBackend('ares-broken', () => {
      throw new Error('no device');
    });
    await expect(activateBackend('ares-broken', 'webgpu')).rejects.toMatchObject({ code: 'UNSUPPORTED', parameter: 'backend', value: 'webgpu' });
    expect(tf.getBackend()).not.toBe('ares-broken');
  });
});
