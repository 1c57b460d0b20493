import { AresError, assertBinaryMask, assertSameLength, type DifficultyBucket } from '@ares/core';
import { klEstimate } from '@ares/kl-budget/tf';
import type { KlEstimator } from '@ares/kl-budget';
import * as tf from '@tensorflow/tfjs-core';
import { invalidLabel, resolveSftOptions, rowWeights, type SftLossOptions } from '../sft-loss';

/** Inputs of the tfjs {@link sftLoss}: `[rows, columns, V]` (or `[tokens, V]`, one row) logits and per-position data. */
export interface SftLossTensorInput {
  /** Logits of π_θ, float32, shape `[rows, columns, V]` or `[tokens, V]` (the differentiable input). */
  readonly logits: tf.Tensor;
  /** Target token per position (leading shape, row-major): a tensor or an array-like of integers. */
  readonly labels: tf.Tensor | ArrayLike<number>;
  /** 0/1 loss mask per position: a tensor or an array-like. */
  readonly mask: tf.Tensor | ArrayLike<number>;
  /** The bucket of each row; required when a KL weight is non-zero. */
  readonly buckets?: readonly DifficultyBucket[];
  /** Logits of π_init, the shape of `logits` (not differentiated); required for `kl: 'exact'` with a KL weight. */
  readonly initialLogits?: tf.Tensor;
  /** ln π_init(y_t) per position, for an estimator (else computed from `initialLogits`). */
  readonly initialLogProbs?: tf.Tensor | ArrayLike<number>;
}

function hostValues(value: tf.Tensor | ArrayLike<number>): ArrayLike<number> {
  return value instanceof tf.Tensor ? value.dataSync() : value;
}

type Forward = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/**
 * The AdaCS supervised fine-tuning loss as a differentiable tfjs op: the twin of the typed-array `sftLoss`.
 *
 * L = (1/N)·Σ_{t: m_t = 1} [−ln π_θ(y_t | s_t) + β_{d(t)}·KL_t], N = Σ_t m_t; KL_t exact
 * (Σ_v π_θ(v)·ln(π_θ(v)/π_init(v))) or klEstimate(ln π_θ(y_t), ln π_init(y_t)). Gradient with respect to the logits
 * of a position: (m_t/N)·[softmax(z_t) − onehot(y_t) + β·p⊙(ln p − ln q − KL_t)] (exact), or with
 * β·(∂kl/∂lp)·(onehot − softmax) for an estimator.
 *
 * @param input - `logits` (float32 `[rows, columns, V]` or `[tokens, V]`), `labels`, `mask`, optional `buckets`,
 *   `initialLogits`, `initialLogProbs` (see {@link SftLossTensorInput})
 * @param options - `klWeights` β_d (default 0 everywhere: plain SFT) and `kl` (`exact` or a `klEstimate` estimator)
 * @returns a new float32 scalar tensor, owned by the caller (dispose it)
 * @throws {AresError} `SHAPE_MISMATCH` when `logits` is not rank 2 or 3, `labels`/`mask`/`initialLogProbs` do not
 *   have one value per position, `initialLogits` differs in shape, or `buckets` has not one entry per row;
 *   `INVALID_ARGUMENT` for an empty vocabulary axis, a mask value other than 0/1, a masked-in label outside [0, V),
 *   a bad bucket or KL weight, or a missing input that a non-zero KL weight needs; `UNSUPPORTED` for an unknown
 *   `options.kl`
 * @remarks
 * ## Numerics
 * Float32 inside `tf.tidy`: max-shifted log-softmax, per-token weights m_t/N and β_{d(t)}·m_t/N computed on the host.
 * The gradients are closed forms attached with `tf.customGrad` (label log-probability, exact KL, and the weighted
 * sum), with the estimator gradients of `@ares/kl-budget/tf` in between, so the loss differentiates with tfjs-core
 * alone. Masked-out positions are removed with `tf.where` in both passes: their labels are not read and NaN there
 * changes neither value nor gradient. π_init gets no gradient (it is the frozen model before SFT). Labels and mask are
 * read back once (`dataSync`) to validate and weight them. Agrees with the typed-array `sftLoss` within rtol 1e-4 /
 * atol 1e-5.
 * @example
 * ```ts
 * const loss = sftLoss({ logits: tf.zeros([1, 2, 4]), labels: [1, 3], mask: [1, 1] }); // ln 4
 * loss.dispose();
 * ```
 * @see SPEC.md §2.7 (KL-guided fine-tuning), §1.4 (the `/tf` subpath), §2.4 (`klEstimate`)
 */
