import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@ares/core';
import { expect } from 'vitest';

/**
 * Test helpers of the `/tf` twins (imported by `src/tf/*.test.ts` only; not part of the build).
 * @internal
 */

/** Runs `run` and asserts that it leaves `tf.memory().numTensors` unchanged. */
export function expectNoLeak(run: () => void): void {
  const before = tf.memory().numTensors;
  run();
  expect(tf.memory().numTensors).toBe(before);
}

/** Seeded uniform values in [min, max) rounded to float32, so that tensors and typed arrays see the same data. */
export function uniformFloat32(seed: number, length: number, min: number, max: number): Float32Array {
  const random = createRng(seed);
  const out = new Float32Array(length);
  for (let index = 0; index < length; index++) out[index] = min + (max - min) * random();
  return out;
}

/**
 * Float64 central difference of a vector function: entry j is Σ_r upstream_r·(f_r(x + h·e_j) − f_r(x − h·e_j))/(2h).
 * With h = 1e-5 and smooth f of order-1 curvature the truncation error is ≈ 1e-10 and the rounding error
 * ≈ 1e-16/h = 1e-11, far below the float32 twins' tolerance.
 */
export function centralDifference(
  f: (x: Float64Array) => ArrayLike<number>,
  x: ArrayLike<number>,
  upstream: ArrayLike<number>,
  step = 1e-5,
): Float64Array {
  const point = Float64Array.from(x);
  const out = new Float64Array(point.length);
  for (let index = 0; index < point.length; index++) {
    const centre = point[index]!;
    point[index] = centre + step;
    const plus = f(point);
    point[index] = centre - step;
    const minus = f(point);
    point[index] = centre;
    let sum = 0;
    for (let row = 0; row < upstream.length; row++) sum += upstream[row]! * (plus[row]! - minus[row]!);
    out[index] = sum / (2 * step);
  }
  return out;
}

/** Reads a tensor's values, disposing the tensor. */
export function take(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  const copy = Float32Array.from(values);
  tensor.dispose();
  return copy;
}
