import { describe, expect, it } from 'vitest';
import { expectAresError, loadFixture } from '@ares/testing';
import { createRng, rngFromState } from './create-rng';

interface XoshiroCase {
  seed: number;
  words: number[];
  outputs: number[];
}
const fixture = loadFixture<XoshiroCase>(new URL('./__fixtures__/xoshiro128.json', import.meta.url));

describe('createRng', () => {
  it('matches the C reference xoshiro128** with SplitMix32 seeding', () => {
    for (const testCase of fixture.cases) {
      const rng = createRng(testCase.seed);
      expect(rng.state().words).toEqual(testCase.words);
      expect(Array.from({ length: testCase.outputs.length }, () => rng.nextUint32())).toEqual(testCase.outputs);
    }
  });

  it('returns floats in [0, 1) equal to the raw word over 2^32', () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let index = 0; index < 1000; index++) {
      const value = a();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      expect(value).toBe(b.nextUint32() / 2 ** 32);
    }
  });

  it('takes integer seeds modulo 2^32 and hashes strings', () => {
    expect(createRng(-1).state()).toEqual(createRng(4294967295).state());
    expect(createRng(2 ** 32 + 5).state()).toEqual(createRng(5).state());
    expect(createRng('run-a')()).toBe(createRng('run-a')());
    expect(createRng('run-a')()).not.toBe(createRng('run-b')());
  });

  it('is roughly uniform (chi-square over 10 bins, 10k draws)', () => {
    const random = createRng(2024);
    const bins = new Array<number>(10).fill(0);
    for (let index = 0; index < 10_000; index++) bins[Math.floor(random() * 10)]! += 1;
    const chiSquare = bins.reduce((sum, count) => sum + (count - 1000) ** 2 / 1000, 0);
    expect(chiSquare).toBeLessThan(27.88); // p = 0.001 critical value, 9 degrees of freedom
  });

  it('continues the same sequence after a state round trip through JSON', () => {
    const rng = createRng(99);
    for (let index = 0; index < 5; index++) rng();
    const restored = rngFromState(JSON.parse(JSON.stringify(rng.state())));
    expect(Array.from({ length: 5 }, () => restored())).toEqual(Array.from({ length: 5 }, () => rng()));
  });

  it('throws INVALID_ARGUMENT for a non-integer seed', () => {
    expectAresError(() => createRng(1.5), 'INVALID_ARGUMENT', 'seed');
    expectAresError(() => createRng(Number.NaN), 'INVALID_ARGUMENT', 'seed');
  });

  it('throws INVALID_STATE for malformed or all-zero state', () => {
    expectAresError(() => rngFromState({ algorithm: 'xoshiro128**', words: [0, 0, 0, 0] }), 'INVALID_STATE');
    expectAresError(() => rngFromState({ algorithm: 'xoshiro128**', words: [1, 2, 3] } as never), 'INVALID_STATE');
    expectAresError(() => rngFromState({ algorithm: 'mt19937', words: [1, 2, 3, 4] } as never), 'INVALID_STATE');
    expectAresError(() => rngFromState(null as never), 'INVALID_STATE');
  });
});
