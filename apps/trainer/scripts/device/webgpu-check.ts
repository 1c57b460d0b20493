// GPU check of the trainer foundation on the WebGPU backend (npm `webgpu`, Dawn): setupBackend('webgpu') for
// real, forward/gradient agreement with the cpu backend, KV-cache decoding against full recomputation, tensor
// leaks, and `bench` throughput. Bundled with esbuild and run on a lent GPU machine by run-webgpu-check.sh (see
// shared/gpu/README.md); not part of the test suite. Prints one JSON object per line.
// usage: node webgpu-check.mjs [webgpu|cpu]   (cpu: a dry run of the script's logic on any machine)
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@ares/core';
import { setupBackend } from '../../src/backend';
import { runBench } from '../../src/bench';
import { modelConfig } from '../../src/model/config';
import { disposeParameters, initializeParameters } from '../../src/model/parameters';
import { KvCache, forward, forwardCached, imagePatches } from '../../src/model/transformer';
import { sftStep } from '../../src/training/sft-step';

const emit = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    const error = Math.abs(actual[index]! - expected[index]!) / Math.max(floor, Math.abs(expected[index]!));
    if (!(error <= worst)) worst = error;
  }
  return worst;
}

const config = modelConfig({ vocabSize: 30, width: 32, layers: 2, heads: 4, context: 48, image: { size: 16, patch: 4 } });
const random = createRng(5);
const tokens = Int32Array.from({ length: 4 * 24 }, () => Math.floor(random() * 30));
const images = Float32Array.from({ length: 4 * 256 }, () => (random() < 0.3 ? 1 : 0));

/** Loss value and every gradient, as plain arrays, on the active backend. */
async function valueAndGradients(): Promise<number[][]> {
  const parameters = initializeParameters(config, 'webgpu-check');
  const tensors = tf.tidy(() => {
    const input = { tokens: tf.tensor2d(tokens, [4, 24], 'int32'), patches: imagePatches(images, 4, config) };
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(forward(parameters, config, input))) as tf.Scalar);
    return [value, ...Object.keys(parameters).map((name) => grads[parameters[name]!.name]!)];
  });
  // Asynchronous reads: WebGPU under Node cannot read synchronously (tfjs needs OffscreenCanvas for dataSync).
  const result = await Promise.all(tensors.map(async (tensor) => Array.from(await tensor.data())));
  tf.dispose(tensors);
  disposeParameters(parameters);
  return result;
}

/** One SFT step (SGD, clipped) from the same initial weights: loss and gradient norm. */
async function oneStep(): Promise<{ loss: number; gradientNorm: number }> {
  const parameters = initializeParameters(config, 'sft-check');
  const size = 4 * 24;
  const batch = { batch: 4, length: 24, tokens, targets: Int32Array.from(tokens, (token) => (token * 7 + 3) % 30), mask: new Float32Array(size).fill(1), images };
  const optimizer = tf.train.sgd(0.1);
  const result = await sftStep(parameters, config, optimizer, batch, { maxGradientNorm: 0.5 });
  optimizer.dispose();
  disposeParameters(parameters);
  return result;
}

async function main(): Promise<void> {
  const backend = process.argv[2] === 'cpu' ? 'cpu' : 'webgpu';
  await setupBackend('cpu');
  const reference = await valueAndGradients();
  const referenceStep = await oneStep();
  const started = performance.now();
  const info =
    backend === 'cpu'
      ? await setupBackend('cpu')
      : await setupBackend('webgpu', {
          importModule: async (specifier) =>
            specifier === 'webgpu'
              ? import(/* @vite-ignore */ new URL(process.env['WEBGPU_MODULE'] ?? '../../../../.device/node_modules/webgpu/index.js', import.meta.url).href)
              : import('@tensorflow/tfjs-backend-webgpu'),
        });
  emit({ check: 'setupBackend', info, active: tf.getBackend(), ms: Math.round(performance.now() - started) });
  const before = tf.memory().numTensors;
  const actual = await valueAndGradients();
  emit({ check: 'forward and gradients vs cpu', loss: actual[0]![0], cpuLoss: reference[0]![0], maxRelativeError: Math.max(...actual.map((values, index) => maxRelativeError(values, reference[index]!))) });

  const step = await oneStep();
  emit({ check: 'sftStep vs cpu', loss: step.loss, cpuLoss: referenceStep.loss, gradientNorm: step.gradientNorm, cpuGradientNorm: referenceStep.gradientNorm });

  const parameters = initializeParameters(config, 'kv');
  const fullTensor = tf.tidy(() => forward(parameters, config, { tokens: tf.tensor2d(tokens, [4, 24], 'int32'), patches: imagePatches(images, 4, config) }));
  const full = await fullTensor.data();
  fullTensor.dispose();
  const cache = new KvCache();
  const ids = tf.tensor2d(tokens, [4, 24], 'int32');
  const pieces: Float32Array[] = [];
  const first = tf.slice(ids, [0, 0], [4, 5]);
  const patches = imagePatches(images, 4, config);
  const chunk = forwardCached(parameters, config, { tokens: first, patches }, cache);
  pieces.push((await chunk.data()) as Float32Array);
  tf.dispose([first, patches, chunk]);
  for (let position = 5; position < 24; position++) {
    const step = tf.slice(ids, [0, position], [4, 1]);
    const logits = forwardCached(parameters, config, { tokens: step }, cache);
    pieces.push((await logits.data()) as Float32Array);
    tf.dispose([step, logits]);
  }
  cache.dispose();
  ids.dispose();
  disposeParameters(parameters);
  // Reassemble [4, 24, V] from the chunk [4, 5, V] and 19 steps [4, 1, V].
  const V = config.vocabSize;
  const cached = new Float32Array(4 * 24 * V);
  for (let row = 0; row < 4; row++) {
    cached.set(pieces[0]!.subarray(row * 5 * V, (row + 1) * 5 * V), row * 24 * V);
    for (let step = 1; step < pieces.length; step++) cached.set(pieces[step]!.subarray(row * V, (row + 1) * V), (row * 24 + 4 + step) * V);
  }
  emit({ check: 'KV-cache decoding vs full forward', maxRelativeError: maxRelativeError(cached, full) });
  emit({ check: 'tensor leaks', before, after: tf.memory().numTensors });

  const bench = await runBench(backend === 'cpu' ? { trainSteps: 1, generationRuns: 1, shape: { trainBatch: 4, trainLength: 32, generationBatch: 4, promptLength: 4, newTokens: 8 } } : {});
  emit({ check: 'bench', ...bench, device: info.description });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    emit({ check: 'error', message: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
    process.exit(1);
  },
);

// Build (from apps/trainer, with `webgpu` and `@tensorflow/tfjs-backend-webgpu` 4.22.0 installed under some
// DIR/node_modules outside the workspace):
//   NODE_PATH=DIR/node_modules npx esbuild scripts/device/webgpu-check.ts --bundle --platform=node --format=esm \
//     --target=node20 --alias:@tensorflow/tfjs-core=$PWD/../../node_modules/@tensorflow/tfjs-core \
//     --outfile=node_modules/.cache/device/webgpu-check.mjs \
//     --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
// then carry .device, .gl and apps/trainer/node_modules/.cache/device and run scripts/device/run-webgpu-check.sh.
