/**
 * Throughput of `policyLoss` on a 512 × 4096 batch (float32 inputs, as a trainer holds them), next to a baseline
 * measured in the same run: one masked pass over the same four arrays (Σ_{M=1} (lp − old)·A), i.e. the memory
 * traffic without the clipping arithmetic. Run with `npm run bench` (bundled by esbuild, run by node).
 */
import { createRng } from '@ares/core';
import { policyLoss } from '../src/index';

const ROWS = 512;
const COLUMNS = 4096;
const TOKENS = ROWS * COLUMNS;
const WARMUP = 3;
const REPEATS = 15;

function batch() {
  const random = createRng('grpo-bench');
  const logProbs = new Float32Array(TOKENS);
  const oldLogProbs = new Float32Array(TOKENS);
  const advantages = new Float32Array(TOKENS);
  const mask = new Float32Array(TOKENS);
  for (let row = 0; row < ROWS; row++) {
    const length = 256 + Math.floor(random() * (COLUMNS - 256));
    const advantage = random() * 4 - 2;
    for (let column = 0; column < COLUMNS; column++) {
      const index = row * COLUMNS + column;
      oldLogProbs[index] = -random() * 4;
      logProbs[index] = oldLogProbs[index]! + (random() - 0.5) * 0.8;
      advantages[index] = advantage;
      mask[index] = column < length ? 1 : 0;
    }
  }
  return { logProbs, oldLogProbs, advantages, mask, columns: COLUMNS };
}

/** The baseline: a plain masked sum over the same arrays. */
function maskedPass(input: ReturnType<typeof batch>): number {
  const { logProbs, oldLogProbs, advantages, mask } = input;
  let sum = 0;
  for (let index = 0; index < TOKENS; index++) {
    if (mask[index] === 1) sum += (logProbs[index]! - oldLogProbs[index]!) * advantages[index]!;
  }
  return sum;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(label: string, run: () => number): number {
  let sink = 0;
  for (let k = 0; k < WARMUP; k++) sink += run();
  const times: number[] = [];
  for (let k = 0; k < REPEATS; k++) {
    const start = process.hrtime.bigint();
    sink += run();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const seconds = median(times);
  const rate = TOKENS / seconds;
  console.log(`${label.padEnd(32)} ${(seconds * 1e3).toFixed(1).padStart(8)} ms  ${(rate / 1e6).toFixed(1).padStart(7)} M tokens/s  (checksum ${sink.toPrecision(6)})`);
  return rate;
}

const input = batch();
console.log(`policyLoss on ${ROWS} × ${COLUMNS} = ${TOKENS} tokens, median of ${REPEATS} runs after ${WARMUP} warm-up runs (Node ${process.version})`);
const baseline = measure('baseline: masked pass', () => maskedPass(input));
const tokenMean = measure('policyLoss token-mean', () => policyLoss(input).loss);
const sequenceMean = measure('policyLoss seq-mean-token-mean', () => policyLoss(input, { aggregation: 'seq-mean-token-mean' }).loss);
console.log(`ratio baseline / policyLoss: token-mean ${(baseline / tokenMean).toFixed(2)}×, seq-mean-token-mean ${(baseline / sequenceMean).toFixed(2)}×`);
