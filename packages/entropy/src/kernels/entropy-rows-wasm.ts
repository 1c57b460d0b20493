import { ENTROPY_ROWS_WASM_BASE64 } from './entropy-rows-wasm.generated';

// The part of the WebAssembly JS API this loader uses (the package's `lib` has no DOM typings).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports?: object) => { readonly exports: Record<string, unknown> };
}

interface EntropyRowsExports {
  readonly memory: WasmMemory;
  entropy_rows(input: number, rows: number, vocabSize: number, kappa: number, output: number): void;
  pow2(input: number, count: number, output: number): void;
}

const PAGE_BYTES = 65_536;
/** Wasm32 memories end at 4 GiB; engines may refuse to grow before that, which `ensureBytes` reports. */
const MAX_MEMORY_BYTES = 2 ** 32;
/** Rows are copied into the module's memory in chunks of about this many bytes (at least one row). */
const CHUNK_BYTES = 256 * 1024;
/** Smallest and largest float32 that `kappa` may take: normal, finite. */
const MIN_NORMAL_FLOAT32 = 2 ** -126;
const MAX_FLOAT32 = (2 - 2 ** -23) * 2 ** 127;

/** `undefined`: not tried yet; `null`: WebAssembly SIMD is unavailable here. */
let kernel: EntropyRowsExports | null | undefined;

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes standard base64 (with `=` padding) without relying on `atob` or `Buffer`.
 * @internal
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let byteIndex = 0;
  for (let index = 0; index < text.length; index += 4) {
    let group = 0;
    for (let offset = 0; offset < 4; offset++) {
      const character = text[index + offset]!;
      group = group * 64 + (character === '=' ? 0 : BASE64_ALPHABET.indexOf(character));
    }
    for (let shift = 16; shift >= 0 && byteIndex < bytes.length; shift -= 8) bytes[byteIndex++] = (group >> shift) & 255;
  }
  return bytes;
}

function loadKernel(): EntropyRowsExports | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return kernel;
  try {
    const module = new api.Module(decodeBase64(ENTROPY_ROWS_WASM_BASE64));
    kernel = new api.Instance(module, {}).exports as unknown as EntropyRowsExports;
  } catch {
    // No SIMD (CompileError) or WebAssembly disabled by policy: callers fall back to the JavaScript kernel.
  }
  return kernel;
}

/** Grows the module's memory to at least `bytes`; false when that is impossible. */
function ensureBytes(exports: EntropyRowsExports, bytes: number): boolean {
  if (bytes > MAX_MEMORY_BYTES) return false;
  const missing = Math.ceil((bytes - exports.memory.buffer.byteLength) / PAGE_BYTES);
  if (missing <= 0) return true;
  try {
    exports.memory.grow(missing);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the WebAssembly SIMD kernel can run in this environment (compiles it on the first call).
 * @internal
 */
export function isEntropyRowsWasmAvailable(): boolean {
  return loadKernel() !== null;
}

/**
 * WebAssembly SIMD kernel: writes the softmax entropy of rows `firstRow` to `endRow − 1` of the float32 matrix
 * `logits / temperature` into `out`, like `entropyRowsJs`. Inputs are assumed validated.
 *
 * Returns false, writing nothing, when WebAssembly SIMD is unavailable, when float32(log2(e) / temperature) is
 * not a normal finite float32 (temperatures below about 4.2e-39 or above about 1.2e38), or when a row does not
 * fit the module's memory; the caller then uses the JavaScript kernel.
 *
 * Rows are copied in chunks of about 256 KiB (at least one row) into the module's memory, which therefore keeps
 * the size of the largest chunk seen.
 *
 * ## Numerics
 * κ = float32(log2(e)/T), m = max z, t_j = max(float32(float32(z_j − m)·κ), −127) and e_j = 2^t_j in float32:
 * range reduction to f ∈ [−0.5, 0.5] plus a degree-6 polynomial, within 1.2 ulp of 2^t_j; e_j = 1 exactly for the
 * maximum and e_j = 0 exactly for t_j ≤ −126.5, so −∞ logits contribute 0 (and huge gaps underflow cleanly).
 * The kernel returns c = #{e_j = 1}, r = Σ_{e_j<1} e_j and u = Σ e_j·t_j, each summed in float32 over groups of
 * eight vectors (three roundings, terms of one sign) and then in float64; H = (c = 1 ? log1p(r) : ln(c + r)) −
 * ln 2·u/(c + r) in float64. Keeping the exact ones out of the float32 sums keeps low-entropy rows accurate
 * relatively. Multiplying by κ (rather than dividing by T) makes this the entropy at inverse temperature κ·ln 2,
 * within 2^−24 of 1/T. Against float64 arithmetic on the same float32 logits (V = 32,000, H from 1e-26 to
 * 10 nats) the relative error measured ≤ 5.5e-7 at T = 1 and ≤ 2.2e-6 at T = 0.6 or 0.7, absolute ≤ 4e-7.
 * @internal
 */
export function entropyRowsWasm(
  logits: Float32Array,
  vocabSize: number,
  temperature: number,
  out: Float64Array,
  firstRow = 0,
  endRow = out.length,
): boolean {
  const exports = loadKernel();
  if (exports === null) return false;
  const kappa = Math.fround(Math.LOG2E / temperature);
  if (!(kappa >= MIN_NORMAL_FLOAT32 && kappa <= MAX_FLOAT32)) return false;
  const rows = endRow - firstRow;
  if (rows <= 0) return true;
  const rowBytes = vocabSize * 4;
  const chunkRows = Math.min(rows, Math.max(1, Math.floor(CHUNK_BYTES / rowBytes)));
  // Layout: chunkRows (r, u, c) float64 triples at 0, then the chunk's logits (16-byte aligned).
  const inputOffset = Math.ceil((chunkRows * 24) / 16) * 16;
  if (!ensureBytes(exports, inputOffset + chunkRows * rowBytes)) return false;
  const buffer = exports.memory.buffer;
  const input = new Float32Array(buffer, inputOffset, chunkRows * vocabSize);
  const triples = new Float64Array(buffer, 0, chunkRows * 3);
  for (let row = firstRow; row < endRow; row += chunkRows) {
    const count = Math.min(chunkRows, endRow - row);
    input.set(logits.subarray(row * vocabSize, (row + count) * vocabSize));
    exports.entropy_rows(inputOffset, count, vocabSize, kappa, 0);
    for (let index = 0; index < count; index++) {
      const rest = triples[3 * index]!;
      const ones = triples[3 * index + 2]!;
      const sum = ones + rest;
      out[row + index] = (ones === 1 ? Math.log1p(rest) : Math.log(sum)) - (Math.LN2 * triples[3 * index + 1]!) / sum;
    }
  }
  return true;
}

/**
 * The kernel's vectorised 2^max(t, −127), for tests; undefined when WebAssembly SIMD is unavailable.
 * @internal
 */
export function pow2Wasm(exponents: Float32Array): Float32Array | undefined {
  const exports = loadKernel();
  if (exports === null) return undefined;
  const padded = Math.ceil(exponents.length / 4) * 4;
  if (!ensureBytes(exports, padded * 8)) return undefined;
  const buffer = exports.memory.buffer;
  new Float32Array(buffer, 0, exponents.length).set(exponents);
  exports.pow2(0, exponents.length, padded * 4);
  return new Float32Array(buffer, padded * 4, exponents.length).slice();
}
