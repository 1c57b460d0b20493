import { AresError, assertSameLength } from '@ares/core';
import { rowArgmax } from './kernels/row-argmax';
import { validateLogits } from './validate';

/** Options of {@link logProbabilities}. */
export interface LogProbabilitiesOptions {
  /**
   * Sampling temperature T > 0; log-probabilities are those of softmax(z / T).
   * @default 1
   */
  readonly temperature?: number;
}

/** Defaults of {@link LogProbabilitiesOptions}. */
export const DEFAULT_LOG_PROBABILITIES_OPTIONS: Readonly<Required<LogProbabilitiesOptions>> = Object.freeze({
  temperature: 1,
});

/**
 * Log-probability of one label per row under softmax(z / T).
 *
 * ℓ_t = z'_{t,y_t} − (m + ln Σ_j exp(z'_{t,j} − m)), with z' = z/T and m = max_j z'_{t,j}.
 *
 * @param logits - row-major `rows × vocabSize` logits
 * @param vocabSize - V, a positive integer
 * @param labels - one integer label in [0, V) per row
 * @param options - `temperature` (default 1)
 * @returns a new `Float64Array` of `rows` log-probabilities (≤ 0)
 * @throws {AresError} `INVALID_ARGUMENT` for a bad `vocabSize`, `temperature` or a label that is not an integer in
 *   [0, V); `SHAPE_MISMATCH` when `logits.length` is not a multiple of `vocabSize` or `labels.length` ≠ rows
 * @remarks
 * ## Numerics
 * Max-shifted log-sum-exp in float64, index order, evaluated as ℓ_t = (z_{t,y_t} − max z_t)/T − log1p(r) with
 * r = Σ_{j≠argmax} exp((z_{t,j} − max z_t)/T): the centred form keeps the relative accuracy of log-probabilities
 * near 0 (z' − (m + ln s) loses it when m ≫ ln s), and dividing the difference cannot overflow for a tiny T.
 * A −∞ label logit gives −∞; a row with NaN or +∞, or only −∞, gives NaN.
 * @example
 * ```ts
 * logProbabilities(new Float32Array([0, 0, 0, 0]), 4, [2]) // Float64Array [−ln 4]
 * ```
 * @see SPEC.md §2.2 (Log-probabilities)
 */
export function logProbabilities(
  logits: Float32Array | Float64Array,
  vocabSize: number,
  labels: ArrayLike<number>,
  options: LogProbabilitiesOptions = {},
): Float64Array {
  const temperature = options.temperature ?? DEFAULT_LOG_PROBABILITIES_OPTIONS.temperature;
  const rows = validateLogits(logits, vocabSize, temperature);
  assertSameLength(labels.length, rows, 'labels', 'logits rows');
  for (let row = 0; row < rows; row++) {
    const label = labels[row]!;
    if (!Number.isInteger(label) || label < 0 || label >= vocabSize) {
      throw new AresError({
        code: 'INVALID_ARGUMENT',
        parameter: 'labels',
        value: label,
        message: `labels: element ${row} is ${label}; expected an integer in [0, ${vocabSize})`,
      });
    }
  }
  const out = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const offset = row * vocabSize;
    const end = offset + vocabSize;
    const maxIndex = rowArgmax(logits, offset, end);
    if (maxIndex < 0) {
      out[row] = Number.NaN;
      continue;
    }
    const max = logits[maxIndex]!;
    // ln s = log1p(Σ_{j≠argmax} exp((z_j − max z)/T)); the argmax term is exactly 1.
    let rest = 0;
    for (let index = offset; index < maxIndex; index++) rest += Math.exp((logits[index]! - max) / temperature);
    for (let index = maxIndex + 1; index < end; index++) rest += Math.exp((logits[index]! - max) / temperature);
    out[row] = (logits[offset + labels[row]!]! - max) / temperature - Math.log1p(rest);
  }
  return out;
}
