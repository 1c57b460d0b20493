import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, type Tolerance } from '@ares/testing';
import { isEntropyRowsWasmAvailable } from './kernels/entropy-rows-wasm';
import { tokenEntropy } from './token-entropy';
import { tokenEntropyFixture as fixture } from './token-entropy-test-utils';

/** The WebAssembly kernel's documented accuracy: ≤ 3e-6 relative (≤ 4e-7 absolute) against float64. */
const WASM_KERNEL: Tolerance = Object.freeze({ rtol: 3e-6, atol: 4e-7 });

describe('tokenEntropy kernels', () => {
  it('has WebAssembly SIMD on the Node versions we support', () => {
    expect(isEntropyRowsWasmAvailable()).toBe(true);
  });

  it("'auto' and 'wasm' agree with the NumPy float64 reference for float32 logits", () => {
    for (const testCase of fixture.cases) {
      const logits = Float32Array.from(testCase.logits);
      testCase.temperatures.forEach((temperature, index) => {
        for (const kernel of ['auto', 'wasm'] as const) {
          expectAllClose(tokenEntropy(logits, testCase.vocabSize, { temperature, kernel }), testCase.entropies[index]!, WASM_KERNEL);
        }
      });
    }
  });

  it("'auto' uses the float64 JavaScript kernel for Float64Array logits (bit-identical to 'js')", () => {
    const logits = Float64Array.from({ length: 6 * 50 }, (_, index) => Math.sin(index * 1.7) * 9);
    expect(tokenEntropy(logits, 50)).toEqual(tokenEntropy(logits, 50, { kernel: 'js' }));
  });

  it("'auto' returns ln V for uniform float32 logits at vocabulary 32,000", () => {
    expectAllClose(tokenEntropy(new Float32Array(2 * 32_000).fill(-3.5), 32_000), [Math.log(32_000), Math.log(32_000)], WASM_KERNEL);
  });

  it("falls back to JavaScript under 'auto' and throws UNSUPPORTED under 'wasm' for Float64Array logits", () => {
    const logits = new Float64Array([0, 0]);
    expectAllClose(tokenEntropy(logits, 2), [Math.LN2], WASM_KERNEL);
    expectAresError(() => tokenEntropy(logits, 2, { kernel: 'wasm' }), 'UNSUPPORTED', 'options.kernel');
  });

  it('throws UNSUPPORTED for an unknown kernel', () => {
    expectAresError(() => tokenEntropy(new Float32Array(2), 2, { kernel: 'gpu' as never }), 'UNSUPPORTED', 'options.kernel');
  });
});
