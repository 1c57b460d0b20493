import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertOneOf } from '@ares/core';

/**
 * Swaps the last two axes of a tensor of rank ≥ 2 with an explicit transpose.
 * @internal
 */
export function swapLastAxes(tensor: tf.Tensor): tf.Tensor {
  const rank = tensor.rank;
  const permutation = Array.from({ length: rank }, (_, axis) => axis);
  permutation[rank - 1] = rank - 2;
  permutation[rank - 2] = rank - 1;
  return tf.transpose(tensor, permutation);
}

type GradientResult = { value: tf.Tensor; gradFunc: (upstream: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** `tf.customGrad` with the argument types its variadic signature cannot express. */
function customGradient<Inputs extends tf.Tensor[]>(forward: (...args: [...Inputs, tf.GradSaveFunc]) => GradientResult): (...inputs: Inputs) => tf.Tensor {
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: Inputs) => tf.Tensor;
}

/**
 * float32 one-hot rows of int32 indices. `tf.oneHot(…, 'float32')` is wrong on the wasm backend 4.22 (its kernel
 * writes the int32 bit patterns 0/1 into a float32 tensor, i.e. 1.4e-45), so this casts an int32 one-hot instead.
 * @internal
 */
export function oneHotFloat(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.cast(tf.oneHot(indices, depth), 'float32');
}

const matMulWithExplicitTransposes = customGradient<[tf.Tensor, tf.Tensor]>(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (upstream: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(upstream, swapLastAxes(saved[1]!)),
      tf.matMul(swapLastAxes(saved[0]!), upstream),
    ],
  };
}));

/**
 * Matrix product a·b whose gradient uses explicit transposes: ∂a = dy·bᵀ, ∂b = aᵀ·dy.
 *
 * tfjs's own gradient of `matMul` calls it with transpose flags, which the wasm backend runs 10–15× slower than a
 * transpose followed by a plain product. Ranks 2 to 4 with identical leading (batch) dimensions; no broadcasting.
 *
 * @param a - `[..., m, k]`
 * @param b - `[..., k, n]` with the same leading dimensions as `a`
 * @returns `[..., m, n]`, owned by the caller
 * @throws {AresError} `SHAPE_MISMATCH` (parameter `b`) when ranks, leading dimensions or inner sizes differ
 */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  const rankOk = a.rank === b.rank && a.rank >= 2 && a.rank <= 4;
  const leadingOk = rankOk && a.shape.slice(0, -2).every((size, axis) => size === b.shape[axis]);
  if (!leadingOk || a.shape[a.rank - 1] !== b.shape[b.rank - 2]) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'b', value: b.shape, message: `matMul: cannot multiply [${a.shape}] by [${b.shape}] (same rank 2–4, same leading dimensions, inner sizes equal)` });
  }
  return matMulWithExplicitTransposes(a, b) as T;
}

/**
 * How {@link gatherRows} computes the gradient of the table: `one-hot` as oneHot(indices)ᵀ·dy (one matrix
 * product); `scatter` with `scatterND` (duplicate indices summed). Both avoid `UnsortedSegmentSum`, which tfjs's
 * own gather gradient needs and the wasm backend lacks. On wasm, for the bench embedding (64 × 128 table, 4,096
 * indices), lookup plus gradient took about 51 ms with `scatter` and 69–105 ms with `one-hot`.
 */
export type GatherGradient = 'one-hot' | 'scatter';

/** The default {@link GatherGradient}: `scatter`, the faster one on wasm. */
export const DEFAULT_GATHER_GRADIENT: GatherGradient = 'scatter';

/** Every {@link GatherGradient}. */
export const GATHER_GRADIENTS: readonly GatherGradient[] = Object.freeze(['one-hot', 'scatter']);

function gatherWith(mode: GatherGradient) {
  return customGradient<[tf.Tensor, tf.Tensor]>(((table: tf.Tensor, indices: tf.Tensor, save: tf.GradSaveFunc) => {
    save([indices]);
    const [rows, columns] = table.shape as [number, number];
    return {
      value: tf.gather(table, indices),
      gradFunc: (upstream: tf.Tensor, saved: tf.Tensor[]) => {
        const index = saved[0]!;
        const tableGradient =
          mode === 'one-hot'
            ? tf.matMul(tf.transpose(oneHotFloat(index, rows)), upstream)
            : tf.scatterND(tf.expandDims(index, 1), upstream, [rows, columns]);
        return [tableGradient, tf.zeros(index.shape)];
      },
    };
  }));
}

const GATHERS: Readonly<Record<GatherGradient, (table: tf.Tensor, indices: tf.Tensor) => tf.Tensor>> = Object.freeze({
  'one-hot': gatherWith('one-hot'),
  scatter: gatherWith('scatter'),
});

/**
 * Rows of a table, table[indices[i]], with a gradient the wasm backend can run.
 *
 * @param table - `[rows, columns]` float32
 * @param indices - `[n]` int32 row indices in [0, rows)
 * @param gradient - how the table's gradient is computed (see {@link GatherGradient})
 * @returns `[n, columns]`, owned by the caller
 * @throws {AresError} `SHAPE_MISMATCH` (parameter `indices`) unless table is 2-D and indices 1-D int32;
 *   `UNSUPPORTED` (parameter `gradient`) for an unknown mode
 */
export function gatherRows(table: tf.Tensor2D, indices: tf.Tensor1D, gradient: GatherGradient = DEFAULT_GATHER_GRADIENT): tf.Tensor2D {
  assertOneOf(gradient, GATHER_GRADIENTS, 'gradient');
  if (table.rank !== 2 || indices.rank !== 1 || indices.dtype !== 'int32') {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'indices', value: indices.shape, message: `gatherRows: expected a 2-D table and 1-D int32 indices, got [${table.shape}] and [${indices.shape}] ${indices.dtype}` });
  }
  return GATHERS[gradient](table, indices) as tf.Tensor2D;
}

