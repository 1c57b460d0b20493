import { AresError, assertOneOf } from '@ares/core';
import { validateLogits } from './validate';
import { entropyRowsJs } from './kernels/entropy-rows-js';
import { entropyRowsWasm } from './kernels/entropy-rows-wasm';

/** Which kernel computes {@link tokenEntropy}. */
export type EntropyKernel = 'auto' | 'js' | 'wasm';

/** Options of {@link tokenEntropy}. */
export interface TokenEntropyOptions {
  /**
   * Sampling temperature T > 0; the entropy is that of softmax(z / T).
   * @default 1
   */
  readonly temperature?: number;
  /**
   * `auto`: the WebAssembly SIMD kernel for `Float32Array` logits when the runtime supports it (about 13–19× the
   * JavaScript kernel), else JavaScript; `js`: the float64 JavaScript kernel; `wasm`: require the SIMD kernel
   * (throws `UNSUPPORTED` where it cannot run). `Float64Array` logits always use the JavaScript kernel.
   * @default 'auto'
   */
  readonly kernel?: EntropyKernel;
}

/** Defaults of {@link TokenEntropyOptions}. */
export const DEFAULT_TOKEN_ENTROPY_OPTIONS: Readonly<Required<TokenEntropyOptions>> = Object.freeze({
  temperature: 1,
  kernel: 'auto',
});

const KERNELS: readonly EntropyKernel[] = ['auto', 'js', 'wasm'];

/**
 * Softmax entropy of every row of a row-major logits matrix, in nats.
 *
 * H_t = −Σ_j p_{t,j}·ln p_{t,j} with p_t = softmax(z_t / T), so 0 ≤ H_t ≤ ln V.
 *
 * @param logits - row-major `rows × vocabSize` logits (float32 or float64)
 * @param vocabSize - V, the number of columns; a positive integer
 * @param options - `temperature` (default 1), `kernel` (default `'auto'`)
 * @returns a new `Float64Array` with one entropy per row (empty for empty `logits`)
 * @throws {AresError} `INVALID_ARGUMENT` when `vocabSize` is not a positive integer or `temperature` is not a
 *   finite number > 0; `SHAPE_MISMATCH` when `logits.length` is not a multiple of `vocabSize`; `UNSUPPORTED` for an
 *   unknown `kernel`, or `kernel: 'wasm'` where WebAssembly SIMD is unavailable, the logits are not float32 or the
 *   temperature is outside about [4.2e-39, 1.2e38]
 * @remarks
 * ## Numerics
 * Stable form with z' = z/T, m = max z', e_j = exp(z'_j − m), s = Σe_j: H = ln s − (1/s)·Σ_{e_j>0} e_j·(z'_j − m),
 * evaluated in float64 in index order with z'_j − m = (z_j − max z)/T (no overflow for a tiny T) and
 * ln s = log1p(Σ_{j≠argmax} e_j), so that near one-hot rows keep their relative accuracy. Both terms are
 * non-negative sums of one-signed terms, so there is no cancellation; the relative error is about V·ε
 * (3.6e-12 at V = 32,000).
 * A −∞ logit is a zero-probability token and contributes 0 (verl and TRL give NaN); a row with NaN or +∞, or only
 * −∞, gives NaN.
 *
 * The WebAssembly kernel (float32 logits, `auto`/`wasm`) computes e_j = 2^((z_j − max)·κ) with κ = float32(log2 e / T)
 * by a degree-6 polynomial (≤ 1.2 ulp), accumulates groups of 8 vectors in float32 before float64, and counts the
 * exact ones separately: relative error ≤ 1e-6 against the float64 kernel (up to 2.2e-6 on rows with H < 0.01 at
 * T < 1), absolute ≤ 4e-7. Use `kernel: 'js'` for float64 accuracy.
 * @example
 * ```ts
 * tokenEntropy(new Float32Array([0, 0, 5, 5]), 2) // Float64Array [ln 2, ln 2]
 * ```
 * @see SPEC.md §2.2 (Token entropy); paper App. B eq. 3
 */
export function tokenEntropy(
  logits: Float32Array | Float64Array,
  vocabSize: number,
  options: TokenEntropyOptions = {},
): Float64Array {
  const temperature = options.temperature ?? DEFAULT_TOKEN_ENTROPY_OPTIONS.temperature;
  const kernel = options.kernel ?? DEFAULT_TOKEN_ENTROPY_OPTIONS.kernel;
  const rows = validateLogits(logits, vocabSize, temperature);
  assertOneOf(kernel, KERNELS, 'options.kernel');
  const out = new Float64Array(rows);
  if (kernel !== 'js' && logits instanceof Float32Array && entropyRowsWasm(logits, vocabSize, temperature, out)) return out;
  if (kernel === 'wasm') {
    throw new AresError({
      code: 'UNSUPPORTED',
      parameter: 'options.kernel',
      value: kernel,
      message: 'options.kernel: the WebAssembly SIMD kernel cannot run here (needs WebAssembly SIMD, Float32Array logits and a temperature in about [4.2e-39, 1.2e38])',
    });
  }
  entropyRowsJs(logits, vocabSize, temperature, out);
  return out;
}
