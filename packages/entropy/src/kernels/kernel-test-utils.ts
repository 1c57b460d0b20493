// Test helpers shared by the kernel tests and bench/token-entropy.bench.ts (not exported from the package).

/** xorshift32 uniforms in [0, 1), for large deterministic matrices (fast-check is for small ones). */
export function createUniform(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}
