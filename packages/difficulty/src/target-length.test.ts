import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { targetLength } from './target-length';

describe('targetLength', () => {
  it('returns L0 at p = 0, L1 at p = 1 and the midpoint at p = 0.5 (SPEC §6.2 item 10)', () => {
    expect(targetLength(0, 2048, 512)).toBe(2048);
    expect(targetLength(1, 2048, 512)).toBe(512);
    expect(targetLength(0.5, 2048, 512)).toBe(1280);
    expect(targetLength(0.5, 300, 1000)).toBe(650);
  });

  it('interpolates linearly: (1 − p)·L0 + p·L1', () => {
    // Hand values: 0.75·2048 + 0.25·512 = 1664; 0.1·4000 + 0.9·1000 = 1300.
    expect(targetLength(0.25, 2048, 512)).toBe(1664);
    expectAllClose([targetLength(0.9, 4000, 1000)], [1300], FLOAT64);
    expectAllClose([targetLength(1 / 3, 3000, 0)], [2000], FLOAT64);
    expectAllClose([targetLength(2 / 3, 0, 3000)], [2000], FLOAT64);
  });

  it('is exact at the endpoints even for non-integer lengths', () => {
    for (const [low, high] of [[0.1, 0.3], [0.3, 0.1], [1e-300, 1e300], [7, 7], [0, 5], [5, 0]] as const) {
      expect(targetLength(0, low, high)).toBe(low);
      expect(targetLength(1, low, high)).toBe(high);
    }
  });

  it('is constant when L0 equals L1, and zero when both are zero', () => {
    expect([0, 0.3, 1].map((p) => targetLength(p, 640, 640))).toEqual([640, 640, 640]);
    expect(targetLength(0.5, 0, 0)).toBe(0);
  });

  it('decreases in p when L0 > L1 and increases when L0 < L1', () => {
    const rates = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
    const down = rates.map((p) => targetLength(p, 4096, 1024));
    const up = rates.map((p) => targetLength(p, 1024, 4096));
    for (let index = 1; index < rates.length; index++) {
      expect(down[index]).toBeLessThan(down[index - 1]!);
      expect(up[index]).toBeGreaterThan(up[index - 1]!);
    }
  });

  it('stays monotone to the last ulp where the literal two-product form does not', () => {
    const next = 0.1 + Number.EPSILON * 0.1; // 0.10000000000000003, the float after 0.1
    const literal = (p: number) => (1 - p) * 1 + p * 3;
    expect(literal(next)).toBeLessThan(literal(0.1)); // 1.2 < 1.2000000000000002: the literal form goes down
    expect(targetLength(next, 1, 3)).toBeGreaterThanOrEqual(targetLength(0.1, 1, 3));
  });

  it('throws INVALID_ARGUMENT naming passRate when p is outside [0, 1] or not finite', () => {
    for (const bad of [-0.5, 1.5, Number.NaN, Infinity]) {
      expectAresError(() => targetLength(bad, 100, 10), 'INVALID_ARGUMENT', 'passRate');
    }
  });

  it('throws INVALID_ARGUMENT naming the length when a length is negative or not finite', () => {
    for (const bad of [-1, Number.NaN, Infinity]) {
      expectAresError(() => targetLength(0.5, bad, 10), 'INVALID_ARGUMENT', 'lengthAtZero');
      expectAresError(() => targetLength(0.5, 10, bad), 'INVALID_ARGUMENT', 'lengthAtOne');
    }
  });
});
