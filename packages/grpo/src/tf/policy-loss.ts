import * as tf from '@tensorflow/tfjs-core';
import { type PolicyLossOptions, resolvePolicyLossOptions } from '../policy-loss';
import { aggregateKernel, assertFloatTensor, assertNonEmptyTensor, assertShape, whereMean } from './internal';

/** Inputs of the tfjs {@link policyLoss}: float32 tensors of one shape [rows, columns]. */
export interface PolicyLossTensors {
  /** log π_θ of the sampled tokens; the gradient flows through it. */
  readonly logProbs: tf.Tensor2D;
  /** log π_old of the same tokens (treated as a constant). */
  readonly oldLogProbs: tf.Tensor2D;
  /** Per-token advantages (treated as a constant). */
  readonly advantages: tf.Tensor2D;
  /** 0/1 response mask. */
  readonly mask: tf.Tensor2D;
}

/** Result of the tfjs {@link policyLoss}: four scalar tensors, all owned by the caller. */
export interface PolicyLossTensorResult {
  /** The aggregated clipped surrogate, differentiable w.r.t. `logProbs`. */
  readonly loss: tf.Scalar;
  /** Masked mean of 1{L2 > L1}. */
  readonly clipFraction: tf.Scalar;
  /** Masked mean of 1{Lc > −A·dualClip and A < 0}. */
  readonly clipFractionLower: tf.Scalar;
  /** Masked mean of −clamp(lp − old, −20, 20). */
  readonly approxKl: tf.Scalar;
}

/**
 * tfjs twin of `policyLoss`: verl's clipped surrogate with dual clip, differentiable w.r.t. `logProbs`.
 *
 * d = clamp(lp − old, −20, 20); r = e^d; L1 = −A·r; L2 = −A·clamp(r, 1 − clipLow, 1 + clipHigh);
 * Lc = max(L1, L2); L = (A < 0) ? min(Lc, −A·dualClip) : Lc; loss = aggregateLoss(L, M, aggregation).
 *
 * @param input - `logProbs`, `oldLogProbs`, `advantages`, `mask`: float32 tensors [rows, columns]
 * @param options - `clipLow` (0.2), `clipHigh` (0.28), `dualClip` (3), `aggregation` ('token-mean'),
 *   `aggregationOptions`
 * @returns `{ loss, clipFraction, clipFractionLower, approxKl }`, scalar tensors owned by the caller (dispose all
 *   four, e.g. with `tf.dispose(Object.values(result))`)
 * @throws {AresError} as the typed-array `policyLoss` for the options; `SHAPE_MISMATCH` when `logProbs` is not
 *   rank 2 or another input has a different shape; `INVALID_ARGUMENT` for non-float32 inputs; `EMPTY_INPUT` for
 *   an empty batch
 * @remarks
 * ## Numerics
 * float32 ops of the backend. Gradients follow torch: 0 through the ±20 clamp outside its range, 0 for A > 0
 * once r > 1 + clipHigh, for A < 0 once r < 1 − clipLow, and for A < 0 once the dual clip binds (r > dualClip);
 * −A·r·(coefficient of the aggregation) otherwise. tfjs sends the whole gradient of max/min ties to the first
 * argument, torch splits it; the two branches have equal gradients at a tie inside the range, so this only
 * differs exactly on a clip boundary. A NaN log-prob at a masked-out position gives a NaN gradient at that
 * position only. Mask values are not checked for 0/1.
 * @example
 * ```ts
 * const [zero, one] = [tf.tensor2d([[0]]), tf.tensor2d([[1]])]
 * const lossOf = (lp: tf.Tensor) => policyLoss({ logProbs: lp as tf.Tensor2D, oldLogProbs: zero, advantages: one, mask: one }).loss
 * tf.grad(lossOf)(tf.tensor2d([[Math.log(1.5)]])) // [[0]]: A = 1 and r = 1.5 > 1 + 0.28, the loss is flat at −1.28
 * ```
 * @see SPEC.md §1.4 (The /tf subpath), §2.5 (policyLoss) and §6.4 item 21; verl
 *   `core_algos.compute_policy_loss_vanilla`
 */
export function policyLoss(input: PolicyLossTensors, options: PolicyLossOptions = {}): PolicyLossTensorResult {
  const settings = resolvePolicyLossOptions(options);
  const { logProbs, oldLogProbs, advantages, mask } = input;
  assertFloatTensor(logProbs, 'input.logProbs', 2);
  assertShape(oldLogProbs, logProbs.shape, 'input.oldLogProbs', 'input.logProbs');
  assertShape(advantages, logProbs.shape, 'input.advantages', 'input.logProbs');
  assertShape(mask, logProbs.shape, 'input.mask', 'input.logProbs');
  assertFloatTensor(oldLogProbs, 'input.oldLogProbs');
  assertFloatTensor(advantages, 'input.advantages');
  assertNonEmptyTensor(logProbs, 'input.logProbs');
  return tf.tidy(() => {
    const weights = tf.cast(mask, 'float32') as tf.Tensor2D;
    const logRatio = tf.clipByValue(tf.sub(logProbs, oldLogProbs), -20, 20);
    const ratio = tf.exp(logRatio);
    const negatedAdvantages = tf.neg(advantages);
    const unclipped = tf.mul(negatedAdvantages, ratio);
    const clipped = tf.mul(negatedAdvantages, tf.clipByValue(ratio, 1 - settings.clipLow, 1 + settings.clipHigh));
    const pessimistic = tf.maximum(unclipped, clipped);
    const dualBound = tf.mul(negatedAdvantages, tf.scalar(settings.dualClip));
    const negative = tf.less(advantages, 0);
    const losses = tf.where(negative, tf.minimum(dualBound, pessimistic), pessimistic) as tf.Tensor2D;
    return {
      loss: aggregateKernel(losses, weights, settings.aggregation),
      clipFraction: whereMean(tf.cast(tf.greater(clipped, unclipped), 'float32'), weights),
      clipFractionLower: whereMean(tf.cast(tf.logicalAnd(tf.greater(pessimistic, dualBound), negative), 'float32'), weights),
      approxKl: whereMean(tf.neg(logRatio), weights),
    };
  });
}
