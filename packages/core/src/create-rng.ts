import { AresError } from './ares-error';

/** Serialisable state of an {@link Rng}: the four 32-bit words of xoshiro128**. */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly words: readonly [number, number, number, number];
}

/** A seeded uniform generator: each call returns a float in [0, 1) with 32 random bits. */
export interface Rng {
  (): number;
  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number;
  /** A snapshot of the state; `rngFromState(rng.state())` continues the same sequence. */
  state(): RngState;
}

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashString(text: string): number {
  // FNV-1a over UTF-16 code units.
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash;
}

function fromWords(words: Uint32Array): Rng {
  const next = (): number => {
    const s0 = words[0]!;
    const s1 = words[1]!;
    const s2 = words[2]!;
    const s3 = words[3]!;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    words[2] = s2 ^ s0;
    words[3] = s3 ^ s1;
    words[1] = s1 ^ words[2]!;
    words[0] = s0 ^ words[3]!;
    words[2] = words[2]! ^ t;
    words[3] = ((words[3]! << 11) | (words[3]! >>> 21)) >>> 0;
    return result;
  };
  const rng = (() => next() / 4294967296) as Rng;
  rng.nextUint32 = next;
  rng.state = () => ({ algorithm: 'xoshiro128**', words: [words[0]!, words[1]!, words[2]!, words[3]!] });
  return rng;
}

/**
 * Creates a deterministic generator of uniform floats in [0, 1): xoshiro128** seeded by SplitMix32.
 *
 * The algorithm is part of the public contract: the same seed gives the same sequence in every release.
 * Strings are hashed with 32-bit FNV-1a first. Anything stochastic in ARES-TS takes `random: () => number` and
 * defaults to `createRng(seed)`; `Math.random` is never used.
 *
 * @param seed - an integer (taken modulo 2^32) or a string
 * @returns a callable generator with `nextUint32()` and a serialisable `state()`
 * @throws {AresError} `INVALID_ARGUMENT` when `seed` is a non-integer or non-finite number
 * @example
 * ```ts
 * const random = createRng(42)
 * random() // a float in [0, 1), the same for every run
 * ```
 * @see Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2021)
 */
export function createRng(seed: number | string): Rng {
  let base: number;
  if (typeof seed === 'string') base = hashString(seed);
  else {
    if (!Number.isInteger(seed)) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'seed', value: seed, message: `seed must be an integer or a string, got ${seed}` });
    }
    base = Number(BigInt.asUintN(32, BigInt(seed)));
  }
  const mix = splitMix32(base);
  const words = new Uint32Array([mix(), mix(), mix(), mix()]);
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return fromWords(words);
}

/**
 * Restores a generator from `rng.state()`, e.g. out of a checkpoint.
 * @throws {AresError} `INVALID_STATE` when the state is malformed or all-zero
 */
export function rngFromState(state: RngState): Rng {
  const words = (state as { words?: unknown } | null)?.words;
  const valid =
    state !== null &&
    typeof state === 'object' &&
    state.algorithm === 'xoshiro128**' &&
    Array.isArray(words) &&
    words.length === 4 &&
    words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffffffff) &&
    words.some((word) => word !== 0);
  if (!valid) {
    throw new AresError({ code: 'INVALID_STATE', parameter: 'state', value: state, message: 'rngFromState: expected {algorithm: "xoshiro128**", words: four uint32, not all zero}' });
  }
  return fromWords(Uint32Array.from(words as number[]));
}
