import { AresError, assertDifficultyBuckets, type DifficultyBucket } from '@ares/core';
import * as tf from '@tensorflow/tfjs-core';
import { resolveTokenWeightOptions, type KlTokenWeightsOptions } from '../kl-token-weights';

/**
 * Per-token KL weights as a tfjs tensor; the twin of the typed-array `klTokenWeights`.
 *
 * β_{i,t} = β_{d(i)}·ρ^{m_{i,t}}: β_d outside HWE windows and ρ·β_d inside them (paper eq. 1, App. F).
 *
 * @param windowMask - 0/1 HWE mask m, a `[rows, columns]` tensor
 * @param buckets - the difficulty bucket d(i) of each row; length `rows`
 * @param options - `rho` (default 0.5) and `base` (default β_d = 1)
 * @returns a new float32 `[rows, columns]` tensor of weights, owned by the caller (dispose it)
 * @throws {AresError} `SHAPE_MISMATCH` when `windowMask` is not rank 2 or `buckets` has the wrong length;
 *   `INVALID_ARGUMENT` for an unknown bucket, ρ ∉ (0, 1] or a negative or non-finite β_d
 * @remarks
 * ## Numerics
 * Float32, computed as β_d·(1 − (1 − ρ)·m), which equals β_d·ρ^m for a 0/1 mask. Mask values are not checked
 * (that would need a download from the backend). The weights are constants: no gradient flows to `windowMask`.
 * @example
 * ```ts
 * const weights = klTokenWeights(tf.tensor2d([[0, 1], [1, 0]]), ['easy', 'hard'], { base: { hard: 2 } });
 * // [[1, 0.5], [1, 2]]
 * ```
 * @see SPEC.md §2.4 (Token weights), §1.4 (the `/tf` subpath)
 */
export function klTokenWeights(windowMask: tf.Tensor, buckets: ArrayLike<DifficultyBucket>, options: KlTokenWeightsOptions = {}): tf.Tensor2D {
  if (windowMask.rank !== 2) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'windowMask', value: windowMask.shape, message: `windowMask: expected a rank-2 [rows, columns] tensor, got shape [${windowMask.shape.join(', ')}]` });
  }
  const [rows] = windowMask.shape as [number, number];
  if (buckets.length !== rows) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'buckets', value: buckets.length, message: `buckets: length ${buckets.length} differs from the ${rows} rows of windowMask` });
  }
  assertDifficultyBuckets(buckets, 'buckets');
  const { rho, base } = resolveTokenWeightOptions(options);
  const rowWeights = new Float32Array(rows);
  for (let row = 0; row < rows; row++) rowWeights[row] = base[buckets[row]!];
  return tf.tidy(() => tf.mul(tf.tensor2d(rowWeights, [rows, 1]), tf.sub(1, tf.mul(1 - rho, tf.cast(windowMask, 'float32')))) as tf.Tensor2D);
}
