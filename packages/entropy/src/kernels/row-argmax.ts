/**
 * The index of the first maximum of `logits[start, end)`, or −1 when the row has no softmax: it holds a NaN or a
 * +Infinity, or only −Infinity. The shared first pass of the max-shifted row kernels (`entropyRowsJs`,
 * `logProbabilities`); read the maximum as `logits[index]`.
 * @internal
 */
export function rowArgmax(logits: Float32Array | Float64Array, start: number, end: number): number {
  let max = -Infinity;
  let maxIndex = start;
  let invalid = false;
  for (let index = start; index < end; index++) {
    const value = logits[index]!;
    if (value > max) {
      max = value;
      maxIndex = index;
    } else if (value !== value) invalid = true;
  }
  return invalid || max === Infinity || max === -Infinity ? -1 : maxIndex;
}
