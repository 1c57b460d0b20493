// Throughput of the token-entropy kernels on float32 logits: `npm run bench` (root: turbo run bench).
// Bundled by esbuild from TypeScript source (see the package's "bench" script) and run with node.
// Reports GB/s of logits consumed, median of several repetitions, plus the agreement of the kernels.
import { entropyRowsJs } from '../src/kernels/entropy-rows-js';
import { decodeBase64, entropyRowsWasm, isEntropyRowsWasmAvailable } from '../src/kernels/entropy-rows-wasm';
import { ENTROPY_ROWS_WASM_BASE64 } from '../src/kernels/entropy-rows-wasm.generated';
import { createUniform } from '../src/kernels/kernel-test-utils';
import { tokenEntropy } from '../src/token-entropy';

const CHUNK_BYTES = 256 * 1024;
const startedAt = performance.now();

/** LLM-like rows: a roughly normal body (σ ≈ 2.8) plus one leading token 0–14 nats above it. */
function fillLogits(logits: Float32Array, vocabSize: number, seed: number): void {
  const uniform = createUniform(seed);
  for (let index = 0; index < logits.length; index++) {
    logits[index] = 4 * (uniform() + uniform() + uniform() - 1.5) * 1.6;
  }
  for (let start = 0; start < logits.length; start += vocabSize) {
    logits[start + Math.floor(uniform() * vocabSize)] = 8 + 14 * uniform();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median seconds of `repetitions` runs of `run`, after one untimed warm-up run when `warmUp`. */
function time(run: () => void, repetitions: number, warmUp = true): number {
  if (warmUp) run();
  const seconds: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const start = performance.now();
    run();
    seconds.push((performance.now() - start) / 1000);
  }
  return median(seconds);
}

/** Plain read-only pass: float64 sum with eight accumulators (the fastest scalar JS loop measured here). */
function sumFloat32(values: Float32Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0; // prettier-ignore
  const end = values.length - (values.length % 8);
  for (let index = 0; index < end; index += 8) {
    s0 += values[index]!;
    s1 += values[index + 1]!;
    s2 += values[index + 2]!;
    s3 += values[index + 3]!;
    s4 += values[index + 4]!;
    s5 += values[index + 5]!;
    s6 += values[index + 6]!;
    s7 += values[index + 7]!;
  }
  for (let index = end; index < values.length; index++) s0 += values[index]!;
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}

/** The copy the WASM path performs: chunks of about 256 KiB into one scratch array. */
function copyInChunks(values: Float32Array, vocabSize: number, scratch: Float32Array): void {
  const step = Math.max(1, Math.floor(CHUNK_BYTES / (vocabSize * 4))) * vocabSize;
  for (let start = 0; start < values.length; start += step) {
    scratch.set(values.subarray(start, Math.min(values.length, start + step)));
  }
}

/** The WASM kernel on data already in its memory (no copy), via a separate instance of the same module. */
function createResidentKernel(logits: Float32Array, vocabSize: number): () => void {
  const module = new WebAssembly.Module(decodeBase64(ENTROPY_ROWS_WASM_BASE64));
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as {
    memory: WebAssembly.Memory;
    entropy_rows(input: number, rows: number, vocab: number, kappa: number, output: number): void;
  };
  const rows = logits.length / vocabSize;
  const inputOffset = Math.ceil((rows * 24) / 16) * 16;
  exports.memory.grow(Math.ceil((inputOffset + logits.byteLength) / 65_536));
  new Float32Array(exports.memory.buffer, inputOffset, logits.length).set(logits);
  const kappa = Math.fround(Math.LOG2E);
  return () => exports.entropy_rows(inputOffset, rows, vocabSize, kappa, 0);
}

function gigabytesPerSecond(bytes: number, seconds: number): number {
  return bytes / seconds / 1e9;
}

function line(label: string, bytes: number, seconds: number, note = ''): number {
  const rate = gigabytesPerSecond(bytes, seconds);
  console.log(`  ${label.padEnd(30)} ${rate.toFixed(2).padStart(7)} GB/s  ${(seconds * 1000).toFixed(1).padStart(8)} ms${note}`);
  return rate;
}

function agreement(actual: Float64Array, reference: Float64Array): string {
  let maxAbsolute = 0;
  let maxRelative = 0;
  for (let index = 0; index < reference.length; index++) {
    const difference = Math.abs(actual[index]! - reference[index]!);
    maxAbsolute = Math.max(maxAbsolute, difference);
    maxRelative = Math.max(maxRelative, difference / Math.abs(reference[index]!));
  }
  return `max |WASM − JS| ${maxAbsolute.toExponential(2)}, max relative ${maxRelative.toExponential(2)}`;
}

interface BenchCase {
  readonly rows: number;
  readonly vocabSize: number;
  readonly jsRepetitions: number;
  readonly wasmRepetitions: number;
  readonly resident: boolean;
  readonly publicFunction: boolean;
}

function runCase(logits: Float32Array, benchCase: BenchCase): void {
  const { rows, vocabSize } = benchCase;
  const bytes = logits.byteLength;
  console.log(
    `\n${rows} × ${vocabSize.toLocaleString('en-US')} float32 logits (${(bytes / 1e6).toFixed(1)} MB); ` +
      `median of ${benchCase.jsRepetitions} (JS) / ${benchCase.wasmRepetitions} (others) runs`,
  );
  let checksum = 0;
  const read = line('read pass (JS sum)', bytes, time(() => (checksum += sumFloat32(logits)), benchCase.wasmRepetitions));
  const scratch = new Float32Array(Math.max(vocabSize, Math.floor(CHUNK_BYTES / 4 / vocabSize) * vocabSize));
  const copy = line('chunked copy (set)', bytes, time(() => copyInChunks(logits, vocabSize, scratch), benchCase.wasmRepetitions));
  const jsOut = new Float64Array(rows);
  const js = line('JS kernel', bytes, time(() => entropyRowsJs(logits, vocabSize, 1, jsOut), benchCase.jsRepetitions, false));
  const wasmOut = new Float64Array(rows);
  const wasmSeconds = time(() => entropyRowsWasm(logits, vocabSize, 1, wasmOut), benchCase.wasmRepetitions);
  const wasm = gigabytesPerSecond(bytes, wasmSeconds);
  line('WASM kernel (with copy)', bytes, wasmSeconds,
    `  = ${(wasm / read).toFixed(2)}× read pass, ${(wasm / js).toFixed(1)}× JS kernel`); // prettier-ignore
  if (benchCase.resident) {
    const kernel = createResidentKernel(logits, vocabSize);
    const resident = line('WASM kernel (resident, no copy)', bytes, time(kernel, benchCase.wasmRepetitions));
    console.log(`  copy share of the WASM path: ${(100 * (1 - wasm / resident)).toFixed(0)} %`);
  } else {
    const estimate = 1 / (1 / wasm - 1 / copy);
    console.log(`  WASM kernel alone (estimated: total − copy): ${estimate.toFixed(2)} GB/s; copy share ${(100 * (wasm / copy)).toFixed(0)} %`);
  }
  if (benchCase.publicFunction) {
    line('tokenEntropy (public)', bytes, time(() => tokenEntropy(logits, vocabSize), benchCase.jsRepetitions));
  }
  console.log(`  ${agreement(wasmOut, jsOut)} (JS kernel = float64 arithmetic on the same float32 inputs)`);
  if (checksum === 1234.5) console.log('');
}

if (!isEntropyRowsWasmAvailable()) {
  console.log('WebAssembly SIMD is unavailable in this runtime; nothing to compare.');
} else {
  console.log(`node ${process.version}, ${process.arch}`);
  const big: BenchCase = { rows: 4096, vocabSize: 32_000, jsRepetitions: 3, wasmRepetitions: 5, resident: false, publicFunction: false };
  const bigLogits = new Float32Array(big.rows * big.vocabSize); // allocated once: 524 MB
  fillLogits(bigLogits, big.vocabSize, 1);
  runCase(bigLogits, big);

  const small: BenchCase = { rows: 64, vocabSize: 32_000, jsRepetitions: 5, wasmRepetitions: 9, resident: true, publicFunction: true };
  runCase(bigLogits.subarray(0, small.rows * small.vocabSize), small);

  const odd: BenchCase = { rows: 128, vocabSize: 151_665, jsRepetitions: 3, wasmRepetitions: 5, resident: true, publicFunction: false };
  const oddLogits = bigLogits.subarray(0, odd.rows * odd.vocabSize);
  fillLogits(oddLogits, odd.vocabSize, 2);
  runCase(oddLogits, odd);
  console.log(`\ntotal ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}
