import fc from 'fast-check';

/** Finite float32 values in [min, max] as a Float32Array of the given length range. */
export function finiteFloat32Array(options: {
  min: number;
  max: number;
  minLength?: number;
  maxLength?: number;
}): fc.Arbitrary<Float32Array> {
  return fc.float32Array({
    noNaN: true,
    noDefaultInfinity: true,
    min: Math.fround(options.min),
    max: Math.fround(options.max),
    minLength: options.minLength ?? 1,
    maxLength: options.maxLength ?? 64,
  });
}

/** A logits matrix: `rows` × `vocabSize` finite float32 values in [−scale, scale]. */
export function logitsMatrix(options: {
  maxRows?: number;
  maxVocab?: number;
  scale?: number;
}): fc.Arbitrary<{ logits: Float32Array; vocabSize: number; rows: number }> {
  const scale = options.scale ?? 30;
  return fc
    .record({
      rows: fc.integer({ min: 1, max: options.maxRows ?? 4 }),
      vocabSize: fc.integer({ min: 1, max: options.maxVocab ?? 40 }),
    })
    .chain(({ rows, vocabSize }) =>
      fc
        .float32Array({
          noNaN: true,
          noDefaultInfinity: true,
          min: Math.fround(-scale),
          max: Math.fround(scale),
          minLength: rows * vocabSize,
          maxLength: rows * vocabSize,
        })
        .map((logits) => ({ logits, vocabSize, rows })),
    );
}

/**
 * Finite non-negative entropy sequences (nats) of a bounded length, spread uniformly over [0, max] on a grid of
 * 2^20 steps (fc.double would concentrate on tiny magnitudes, where every window mean clears any threshold).
 */
export function entropySequence(options: { maxLength?: number; max?: number } = {}): fc.Arbitrary<number[]> {
  const max = options.max ?? 5;
  const steps = 1 << 20;
  return fc.array(
    fc.integer({ min: 0, max: steps }).map((step) => (step / steps) * max),
    { minLength: 0, maxLength: options.maxLength ?? 40 },
  );
}
