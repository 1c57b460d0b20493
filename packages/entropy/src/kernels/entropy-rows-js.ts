import { rowArgmax } from './row-argmax';

/**
 * Plain-JavaScript kernel: writes the softmax entropy of each row of `logits / temperature` into `out`.
 * Inputs are assumed validated. Rows with NaN, +Infinity or only −Infinity give NaN; −Infinity logits contribute 0.
 *
 * With c_j = (z_j − max z)/T (= z'_j − m, since T > 0 keeps the argmax), e_j = exp(c_j) and
 * r = Σ_{j≠argmax} e_j (so s = 1 + r): H = log1p(r) − (1/(1 + r))·Σ_{e_j>0} e_j·c_j. Leaving the argmax term out of
 * r keeps the relative accuracy of near one-hot rows, whose ln s is far below ε; subtracting before dividing cannot
 * overflow where z / T would for a tiny temperature.
 * @internal
 */
export function entropyRowsJs(
  logits: Float32Array | Float64Array,
  vocabSize: number,
  temperature: number,
  out: Float64Array,
  firstRow = 0,
  endRow = out.length,
): void {
  for (let row = firstRow; row < endRow; row++) {
    const offset = row * vocabSize;
    const end = offset + vocabSize;
    const maxIndex = rowArgmax(logits, offset, end);
    if (maxIndex < 0) {
      out[row] = Number.NaN;
      continue;
    }
    const max = logits[maxIndex]!;
    // The argmax term (e = 1, c = 0) is left out of both sums: s = 1 + rest.
    let rest = 0;
    let weighted = 0;
    for (let index = offset; index < maxIndex; index++) {
      const centred = (logits[index]! - max) / temperature;
      const weight = Math.exp(centred);
      rest += weight;
      if (weight > 0) weighted += weight * centred;
    }
    for (let index = maxIndex + 1; index < end; index++) {
      const centred = (logits[index]! - max) / temperature;
      const weight = Math.exp(centred);
      rest += weight;
      if (weight > 0) weighted += weight * centred;
    }
    out[row] = Math.log1p(rest) - weighted / (1 + rest);
  }
}