/**
 * Layer normalisation over the last axis: (x − mean) / √(var + ε) · scale + bias, population variance.
 * @internal
 */
export function layerNorm(x: tf.Tensor, scale: tf.Tensor, bias: tf.Tensor, epsilon: number): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))), scale), bias);
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * GELU, tanh form: 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), evaluated as x·σ(2u) (the same function:
 * 1 + tanh(u) = 2σ(2u)) because the wasm backend's `tanh` is about 8× slower than its `sigmoid`; closed-form
 * gradient σ(2u) + x·σ(2u)·(1 − σ(2u))·2u′ with 2u′ = 2√(2/π)·(1 + 3·0.044715·x²).
 * @internal
 */
export const gelu = customGradient<[tf.Tensor]>((x, save) => {
  const square = tf.square(x);
  const gate = tf.sigmoid(tf.mul(x, tf.add(tf.mul(square, 2 * GELU_C * GELU_A), 2 * GELU_C)));
  save([x, square, gate]);
  return {
    value: tf.mul(x, gate),
    gradFunc: (upstream, saved) => {
      const [input, inputSquare, sigmoid] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const slope = tf.add(tf.mul(inputSquare, 6 * GELU_C * GELU_A), 2 * GELU_C);
      const derivative = tf.add(sigmoid, tf.mul(tf.mul(input, tf.mul(sigmoid, tf.sub(1, sigmoid))), slope));
      return [tf.mul(upstream, derivative)];
    },
  };
});

/**
 * How {@link attention} multiplies per (sequence, head) pair: `batched` with rank-3 `matMul`s (one kernel each);
 * `split` with one 2-D `matMul` per pair, fed from a single read-back of each operand. The wasm backend runs
 * batched products through a slow generic loop but 2-D products through XNNPACK, and its `slice` copies the
 * whole input per call, so `split` (with its own gradient) is about 3× faster there for training-size blocks;
 * `auto` picks `split` on wasm for 16 or more queries and `batched` otherwise (decoding steps, other backends).
 */
export type AttentionKernel = 'auto' | 'batched' | 'split';

/** Every {@link AttentionKernel}. */
export const ATTENTION_KERNELS: readonly AttentionKernel[] = Object.freeze(['auto', 'batched', 'split']);

/** `[n, rows, columns]` → n 2-D tensors, from one read-back (no tape: used inside custom gradients only). */
function splitPairs(tensor: tf.Tensor): tf.Tensor2D[] {
  const [count, rows, columns] = tensor.shape as [number, number, number];
  const values = tensor.dataSync() as Float32Array;
  const size = rows * columns;
  return Array.from({ length: count }, (_, index) => tf.tensor2d(values.subarray(index * size, (index + 1) * size), [rows, columns], 'float32'));
}

/** Per-pair products a_i·b_i of `[n, r, k]` and `[n, k, c]`, stacked to `[n, r, c]`. */
function pairProducts(a: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const left = splitPairs(a);
  const right = splitPairs(b);
  const products = left.map((matrix, index) => tf.matMul(matrix, right[index]!));
  const [count, rows] = a.shape as [number, number];
  const out = tf.reshape(tf.concat(products, 0), [count, rows, b.shape[2]!]) as tf.Tensor3D;
  tf.dispose([...left, ...right, ...products]);
  return out;
}

const swap3 = (tensor: tf.Tensor) => tf.transpose(tensor, [0, 2, 1]);

const splitAttention = customGradient<[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]>((queries, keysTransposed, values, mask, save) => {
  const probabilities = tf.softmax(tf.add(pairProducts(queries, keysTransposed), mask));
  save([queries, keysTransposed, values, probabilities]);
  return {
    value: pairProducts(probabilities, values),
    gradFunc: (upstream, saved) => {
      const [q, kT, v, p] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const valuesGradient = pairProducts(swap3(p), upstream);
      const probabilitiesGradient = pairProducts(upstream, swap3(v));
      const scoresGradient = tf.mul(p, tf.sub(probabilitiesGradient, tf.sum(tf.mul(probabilitiesGradient, p), -1, true)));
      const queriesGradient = pairProducts(scoresGradient, swap3(kT));
      const keysTransposedGradient = pairProducts(swap3(q), scoresGradient);
      return [queriesGradient, keysTransposedGradient, valuesGradient, tf.zerosLike(mask)];
    },
  };
});

/**
 * Scaled-dot-product attention core softmax(q·kᵀ + mask)·v for n (sequence, head) pairs (q already scaled), with
 * the keys given transposed (so that a decoding cache can grow along its last axis without a transpose per step).
 *
 * @param queries - `[n, queries, d]`
 * @param keysTransposed - `[n, d, keys]`
 * @param values - `[n, keys, d]`
 * @param mask - `[queries, keys]` additive mask (0 or a large negative number); no gradient flows into it
 * @param kernel - see {@link AttentionKernel}
 * @returns `[n, queries, d]`, owned by the caller
 * @internal
 */
export function attention(queries: tf.Tensor3D, keysTransposed: tf.Tensor3D, values: tf.Tensor3D, mask: tf.Tensor2D, kernel: AttentionKernel = 'auto'): tf.Tensor3D {
  const resolved = kernel === 'auto' ? (tf.getBackend() === 'wasm' && queries.shape[1] >= 16 ? 'split' : 'batched') : kernel;
  if (resolved === 'split') return splitAttention(queries, keysTransposed, values, mask) as tf.Tensor3D;
  return matMul(tf.softmax(tf.add(matMul(queries, keysTransposed), mask)), values) as tf.Tensor3D;
}