export function sftLoss(input: SftLossTensorInput, options: SftLossOptions = {}): tf.Scalar {
  const settings = resolveSftOptions(options);
  const { logits, initialLogits } = input;
  if (logits.rank !== 2 && logits.rank !== 3) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'input.logits', value: logits.shape, message: `input.logits: expected rank 2 [tokens, V] or 3 [rows, columns, V], got shape [${logits.shape.join(', ')}]` });
  }
  const vocabSize = logits.shape[logits.rank - 1]!;
  if (vocabSize < 1) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'input.logits', value: logits.shape, message: 'input.logits: the vocabulary axis is empty' });
  }
  const rows = logits.rank === 3 ? logits.shape[0]! : 1;
  const tokens = logits.size / vocabSize;
  const labels = hostValues(input.labels);
  const mask = hostValues(input.mask);
  assertSameLength(labels.length, tokens, 'input.labels', 'logits positions');
  assertSameLength(mask.length, tokens, 'input.mask', 'logits positions');
  assertBinaryMask(mask, 'input.mask');
  let count = 0;
  const safeLabels = new Int32Array(tokens);
  for (let t = 0; t < tokens; t++) {
    if (mask[t] !== 1) continue;
    count++;
    const label = labels[t]!;
    if (!Number.isInteger(label) || label < 0 || label >= vocabSize) throw invalidLabel('input.labels', t, label, vocabSize);
    safeLabels[t] = label;
  }
  let betas: Float64Array | undefined;
  let referenceLogProbs: ArrayLike<number> | tf.Tensor | undefined;
  if (settings.anchored) {
    betas = rowWeights(input.buckets, rows, settings.weights, 'input.buckets');
    if (initialLogits !== undefined && !tf.util.arraysEqual(initialLogits.shape, logits.shape)) {
      throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'input.initialLogits', value: initialLogits.shape, message: `input.initialLogits: shape [${initialLogits.shape.join(', ')}] differs from input.logits shape [${logits.shape.join(', ')}]` });
    }
    if (settings.kl !== 'exact' && input.initialLogProbs !== undefined) {
      referenceLogProbs = input.initialLogProbs;
      assertSameLength(referenceLogProbs instanceof tf.Tensor ? referenceLogProbs.size : referenceLogProbs.length, tokens, 'input.initialLogProbs', 'logits positions');
    } else if (initialLogits === undefined) {
      const needed = settings.kl === 'exact' ? 'input.initialLogits' : 'input.initialLogProbs';
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: needed, value: undefined, message: `${needed}: required for the KL anchor (kl: ${settings.kl})` });
    }
  }
  const columns = tokens / rows;
  const ceWeights = new Float32Array(tokens);
  const klWeights = new Float32Array(tokens);
  const present = new Uint8Array(tokens);
  for (let t = 0; t < tokens; t++) {
    if (mask[t] !== 1) continue;
    present[t] = 1;
    ceWeights[t] = 1 / count;
    if (betas !== undefined) klWeights[t] = betas[Math.floor(t / columns)]! / count;
  }
  const anchored = betas !== undefined;
  return tf.tidy(() => {
    const policy = logits.dtype === 'float32' ? logits : tf.cast(logits, 'float32');
    const shape = policy.shape;
    const keep = tf.tensor1d(present, 'bool');
    const keepRows = tf.reshape(keep, [tokens, 1]);
    const flatIndices = tf.tensor1d(safeLabels.map((label, t) => t * vocabSize + label), 'int32');
    const oneHot = tf.oneHot(tf.tensor1d(safeLabels, 'int32'), vocabSize, 1, 0, 'float32');

    // ln π_θ(y_t) per position; ∂/∂z = onehot − softmax (zero at masked positions).
    const labelLogProbs = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
      const logSoftmax = tf.logSoftmax(tf.reshape(z, [tokens, vocabSize]));
      // Everything the gradient needs is saved: tensors captured by the closure are freed when this tidy ends.
      save([logSoftmax, oneHot, keepRows]);
      return {
        // 0 at masked positions (which may hold NaN), so that the estimator below sees finite values.
        value: tf.where(keep, tf.gather(tf.reshape(logSoftmax, [tokens * vocabSize]), flatIndices), tf.zeros([tokens])),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [savedLogSoftmax, savedOneHot, savedKeep] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          const perLogit = tf.mul(tf.sub(savedOneHot, tf.exp(savedLogSoftmax)), tf.reshape(dy, [tokens, 1]));
          return tf.reshape(tf.where(savedKeep, perLogit, tf.zerosLike(perLogit)), shape);
        },
      };
    }) as Forward)(policy);

    let kl: tf.Tensor = tf.zeros([tokens]);
    if (anchored && settings.kl === 'exact') {
      const initial = tf.reshape(initialLogits!.dtype === 'float32' ? initialLogits! : tf.cast(initialLogits!, 'float32'), [tokens, vocabSize]);
      const initialLogSoftmax = tf.logSoftmax(initial);
      kl = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
        const logSoftmax = tf.logSoftmax(tf.reshape(z, [tokens, vocabSize]));
        const probabilities = tf.exp(logSoftmax);
        const positive = tf.greater(probabilities, 0);
        const ratio = tf.sub(logSoftmax, initialLogSoftmax);
        const terms = tf.where(positive, tf.mul(probabilities, ratio), tf.zerosLike(ratio)); // 0·ln(0/q) = 0
        const value = tf.sum(terms, 1);
        save([probabilities, ratio, value, keepRows]);
        return {
          value,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const [p, r, klValue, savedKeep] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
            // ∂KL/∂z_j = p_j·(ln p_j − ln q_j − KL); 0 where p_j = 0, and at masked positions.
            const centred = tf.sub(r, tf.reshape(klValue, [tokens, 1]));
            const perLogit = tf.where(tf.logicalAnd(tf.greater(p, 0), savedKeep), tf.mul(tf.mul(p, centred), tf.reshape(dy, [tokens, 1])), tf.zerosLike(p));
            return tf.reshape(perLogit, shape);
          },
        };
      }) as Forward)(policy);
    } else if (anchored) {
      let reference: tf.Tensor;
      if (referenceLogProbs !== undefined) {
        reference = referenceLogProbs instanceof tf.Tensor ? tf.cast(tf.reshape(referenceLogProbs, [tokens]), 'float32') : tf.tensor1d(Float32Array.from(referenceLogProbs));
      } else {
        const initial = tf.reshape(initialLogits!.dtype === 'float32' ? initialLogits! : tf.cast(initialLogits!, 'float32'), [tokens * vocabSize]);
        reference = tf.gather(tf.reshape(tf.logSoftmax(tf.reshape(initial, [tokens, vocabSize])), [tokens * vocabSize]), flatIndices);
      }
      // Masked positions may hold NaN or −100 padding: the estimator sees 0 against 0 there (labelLogProbs is 0).
      kl = klEstimate(labelLogProbs, tf.where(keep, reference, tf.zerosLike(reference)), settings.kl as KlEstimator);
    }

    const ce = tf.tensor1d(ceWeights);
    const beta = tf.tensor1d(klWeights);
    const weighted = tf.customGrad(((logProbability: tf.Tensor, klValues: tf.Tensor, save: tf.GradSaveFunc) => {
      save([ce, beta]);
      const cleanLogProbability = tf.where(keep, logProbability, tf.zerosLike(logProbability));
      const cleanKl = tf.where(keep, klValues, tf.zerosLike(klValues));
      const value = tf.sum(tf.add(tf.mul(tf.neg(ce), cleanLogProbability), tf.mul(beta, cleanKl)));
      return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.neg(saved[0]!)), tf.mul(dy, saved[1]!)] };
    }) as Forward);
    return weighted(labelLogProbs, kl) as tf.Scalar;
  });
}
