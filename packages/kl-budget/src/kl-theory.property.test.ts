import { expectAllClose, FLOAT64, REFERENCE } from '@ares/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { klEstimate, klTokenWeights } from './index';

// Small pure helpers for discrete distributions (independent of the package).
function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const weights = logits.map((z) => Math.exp(z - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}
function expectation(p: readonly number[], f: ArrayLike<number>): number {
  return p.reduce((sum, pi, i) => sum + pi * f[i]!, 0);
}
/** KL(P‖Q) by its definition Σ p ln(p/q). */
function klDivergence(p: readonly number[], q: readonly number[]): number {
  return p.reduce((sum, pi, i) => (pi > 0 ? sum + pi * Math.log(pi / q[i]!) : sum), 0);
}
/** E_P[estimator(ln P(x), ln Q(x))] by enumerating x, i.e. exact sampling from P. */
function expectedEstimate(p: readonly number[], q: readonly number[], estimator: 'k1' | 'k3', clamp = true): number {
  return expectation(p, klEstimate(p.map(Math.log), q.map(Math.log), estimator, { clamp }));
}

const logits = (size: number, scale: number) => fc.array(fc.double({ min: -scale, max: scale, noNaN: true }), { minLength: size, maxLength: size });
const distributionPair = (scale: number) =>
  fc.integer({ min: 2, max: 8 }).chain((size) => fc.tuple(logits(size, scale), logits(size, scale)).map(([a, b]) => [softmax(a), softmax(b)] as const));

describe('k3 and k1 as KL estimators (SPEC §6.4 item 23)', () => {
  it('has k3 ≥ 0 everywhere unclamped and k3 ∈ [0, 10] clamped', () => {
    fc.assert(
      fc.property(fc.double({ min: -60, max: 0, noNaN: true }), fc.double({ min: -60, max: 0, noNaN: true }), (lp, ref) => {
        expect(klEstimate([lp], [ref], 'k3', { clamp: false })[0]).toBeGreaterThanOrEqual(0);
        const clamped = klEstimate([lp], [ref], 'k3')[0]!;
        expect(clamped).toBeGreaterThanOrEqual(0);
        expect(clamped).toBeLessThanOrEqual(10);
      }),
    );
  });

  it('agrees clamped and unclamped where no clamp is active (−11 < δ < 2.61)', () => {
    fc.assert(
      fc.property(fc.double({ min: -10.99, max: 2.609, noNaN: true }), (delta) => {
        expect(klEstimate([0], [delta], 'k3')[0]).toBe(klEstimate([0], [delta], 'k3', { clamp: false })[0]);
      }),
    );
  });

  it('gives E_π[k3] = E_π[k1] = KL(π‖π_ref) exactly on small discrete distributions (clamps inactive)', () => {
    fc.assert(
      fc.property(distributionPair(0.6), ([pi, ref]) => {
        const exact = klDivergence(pi, ref);
        expectAllClose(expectedEstimate(pi, ref, 'k3'), exact, REFERENCE);
        expectAllClose(expectedEstimate(pi, ref, 'k1'), exact, REFERENCE);
      }),
    );
  });

  it('gives E_π[k3] = KL(π‖π_ref) for any distributions with TRL (unclamped) k3', () => {
    fc.assert(
      fc.property(distributionPair(4), ([pi, ref]) => {
        const exact = klDivergence(pi, ref);
        expectAllClose(expectedEstimate(pi, ref, 'k3', false), exact, REFERENCE);
      }),
    );
  });
});

describe('Lemma 2: the exponential tilt maximises E_π[r] − κ·KL(π‖π_ref) (SPEC §6.6 item 28)', () => {
  const objective = (pi: readonly number[], ref: readonly number[], reward: readonly number[], kappa: number) =>
    expectation(pi, reward) - kappa * expectedEstimate(pi, ref, 'k1');
  const tilt = (ref: readonly number[], reward: readonly number[], kappa: number) => softmax(ref.map((r, i) => Math.log(r) + reward[i]! / kappa));

  it('beats random policies and reaches κ·ln E_ref[e^{r/κ}]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((size) =>
          fc.record({ ref: logits(size, 2).map(softmax), reward: logits(size, 3), others: fc.array(logits(size, 4).map(softmax), { minLength: 1, maxLength: 5 }) }),
        ),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        ({ ref, reward, others }, kappa) => {
          const best = objective(tilt(ref, reward, kappa), ref, reward, kappa);
          const closedForm = kappa * Math.log(expectation(ref, reward.map((r) => Math.exp(r / kappa))));
          expectAllClose(best, closedForm, REFERENCE);
          for (const pi of others) expect(objective(pi, ref, reward, kappa)).toBeLessThanOrEqual(best + 1e-9);
        },
      ),
    );
  });

  it('has KL(π*‖π_ref) non-increasing as κ grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((size) => fc.record({ ref: logits(size, 2).map(softmax), reward: logits(size, 3) })),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 1.01, max: 10, noNaN: true }),
        ({ ref, reward }, kappa, factor) => {
          const tight = klDivergence(tilt(ref, reward, kappa * factor), ref);
          const loose = klDivergence(tilt(ref, reward, kappa), ref);
          expect(tight).toBeLessThanOrEqual(loose + 1e-12);
        },
      ),
    );
  });
});

