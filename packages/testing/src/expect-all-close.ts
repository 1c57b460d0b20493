/** Tolerances with `numpy.allclose` semantics: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Exact float64 arithmetic up to summation order. */
export const FLOAT64: Tolerance = Object.freeze({ rtol: 1e-12, atol: 0 });
/** Float32 data or float32 kernels compared with a float64 reference. */
export const FLOAT32: Tolerance = Object.freeze({ rtol: 1e-5, atol: 1e-6 });
/** The tfjs CPU backend (float32 tensors) compared with the typed-array functions. */
export const TFJS_CPU: Tolerance = Object.freeze({ rtol: 1e-4, atol: 1e-5 });
/** Reference vectors printed to ten or more significant digits (SPEC, numpy fixtures). */
export const REFERENCE: Tolerance = Object.freeze({ rtol: 1e-10, atol: 1e-12 });

function describe(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * Asserts element-wise closeness with `numpy.allclose` semantics; NaN equals NaN, ±Infinity must match exactly.
 * Lengths are compared first; the first failing index is reported together with the tolerances.
 */
export function expectAllClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  tolerance: Tolerance = FLOAT64,
): void {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  if (a.length !== e.length) {
    throw new Error(`expectAllClose: length ${a.length} differs from expected length ${e.length}`);
  }
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = e[index]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      if (x === y) continue;
    } else if (Math.abs(x - y) <= tolerance.atol + tolerance.rtol * Math.abs(y)) {
      continue;
    }
    throw new Error(
      `expectAllClose: index ${index}: actual ${describe(x)} vs expected ${describe(y)} ` +
        `(|diff| ${Math.abs(x - y)} > atol ${tolerance.atol} + rtol ${tolerance.rtol}·|expected|)`,
    );
  }
}
