import { expectAllClose, expectAresError, FLOAT64, loadFixture, REFERENCE } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { klEstimate, KL_ESTIMATORS, type KlEstimator } from './index';

interface ValueCase {
  readonly kind: 'value' | 'value-unclamped' | 'gradient' | 'gradient-unclamped';
  readonly estimator: KlEstimator;
  readonly logProbs: number[];
  readonly refLogProbs: number[];
  readonly expected: number[];
}

const fixture = loadFixture<ValueCase>(new URL('./__fixtures__/kl-estimate.json', import.meta.url));

/** Rounds to the number of significant digits SPEC prints. */
function printed(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

describe('klEstimate', () => {
  it('matches the torch reference of verl kl_penalty for every estimator, non-finite data included', () => {
    const cases = fixture.cases.filter((c) => c.kind === 'value' || c.kind === 'gradient');
    expect(cases.length).toBe(7 + 14);
    for (const c of cases) expectAllClose(klEstimate(c.logProbs, c.refLogProbs, c.estimator), c.expected, REFERENCE);
  });

  it("matches TRL's unclamped k3 with clamp: false", () => {
    const cases = fixture.cases.filter((c) => c.kind === 'value-unclamped' || c.kind === 'gradient-unclamped');
    expect(cases.length).toBe(2);
    for (const c of cases) expectAllClose(klEstimate(c.logProbs, c.refLogProbs, 'k3', { clamp: false }), c.expected, REFERENCE);
  });

  // SPEC §6.4 item 23: δ = ref − lp with lp = 0.
  const deltas = [-30, -15, -5, -1, 0, 1, 2.5, 3, 5, 25];
  const logProbs = deltas.map(() => 0);

  it('reproduces the verl column of SPEC §6.4 item 23 (k3 clamped at 10)', () => {
    const values = klEstimate(logProbs, deltas, 'k3');
    // Hand derivation: e^δ − δ − 1, clamped to 10 where it exceeds 10.
    expectAllClose(values, [10, 10, Math.exp(-5) + 4, Math.exp(-1), 0, Math.E - 2, Math.exp(2.5) - 3.5, 10, 10, 10], REFERENCE);
    expect(Array.from(values, (v) => printed(v, 5))).toEqual([10, 10, 4.0067, 0.36788, 0, 0.71828, 8.6825, 10, 10, 10]);
  });

  it('reproduces the TRL (unclamped) column of SPEC §6.4 item 23', () => {
    const values = klEstimate(logProbs, deltas, 'k3', { clamp: false });
    expectAllClose(values, deltas.map((d) => Math.exp(d) - d - 1), REFERENCE);
    expect(printed(values[0]!, 2)).toBe(29);
    expect(printed(values[1]!, 2)).toBe(14);
    expect(printed(values[7]!, 6)).toBe(16.0855);
    expect(printed(values[8]!, 5)).toBe(142.41);
    expect(printed(values[9]!, 2)).toBe(7.2e10);
  });

  it('activates the k3 clamp between δ = 2.610 and 2.611 and at δ ≈ −11.0', () => {
    const values = klEstimate([0, 0, 0, 0], [2.61, 2.611, -10.99, -11], 'k3');
    expect(values[0]).toBeLessThan(10);
    expect(values[1]).toBe(10);
    expect(values[2]).toBeLessThan(10);
    expect(values[3]).toBe(10);
  });

  it('computes k1, abs and k2 by their definitions', () => {
    const lp = [-0.5, -2, -1];
    const ref = [-1, -1, -1];
    expectAllClose(klEstimate(lp, ref, 'k1'), [0.5, -1, 0], FLOAT64);
    expectAllClose(klEstimate(lp, ref, 'abs'), [0.5, 1, 0], FLOAT64);
    expectAllClose(klEstimate(lp, ref, 'k2'), [0.125, 0.5, 0], FLOAT64);
  });

  it('gives aliases and + variants the value of their base estimator', () => {
    const lp = [-0.3, -4, -1.25, -9];
    const ref = [-1.1, -0.5, -1.25, -2];
    const base: Record<string, string> = { kl: 'k1', mse: 'k2', low_var_kl: 'k3' };
    for (const name of KL_ESTIMATORS) {
      const stripped = name.endsWith('+') ? name.slice(0, -1) : name;
      const canonical = (base[stripped] ?? stripped) as KlEstimator;
      expect(klEstimate(lp, ref, name)).toEqual(klEstimate(lp, ref, canonical));
    }
  });

  it('returns k3 = 0 when lp = ref', () => {
    expect(Array.from(klEstimate([-3, -0.2, 0], [-3, -0.2, 0], 'k3'))).toEqual([0, 0, 0]);
  });

  it('keeps full relative precision near δ = 0 (k3 ≈ δ²/2 + δ³/6)', () => {
    const delta = 1e-6;
    expectAllClose(klEstimate([0], [delta], 'k3'), [delta ** 2 / 2 + delta ** 3 / 6 + delta ** 4 / 24], REFERENCE);
  });

  it('propagates NaN and handles infinite log-probabilities as torch does', () => {
    expect(klEstimate([Number.NaN], [-1], 'k3')[0]).toBeNaN();
    expect(klEstimate([-1], [Number.NaN], 'k1')[0]).toBeNaN();
    expect(klEstimate([-Infinity], [-1], 'k3')[0]).toBe(10);
    expect(klEstimate([-Infinity], [-Infinity], 'k3')[0]).toBeNaN();
    expect(klEstimate([-Infinity], [-1], 'k2')[0]).toBe(Infinity);
  });

  it('handles huge gaps without overflow', () => {
    expectAllClose(klEstimate([-1000, 0], [0, -1000], 'k3'), [10, 10], FLOAT64);
    expectAllClose(klEstimate([-1000], [0], 'k1'), [-1000], FLOAT64);
  });

  it('returns an empty Float64Array for empty input and one value for length 1', () => {
    const empty = klEstimate([], [], 'k3');
    expect(empty).toBeInstanceOf(Float64Array);
    expect(empty.length).toBe(0);
    expect(klEstimate(new Float32Array([-1]), new Float32Array([-1]), 'k2')).toEqual(new Float64Array([0]));
  });

  it('does not modify its inputs', () => {
    const lp = new Float32Array([-1, -2, -3]);
    const ref = new Float64Array([-2, -2, -2]);
    const before = [lp.slice(), ref.slice()];
    klEstimate(lp, ref, 'k3+');
    expect(lp).toEqual(before[0]);
    expect(ref).toEqual(before[1]);
  });

  it('throws UNSUPPORTED for an unknown estimator', () => {
    for (const name of ['k4', 'K3', 'full', '', '+', 'k3++']) {
      expectAresError(() => klEstimate([0], [0], name as KlEstimator), 'UNSUPPORTED', 'estimator');
    }
  });

  it('throws SHAPE_MISMATCH when the lengths differ', () => {
    expectAresError(() => klEstimate([0, 1], [0], 'k1'), 'SHAPE_MISMATCH', 'refLogProbs');
  });

  it('throws INVALID_ARGUMENT when options.clamp is not a boolean', () => {
    expectAresError(() => klEstimate([0], [0], 'k3', { clamp: 1 as unknown as boolean }), 'INVALID_ARGUMENT', 'options.clamp');
  });
});