describe('Pinsker and Donsker–Varadhan (SPEC §6.6 item 29)', () => {
  const setting = fc.integer({ min: 2, max: 8 }).chain((size) =>
    fc.record({ p: logits(size, 3).map(softmax), q: logits(size, 3).map(softmax), f: logits(size, 1), bound: fc.double({ min: 0.1, max: 10, noNaN: true }) }),
  );

  it('bounds |E_P f − E_Q f| by M·√(2·KL(P‖Q)) for ‖f‖∞ ≤ M', () => {
    fc.assert(
      fc.property(setting, ({ p, q, f, bound }) => {
        const scaled = f.map((x) => x * bound); // |f| ≤ bound
        const gap = Math.abs(expectation(p, scaled) - expectation(q, scaled));
        // KL ≥ 0; the enumerated sum can round to −1e-17 for P ≈ Q.
        const divergence = Math.max(0, expectedEstimate(p, q, 'k1'));
        expect(gap).toBeLessThanOrEqual(bound * Math.sqrt(2 * divergence) + 1e-12);
      }),
    );
  });

  it('bounds E_P f by (1/η)·ln E_Q e^{ηf} + KL(P‖Q)/η for every η > 0, with equality at the Gibbs tilt', () => {
    fc.assert(
      fc.property(setting, fc.double({ min: 0.01, max: 20, noNaN: true }), ({ p, q, f }, eta) => {
        const logPartition = Math.log(expectation(q, f.map((x) => Math.exp(eta * x))));
        const right = logPartition / eta + klDivergence(p, q) / eta;
        expect(expectation(p, f)).toBeLessThanOrEqual(right + 1e-9);
        const gibbs = softmax(q.map((qi, i) => Math.log(qi) + eta * f[i]!));
        expectAllClose(expectation(gibbs, f), logPartition / eta + klDivergence(gibbs, q) / eta, REFERENCE);
      }),
    );
  });
});

describe('token-weighted Fisher and the natural gradient (SPEC §6.6 item 30)', () => {
  /** uᵀF_t u for the softmax Fisher F_t = diag(p) − ppᵀ, i.e. Var_p(u). */
  const fisherQuadratic = (p: readonly number[], u: readonly number[]) => expectation(p, u.map((x) => x * x)) - expectation(p, u) ** 2;

  it('has F_β = (1/L)Σ_t β_t·F_t PSD, and marking more window tokens (lower β_t) never raises uᵀF_βu', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((length) =>
          fc.record({
            policies: fc.array(logits(4, 3).map(softmax), { minLength: length, maxLength: length }),
            windowMask: fc.array(fc.constantFrom(0, 1), { minLength: length, maxLength: length }),
            extra: fc.array(fc.constantFrom(0, 1), { minLength: length, maxLength: length }),
            u: logits(4, 5),
            rho: fc.double({ min: 0.01, max: 1, noNaN: true }),
          }),
        ),
        ({ policies, windowMask, extra, u, rho }) => {
          const quadratic = (mask: readonly number[]) => {
            const beta = klTokenWeights(mask, ['medium'], mask.length, { rho });
            return policies.reduce((sum, p, t) => sum + beta[t]! * fisherQuadratic(p, u), 0) / policies.length;
          };
          const before = quadratic(windowMask);
          expect(before).toBeGreaterThanOrEqual(-1e-12);
          expect(quadratic(windowMask.map((m, t) => Math.max(m, extra[t]!)))).toBeLessThanOrEqual(before + 1e-12);
        },
      ),
    );
  });

  it('maximises gᵀΔ − (κ/2)·ΔᵀFΔ at Δ* = F⁻¹g/κ with optimum gᵀF⁻¹g/(2κ)', () => {
    // F = AAᵀ + I (2 × 2, SPD), solved in closed form.
    fc.assert(
      fc.property(logits(4, 2), logits(2, 3), logits(2, 1), fc.double({ min: 0.1, max: 10, noNaN: true }), (a, g, perturbation, kappa) => {
        const [a11, a12, a21, a22] = a as [number, number, number, number];
        const f11 = a11 * a11 + a12 * a12 + 1;
        const f12 = a11 * a21 + a12 * a22;
        const f22 = a21 * a21 + a22 * a22 + 1;
        const determinant = f11 * f22 - f12 * f12;
        const [g1, g2] = g as [number, number];
        const natural = [(f22 * g1 - f12 * g2) / determinant, (f11 * g2 - f12 * g1) / determinant];
        const value = (d: readonly number[]) => g1 * d[0]! + g2 * d[1]! - (kappa / 2) * (f11 * d[0]! ** 2 + 2 * f12 * d[0]! * d[1]! + f22 * d[1]! ** 2);
        const step = natural.map((x) => x / kappa);
        const optimum = (g1 * natural[0]! + g2 * natural[1]!) / (2 * kappa);
        expectAllClose(value(step), optimum, REFERENCE);
        expect(value(step.map((x, i) => x + perturbation[i]!))).toBeLessThanOrEqual(optimum + 1e-9);
        expectAllClose(optimum * kappa, (g1 * natural[0]! + g2 * natural[1]!) / 2, FLOAT64);
      }),
    );
  });
});

describe('a worked discrete example', () => {
  it('gives E_π[k3] = KL for π = (0.5, 0.3, 0.2), π_ref = (0.4, 0.4, 0.2)', () => {
    const pi = [0.5, 0.3, 0.2];
    const ref = [0.4, 0.4, 0.2];
    // Hand derivation: KL = 0.5·ln(5/4) + 0.3·ln(3/4) = 0.025268...
    expectAllClose(expectedEstimate(pi, ref, 'k3'), 0.5 * Math.log(1.25) + 0.3 * Math.log(0.75), REFERENCE);
  });
});
