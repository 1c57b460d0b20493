import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, FLOAT32, FLOAT64, logitsMatrix, type Tolerance } from '@ares/testing';
import { compileEntropyRowsWat } from '../../scripts/wasm/build.mjs';
import { entropyRowsJs } from './entropy-rows-js';
import { decodeBase64, entropyRowsWasm, isEntropyRowsWasmAvailable, pow2Wasm } from './entropy-rows-wasm';
import { ENTROPY_ROWS_WASM_BASE64, ENTROPY_ROWS_WASM_BYTE_LENGTH } from './entropy-rows-wasm.generated';
import { createUniform } from './kernel-test-utils';

/**
 * The accuracy this kernel documents against float64 arithmetic on the same float32 logits at V = 32,000
 * (measured: ≤ 5.5e-7 at T = 1 and ≤ 2.2e-6 at T ∈ {0.6, 0.7}, on rows with H from 1e-26 to 10 nats).
 */
const WASM_KERNEL: Tolerance = Object.freeze({ rtol: 3e-6, atol: 0 });

function wasmEntropies(logits: Float32Array, vocabSize: number, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length / vocabSize);
  expect(entropyRowsWasm(logits, vocabSize, temperature, out)).toBe(true);
  return out;
}

function jsEntropies(logits: Float32Array | Float64Array, vocabSize: number, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length / vocabSize);
  entropyRowsJs(logits, vocabSize, temperature, out);
  return out;
}

/** Distance of `actual` from `expected` in units of the float32 spacing at `expected`. */
function float32Ulps(actual: number, expected: number): number {
  const spacing = 2 ** (Math.floor(Math.log2(expected)) - 23);
  return Math.abs(actual - expected) / spacing;
}

