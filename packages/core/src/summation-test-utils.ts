// Test helpers shared by the summation tests (not exported from the package).

/**
 * Exact sum of finite doubles through BigInt rationals scaled by 2^1100 (every finite double is a multiple of
 * 2^-1074), rounded to the nearest double; an independent reference for the compensated sums.
 */
export function exactSum(values: readonly number[]): number {
  const scale = 1100n;
  let total = 0n;
  const buffer = new DataView(new ArrayBuffer(8));
  for (const value of values) {
    if (value === 0) continue;
    buffer.setFloat64(0, value);
    const bits = buffer.getBigUint64(0);
    const sign = bits >> 63n ? -1n : 1n;
    const exponent = Number((bits >> 52n) & 0x7ffn);
    const fraction = bits & ((1n << 52n) - 1n);
    const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
    const shift = BigInt((exponent === 0 ? 1 : exponent) - 1075) + scale;
    total += sign * (mantissa << shift);
  }
  // Convert total / 2^1100 to the nearest double via a decimal-free route: Number() of a BigInt rounds correctly.
  const negative = total < 0n;
  let magnitude = negative ? -total : total;
  let exponent = -Number(scale);
  while (magnitude > (1n << 1000n)) {
    magnitude >>= 1n; // loses bits far below double precision only for huge sums; fine for the ranges tested
    exponent += 1;
  }
  // Two exact power-of-two scalings, so 2^-1100 never underflows on its own.
  const result = Number(magnitude) * 2 ** Math.ceil(exponent / 2) * 2 ** Math.floor(exponent / 2);
  return negative ? -result : result;
}

/**
 * The error bound the compensated sums must meet against {@link exactSum}: about 2ε·|Σx| plus a second-order term
 * in Σ|x| (and a floor for sums that round to zero).
 */
export function compensatedErrorBound(values: readonly number[]): number {
  const absSum = values.reduce((sum, value) => sum + Math.abs(value), 0);
  return 2 * Number.EPSILON * Math.abs(exactSum(values)) + 1e-300 + 1e-28 * absSum;
}

/**
 * Neumaier's loop as first written, with an explicit "any total was non-finite" flag and a final `sum + correction`
 * that skips a zero correction (to keep a `-0` sum): a second, independent implementation that pins down the exact
 * bits `neumaierSum` and `NeumaierAccumulator` must give, specials included. `initial` +0 gives the sign of zero of
 * torch and NumPy reductions, which start from +0.
 */
export function textbookNeumaierSum(values: readonly number[], initial = -0): number {
  let sum = initial;
  let correction = 0;
  let finite = true;
  for (const value of values) {
    const total = sum + value;
    if (Math.abs(sum) >= Math.abs(value)) correction += sum - total + value;
    else correction += value - total + sum;
    if (!Number.isFinite(total)) finite = false;
    sum = total;
  }
  if (!finite) return sum;
  return correction === 0 ? sum : sum + correction;
}
