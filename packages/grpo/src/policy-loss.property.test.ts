import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyLoss } from '@ares/grpo';

/** The loss of one token with log-ratio d and advantage A. */
function tokenLoss(logRatio: number, advantage: number, options = {}): number {
  return policyLoss({ logProbs: [logRatio], oldLogProbs: [0], advantages: [advantage], mask: [1], columns: 1 }, options).loss;
}

const clipLow = fc.double({ min: 0, max: 0.9, noNaN: true });
const clipHigh = fc.double({ min: 0, max: 2, noNaN: true });
const magnitude = fc.double({ min: 1e-3, max: 10, noNaN: true });

describe('policyLoss properties', () => {
  it('is flat in the log-ratio for A > 0 once r > 1 + clipHigh', () => {
    fc.assert(
      fc.property(clipHigh, magnitude, fc.double({ min: 1e-6, max: 5, noNaN: true }), fc.double({ min: 1e-6, max: 5, noNaN: true }), (high, a, x, y) => {
        const base = Math.log1p(high);
        expect(tokenLoss(base + x, a, { clipHigh: high })).toBe(tokenLoss(base + y, a, { clipHigh: high }));
        expect(tokenLoss(base + x, a, { clipHigh: high })).toBe(-a * (1 + high));
      }),
    );
  });

  it('is flat in the log-ratio for A < 0 once r < 1 − clipLow', () => {
    fc.assert(
      fc.property(clipLow, magnitude, fc.double({ min: 1e-6, max: 5, noNaN: true }), (low, a, x) => {
        const base = Math.log1p(-low);
        expect(tokenLoss(base - x, -a, { clipLow: low })).toBe(a * (1 - low));
      }),
    );
  });

  it('never gives a negative-advantage token a loss above −A·dualClip, whatever the ratio', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), magnitude, fc.double({ min: 1.001, max: 10, noNaN: true }), (logRatio, a, dualClip) => {
        expect(tokenLoss(logRatio, -a, { dualClip })).toBeLessThanOrEqual(a * dualClip);
      }),
    );
  });

  it('is pessimistic: the token loss is at least the clipped surrogate −A·clamp(r) before the dual clip', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), clipLow, clipHigh, (logRatio, a, low, high) => {
        const ratio = Math.exp(logRatio);
        const clipped = -a * Math.min(Math.max(ratio, 1 - low), 1 + high);
        const loss = tokenLoss(logRatio, a, { clipLow: low, clipHigh: high, dualClip: Infinity });
        expect(loss).toBeGreaterThanOrEqual(clipped);
      }),
    );
  });
});
