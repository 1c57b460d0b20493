import { AresError, assertDifficultyBuckets, assertSameShape, DIFFICULTY_BUCKETS, type DifficultyBucket } from '@ares/core';
import * as tf from '@tensorflow/tfjs-core';
import { resolveAggregation, resolveCoefficients, type KlCoefficients, type KlLossOptions } from '../kl-loss';
import { resolveTokenWeightOptions } from '../kl-token-weights';

/** The tensor inputs of the tfjs {@link klLoss}: `rows × columns` float32 tensors plus one bucket per row. */
export interface KlLossTensorInput {
  /** Per-token KL estimates, shape `[rows, columns]` (the differentiable input, e.g. from tf `klEstimate`). */
  readonly kl: tf.Tensor;
  /** 0/1 response mask, the shape of `kl`. */
  readonly mask: tf.Tensor;
  /** The difficulty bucket of each row; length `rows`. */
  readonly buckets: ArrayLike<DifficultyBucket>;
  /** 0/1 HWE mask m, the shape of `kl`; absent means no window tokens. */
  readonly windowMask?: tf.Tensor;
}

/**
 * The token-weighted, per-bucket-controlled KL loss as a differentiable tfjs scalar; the twin of the typed-array
 * `klLoss`.
 *
 * L_KL = agg(κ_{d(i)}·β_{d(i)}·ρ^{m_{i,t}}·kl_{i,t}) with `token-mean` (÷ Σ mask) or `seq-mean-token-mean`
 * (÷ L_i per row, then the mean over rows with L_i > 0).
 *
 * @param input - `kl`, `mask`, optional `windowMask` (`[rows, columns]` tensors) and `buckets`
 * @param coefficients - κ_d per bucket: a record or a controller (read once, treated as constants)
 * @param options - `aggregation` (default `token-mean`), `rho` (default 0.5), `base` (default β_d = 1)
 * @returns a new float32 scalar tensor owned by the caller (dispose it); 0 when there is no valid token
 * @throws {AresError} `SHAPE_MISMATCH` when `kl` is not rank 2, a mask shape differs or `buckets` has the wrong
 *   length; `INVALID_ARGUMENT` for an unknown bucket, a bad coefficient, ρ or β_d; `UNSUPPORTED` for an unknown
 *   aggregation mode
 * @remarks
 * ## Numerics
 * Float32 sums inside `tf.tidy`. The loss is linear in kl, L = Σ c_{i,t}·kl_{i,t}, and its gradient is attached in
 * closed form with `tf.customGrad` (no registered tfjs gradients needed): ∂L/∂kl_{i,t} = c_{i,t} =
 * κ_dβ_dρ^m·mask/N (`token-mean`, N valid tokens) or κ_dβ_dρ^m·mask/(L_i·G') (`seq-mean-token-mean`). Masks and
 * coefficients are constants. Padding is removed with `tf.where` before weighting, so NaN there changes neither
 * the loss nor the gradient. Mask values are used as given (checking them would need a download from the
 * backend); pass 0/1 masks.
 * @example
 * ```ts
 * const loss = klLoss({ kl, mask, buckets: ['easy', 'hard'] }, controller); // kl, mask: [2, T] tensors
 * ```
 * @see SPEC.md §2.4 (KL loss), §1.4 (the `/tf` subpath)
 */
export function klLoss(input: KlLossTensorInput, coefficients: KlCoefficients, options: KlLossOptions = {}): tf.Scalar {
  const { kl, mask, buckets, windowMask } = input;
  if (kl.rank !== 2) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'input.kl', value: kl.shape, message: `input.kl: expected a rank-2 [rows, columns] tensor, got shape [${kl.shape.join(', ')}]` });
  }
  assertSameShape(mask.shape, kl.shape, 'input.mask', 'input.kl');
  if (windowMask !== undefined) assertSameShape(windowMask.shape, kl.shape, 'input.windowMask', 'input.kl');
  const [rows] = kl.shape as [number, number];
  if (buckets.length !== rows) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'buckets', value: buckets.length, message: `buckets: length ${buckets.length} differs from the ${rows} rows of input.kl` });
  }
  assertDifficultyBuckets(buckets, 'buckets');
  const aggregation = resolveAggregation(options);
  const { rho, base } = resolveTokenWeightOptions(options);
  const kappa = resolveCoefficients(coefficients, buckets);
  const rowWeights = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const bucket = buckets[row]!;
    rowWeights[row] = kappa[DIFFICULTY_BUCKETS.indexOf(bucket)]! * base[bucket];
  }
  return tf.tidy(() => {
    const values = kl.dtype === 'float32' ? kl : tf.cast(kl, 'float32');
    const valid = tf.cast(mask, 'float32');
    let weights = tf.mul(tf.tensor2d(rowWeights, [rows, 1]), valid);
    if (windowMask !== undefined) {
      weights = tf.mul(weights, tf.sub(1, tf.mul(1 - rho, tf.cast(windowMask, 'float32'))));
    }
    // The loss is linear in kl: L = Σ c_{i,t}·kl_{i,t} with c = w·mask/N or w·mask/(L_i·G').
    let factors: tf.Tensor;
    if (aggregation === 'token-mean') {
      factors = tf.div(weights, tf.maximum(tf.sum(valid), 1));
    } else {
      const lengths = tf.sum(valid, 1, true);
      const sequences = tf.sum(tf.cast(tf.greater(lengths, 0), 'float32'));
      factors = tf.div(tf.div(weights, tf.maximum(lengths, 1)), tf.maximum(sequences, 1));
    }
    const present = tf.greater(valid, 0);
    const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([factors]);
      // Padding is removed before weighting, so NaN there changes neither the value nor the gradient.
      const clean = tf.where(present, input, tf.zerosLike(input));
      return { value: tf.sum(tf.mul(factors, clean)) as tf.Scalar, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]!) };
    });
    return loss(values);
  });
}