describe('entropyRowsWasm', () => {
  it('is available in Node (WebAssembly SIMD)', () => {
    expect(isEntropyRowsWasmAvailable()).toBe(true);
  });

  it('ships the bytes that scripts/wasm/entropy-rows.wat compiles to', async () => {
    const compiled = await compileEntropyRowsWat();
    const committed = decodeBase64(ENTROPY_ROWS_WASM_BASE64);
    expect(committed.length).toBe(ENTROPY_ROWS_WASM_BYTE_LENGTH);
    expect(Buffer.from(committed).equals(Buffer.from(compiled))).toBe(true);
  });

  it('decodes base64 like Buffer does', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255]) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 97 + 13) & 255);
      expect(Array.from(decodeBase64(Buffer.from(bytes).toString('base64')))).toEqual(Array.from(bytes));
    }
  });

  it('agrees with the JavaScript kernel on random matrices and temperatures', () => {
    fc.assert(
      fc.property(
        logitsMatrix({ maxRows: 4, maxVocab: 70, scale: 40 }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        ({ logits, vocabSize }, temperature) => {
          expectAllClose(wasmEntropies(logits, vocabSize, temperature), jsEntropies(logits, vocabSize, temperature), FLOAT32);
        },
      ),
    );
  });

  it('agrees with the JavaScript kernel for every vocabulary size from 1 to 67 (main loop, vectors, tail)', () => {
    const uniform = createUniform(7);
    for (let vocabSize = 1; vocabSize <= 67; vocabSize++) {
      const logits = Float32Array.from({ length: 3 * vocabSize }, () => 12 * uniform() - 6);
      expectAllClose(wasmEntropies(logits, vocabSize), jsEntropies(logits, vocabSize), FLOAT32);
      expectAllClose(wasmEntropies(logits, vocabSize, 0.7), jsEntropies(logits, vocabSize, 0.7), FLOAT32);
    }
  });

  it('matches float64 arithmetic within 3e-6 relative at V = 32,000, from flat to one-hot-like rows', () => {
    const vocabSize = 32_000;
    const rows = 12;
    const uniform = createUniform(11);
    const logits = new Float32Array(rows * vocabSize);
    for (let row = 0; row < rows; row++) {
      // Body spread σ·(sum of three uniforms); one leading token `lead` nats above the body's centre.
      const spread = [0.5, 2, 6][row % 3]!;
      const lead = 4 * row;
      for (let column = 0; column < vocabSize; column++) {
        logits[row * vocabSize + column] = spread * (uniform() + uniform() + uniform() - 1.5);
      }
      logits[row * vocabSize + ((row * 7919) % vocabSize)] = lead;
    }
    for (const temperature of [1, 0.6, 0.7, 1.5]) {
      const reference = jsEntropies(Float64Array.from(logits), vocabSize, temperature);
      expectAllClose(wasmEntropies(logits, vocabSize, temperature), reference, WASM_KERNEL);
    }
  });

  it('returns ln V for uniform logits', () => {
    for (const vocabSize of [1, 3, 17, 32_000, 100_003]) {
      const logits = new Float32Array(2 * vocabSize).fill(-3.5);
      expectAllClose(wasmEntropies(logits, vocabSize), [Math.log(vocabSize), Math.log(vocabSize)], FLOAT64);
      expectAllClose(wasmEntropies(logits, vocabSize, 0.3), [Math.log(vocabSize), Math.log(vocabSize)], FLOAT64);
    }
  });

  it('matches the closed form for near-ties (partial sums ≥ 1 without an exact 1)', () => {
    // 63 logits 0 and one 0.1: H = ln(63 + e^0.1) − 0.1·e^0.1 / (63 + e^0.1).
    const logits = new Float32Array(64);
    logits[40] = 0.1;
    const lead = Math.exp(Math.fround(0.1));
    const expected = Math.log(63 + lead) - (Math.fround(0.1) * lead) / (63 + lead);
    expectAllClose(wasmEntropies(logits, 64), [expected], FLOAT32);
  });

  it('handles huge logit gaps (−1000 and 1000) without overflow', () => {
    const logits = new Float32Array([-1000, 1000, 0, 0, -1000, 0, 5, 5, -1000, -1000, -1000, 5]);
    expectAllClose(wasmEntropies(logits, 3), [0, Math.log(2), Math.log(2), 0], FLOAT64);
    // At T = 1000 the gap of 2000 becomes 2: H = ln(1 + e^−2) + 2e^−2/(1 + e^−2).
    const h = Math.log(1 + Math.exp(-2)) + (2 * Math.exp(-2)) / (1 + Math.exp(-2));
    expectAllClose(wasmEntropies(new Float32Array([-1000, 1000]), 2, 1000), [h], FLOAT32);
  });

  it('gives −∞ logits zero probability, in the vectorised body and in the tail', () => {
    const vocabSize = 37;
    const logits = new Float32Array(vocabSize).fill(-Infinity);
    for (const column of [3, 20, 36]) logits[column] = 0.5;
    expectAllClose(wasmEntropies(logits, vocabSize), [Math.log(3)], FLOAT64);
  });

  it('propagates NaN and +∞ rows, and rows of only −∞, as NaN', () => {
    const vocabSize = 35;
    const rows: Float32Array[] = [];
    for (const column of [0, 17, 33, 34]) {
      const nanRow = new Float32Array(vocabSize).fill(1);
      nanRow[column] = Number.NaN;
      const infinityRow = new Float32Array(vocabSize).fill(1);
      infinityRow[column] = Infinity;
      rows.push(nanRow, infinityRow);
    }
    rows.push(new Float32Array(vocabSize).fill(-Infinity), new Float32Array(vocabSize).fill(2));
    const logits = new Float32Array(rows.length * vocabSize);
    rows.forEach((row, index) => logits.set(row, index * vocabSize));
    const expected = [...Array<number>(rows.length - 1).fill(Number.NaN), Math.log(vocabSize)];
    expectAllClose(wasmEntropies(logits, vocabSize), expected, FLOAT64);
    expectAllClose(jsEntropies(logits, vocabSize), expected, FLOAT64);
  });

  it('writes only rows firstRow to endRow − 1, across several chunks', () => {
    const vocabSize = 70_001; // 280 kB rows: one row per chunk
    const uniform = createUniform(3);
    const logits = Float32Array.from({ length: 5 * vocabSize }, () => 10 * uniform());
    const out = new Float64Array(5).fill(-1);
    expect(entropyRowsWasm(logits, vocabSize, 1, out, 1, 4)).toBe(true);
    const expected = jsEntropies(logits, vocabSize);
    expect([out[0], out[4]]).toEqual([-1, -1]);
    expectAllClose(out.subarray(1, 4), expected.subarray(1, 4), FLOAT32);
  });

  it('leaves its input unchanged', () => {
    const uniform = createUniform(5);
    const logits = Float32Array.from({ length: 6 * 1001 }, () => 20 * uniform() - 10);
    const snapshot = logits.slice();
    wasmEntropies(logits, 1001, 0.8);
    expect(logits).toEqual(snapshot);
  });

  it('declines, writing nothing, when float32(log2(e) / T) is not a normal float32', () => {
    const out = new Float64Array(1).fill(-1);
    expect(entropyRowsWasm(new Float32Array([1, 2]), 2, 1e-39, out)).toBe(false);
    expect(entropyRowsWasm(new Float32Array([1, 2]), 2, 1e39, out)).toBe(false);
    expect(out[0]).toBe(-1);
  });
});

describe('pow2Wasm (the vectorised 2^t inside the kernel)', () => {
  it('is within 1.5 float32 ulp of 2^t on [−125.5, 0]', () => {
    const exponents = Float32Array.from({ length: 40_001 }, (_, index) => -125.5 + (125.5 * index) / 40_000);
    const powers = pow2Wasm(exponents)!;
    let worst = 0;
    exponents.forEach((exponent, index) => {
      worst = Math.max(worst, float32Ulps(powers[index]!, 2 ** exponent));
    });
    expect(worst).toBeLessThanOrEqual(1.5);
  });

  it('is exactly 1 at 0, exactly 0 at t ≤ −126.5 and for −∞, and NaN for NaN', () => {
    const powers = pow2Wasm(new Float32Array([0, -126.5, -127, -1000, -Infinity, Number.NaN, -1, -2]))!;
    expect(Array.from(powers)).toEqual([1, 0, 0, 0, 0, Number.NaN, 0.5, 0.25]);
  });
});
