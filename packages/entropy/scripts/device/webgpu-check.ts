// GPU check of the tfjs twins on the WebGPU backend (npm `webgpu`, Dawn): agreement with the typed-array
// functions, gradients against closed forms, tensor leaks, and entropy throughput against the plain
// logSoftmax formula measured in the same run. Bundled with esbuild and run on the lent GPU machine
// (see ../../../../../shared/gpu/README.md); not part of the test suite. Prints one JSON object per line.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@ares/core';
import { tokenEntropy, logProbabilities, windowEntropy, topKEntropy } from '../../src/index';
import * as etf from '../../src/tf/index';
import { policyLoss } from '../../../grpo/src/index';
import * as gtf from '../../../grpo/src/tf/index';
import { klEstimate } from '../../../kl-budget/src/index';
import * as ktf from '../../../kl-budget/src/tf/index';

const emit = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    const error = Math.abs(actual[index]! - expected[index]!) / Math.max(floor, Math.abs(expected[index]!));
    if (!(error <= worst)) worst = error;
  }
  return worst;
}

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'webgpu';
  if (backend === 'webgpu') {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    (globalThis as { navigator?: unknown }).navigator = { gpu: create([]) };
    await import('@tensorflow/tfjs-backend-webgpu');
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  const ok = await tf.setBackend(backend);
  await tf.ready();
  emit({ check: 'backend', requested: backend, ok, active: tf.getBackend() });
  if (tf.getBackend() !== backend) process.exit(1);

  const random = createRng(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const before = tf.memory().numTensors;

  // Agreement on 256 × 5000 logits (scale 3) at T = 0.7.
  const rows = 256;
  const vocab = 5000;
  const logits = Float32Array.from({ length: rows * vocab }, () => 3 * gaussian());
  const labels = Array.from({ length: rows }, () => Math.floor(random() * vocab));
  const logitsTensor = tf.tensor2d(logits, [rows, vocab]);
  const entropyTensor = etf.tokenEntropy(logitsTensor, { temperature: 0.7 });
  const reference = tokenEntropy(logits, vocab, { temperature: 0.7, kernel: 'js' });
  emit({ check: 'tokenEntropy agreement', rows, vocab, maxRelativeError: maxRelativeError(await entropyTensor.data(), reference) });
  const lpTensor = etf.logProbabilities(logitsTensor, labels, { temperature: 0.7 });
  emit({ check: 'logProbabilities agreement', maxRelativeError: maxRelativeError(await lpTensor.data(), logProbabilities(logits, vocab, labels, { temperature: 0.7 })) });
  const entropies = Array.from(reference);
  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(tensor: T): T => (owned.push(tensor), tensor);
  const windowTensor = etf.windowEntropy(own(tf.tensor1d(entropies)), { window: 4 });
  emit({ check: 'windowEntropy agreement', maxRelativeError: maxRelativeError(await windowTensor.data(), windowEntropy(entropies, { window: 4 })) });
  const top = [Math.log(0.5), Math.log(0.3), Math.log(0.1)];
  const topTensors = etf.topKEntropy(own(tf.tensor2d([top], [1, 3])), { vocabSize: 1000 });
  const topReference = topKEntropy(top, { vocabSize: 1000 });
  emit({ check: 'topKEntropy agreement', lower: [(await topTensors.lower.data())[0], topReference.lower], upper: [(await topTensors.upper.data())[0], topReference.upper] });

  // Gradient of Σ H(z / T) against the closed form dH/dz_j = −p_j (ln p_j + H) / T, on the first 16 rows.
  const small = tf.slice(logitsTensor, [0, 0], [16, vocab]);
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(etf.tokenEntropy(x, { temperature: 0.7 })))(small);
  const gradientValues = await gradient.data();
  const closedForm = new Float64Array(16 * vocab);
  for (let row = 0; row < 16; row++) {
    let max = -Infinity;
    for (let j = 0; j < vocab; j++) max = Math.max(max, logits[row * vocab + j]! / 0.7);
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += Math.exp(logits[row * vocab + j]! / 0.7 - max);
    const h = reference[row]!;
    for (let j = 0; j < vocab; j++) {
      const logP = logits[row * vocab + j]! / 0.7 - max - Math.log(sum);
      closedForm[row * vocab + j] = (-Math.exp(logP) * (logP + h)) / 0.7;
    }
  }
  let gradientError = 0;
  for (let index = 0; index < closedForm.length; index++) gradientError = Math.max(gradientError, Math.abs(gradientValues[index]! - closedForm[index]!));
  emit({ check: 'tokenEntropy gradient vs closed form', maxAbsoluteError: gradientError });

  // GRPO policy loss and KL on 64 × 512 tokens.
  const tokens = 64 * 512;
  const lp = Float32Array.from({ length: tokens }, () => -1 - random());
  const old = Float32Array.from(lp, (value) => value + 0.3 * gaussian());
  const advantages = Float32Array.from({ length: tokens }, (_, index) => (Math.floor(index / 512) % 2 === 0 ? 1 : -1) * random());
  const mask = Float32Array.from({ length: tokens }, () => (random() < 0.9 ? 1 : 0));
  const pure = policyLoss({ logProbs: lp, oldLogProbs: old, advantages, mask, columns: 512 });
  const tensorResult = gtf.policyLoss({ logProbs: own(tf.tensor2d(lp, [64, 512])), oldLogProbs: own(tf.tensor2d(old, [64, 512])), advantages: own(tf.tensor2d(advantages, [64, 512])), mask: own(tf.tensor2d(mask, [64, 512])) });
  emit({ check: 'policyLoss agreement', pure: pure.loss, webgpu: (await (tensorResult as unknown as { loss: tf.Tensor }).loss.data())[0] });
  tf.dispose(tensorResult as unknown as tf.TensorContainer);
  const k3 = ktf.klEstimate(own(tf.tensor1d(lp)), own(tf.tensor1d(old)), 'k3');
  emit({ check: 'klEstimate k3 agreement', maxRelativeError: maxRelativeError(await k3.data(), klEstimate(lp, old, 'k3'), 1e-4) });

  tf.dispose([logitsTensor, entropyTensor, lpTensor, windowTensor, topTensors.plain, topTensors.lower, topTensors.upper, topTensors.tailMass, small, gradient, k3, ...owned]);
  emit({ check: 'leaks', tensorsBefore: before, tensorsAfter: tf.memory().numTensors });

  // Throughput on 4096 × 32,000 float32 logits resident on the device: our twin vs the plain formula.
  const big = tf.randomNormal([4096, 32_000], 0, 3) as tf.Tensor2D;
  const plain = (x: tf.Tensor2D) => tf.tidy(() => { const l = tf.logSoftmax(x); return tf.neg(tf.sum(tf.mul(tf.exp(l), l), -1)); });
  for (const [name, fn] of [['plain logSoftmax formula (baseline)', plain], ['@ares/entropy/tf tokenEntropy', (x: tf.Tensor2D) => etf.tokenEntropy(x)]] as const) {
    const times: number[] = [];
    for (let repetition = 0; repetition < 8; repetition++) {
      const start = performance.now();
      const h = fn(big);
      await h.data();
      h.dispose();
      times.push(performance.now() - start);
    }
    times.splice(0, 3);
    times.sort((a, b) => a - b);
    emit({ check: 'throughput', impl: name, medianMs: Number(times[2]!.toFixed(2)), GBps: Number(((4096 * 32_000 * 4) / times[2]! / 1e6).toFixed(1)) });
  }
  big.dispose();
  process.exit(0);
}

main().catch((error: unknown) => {
  emit({ check: 'error', message: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
