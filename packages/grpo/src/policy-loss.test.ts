import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64, loadFixture, REFERENCE } from '@ares/testing';
import { aggregateLoss, maskedMean, policyLoss, type PolicyLossOptions } from '@ares/grpo';

interface Case {
  name: string;
  columns: number;
  logProbs: number[];
  oldLogProbs: number[];
  advantages: number[];
  mask: number[];
  results: { options: PolicyLossOptions; loss: number; clipFraction: number; clipFractionLower: number; approxKl: number }[];
}

const fixture = loadFixture<Case>(new URL('./__fixtures__/policy-loss.json', import.meta.url));

/** One token with ratio r and advantage A. */
function single(ratio: number, advantage: number, options: PolicyLossOptions = {}) {
  return policyLoss({ logProbs: [Math.log(ratio)], oldLogProbs: [0], advantages: [advantage], mask: [1], columns: 1 }, options);
}

describe('policyLoss', () => {
  it.each(fixture.cases.flatMap((testCase) => testCase.results.map((result) => [testCase.name, JSON.stringify(result.options), testCase, result] as const)))(
    'matches the torch reference: %s, %s',
    (_name, _options, testCase, result) => {
      const { columns, logProbs, oldLogProbs, advantages, mask } = testCase;
      const actual = policyLoss({ logProbs, oldLogProbs, advantages, mask, columns }, result.options);
      expectAllClose(
        [actual.loss, actual.clipFraction, actual.clipFractionLower, actual.approxKl],
        [result.loss, result.clipFraction, result.clipFractionLower, result.approxKl],
        REFERENCE,
      );
    },
  );

  it('reproduces SPEC §6.4 item 21: A = 1, r = 1.5 → −1.28 and A = −1, r = 5 → 3', () => {
    const positive = single(1.5, 1);
    expectAllClose(positive.loss, -1.28, FLOAT64);
    expectAllClose(positive.clipFraction, 1 / (1 + 1e-8), FLOAT64);
    const negative = single(5, -1);
    expectAllClose(negative.loss, 3, FLOAT64);
    expectAllClose(negative.clipFractionLower, 1 / (1 + 1e-8), FLOAT64);
  });

  it('gives −A·r inside the clip range and no clipping statistics', () => {
    const result = single(1.1, 2);
    expectAllClose(result.loss, -2.2, FLOAT64);
    expect(result.clipFraction).toBe(0);
    expect(result.clipFractionLower).toBe(0);
    expectAllClose(result.approxKl, -Math.log(1.1) / (1 + 1e-8), FLOAT64);
  });

  it('takes the pessimistic unclipped term for A < 0 above the range and for A > 0 below it', () => {
    expectAllClose(single(1.5, -1).loss, 1.5, FLOAT64);
    expectAllClose(single(0.5, 1).loss, -0.5, FLOAT64);
    expectAllClose(single(0.5, -1).loss, 0.8, FLOAT64); // clipped at 1 − 0.2
  });

  it('never lets a negative-advantage token loss exceed −A·dualClip', () => {
    for (const ratio of [0.1, 1, 2.9, 3.1, 50, 1e6]) {
      for (const advantage of [-0.5, -2]) {
        expect(single(ratio, advantage).loss).toBeLessThanOrEqual(-advantage * 3);
        expect(single(ratio, advantage, { dualClip: 2 }).loss).toBeLessThanOrEqual(-advantage * 2);
      }
    }
    expectAllClose(single(50, -2, { dualClip: Infinity }).loss, 100, FLOAT64);
  });

  it('clamps the log-ratio to ±20 before exp, in the loss and in approxKl', () => {
    const result = policyLoss({ logProbs: [30], oldLogProbs: [0], advantages: [-1], mask: [1], columns: 1 }, { dualClip: Infinity });
    expectAllClose(result.loss, Math.exp(20), FLOAT64);
    expectAllClose(result.approxKl, -20 / (1 + 1e-8), FLOAT64);
  });

  it('aggregates the token losses with aggregateLoss', () => {
    const input = {
      logProbs: [-1, -2, -0.5, -1.5, -0.1, -3],
      oldLogProbs: [-1.2, -1.7, -0.5, -1, -0.3, -2],
      advantages: [1, 1, 1, -0.5, -0.5, -0.5],
      mask: [1, 1, 0, 1, 1, 1],
      columns: 3,
    };
    const perToken = input.logProbs.map((lp, k) => {
      const ratio = Math.exp(lp - input.oldLogProbs[k]!);
      const a = input.advantages[k]!;
      const lc = Math.max(-a * ratio, -a * Math.min(Math.max(ratio, 0.8), 1.28));
      return a < 0 ? Math.min(lc, -a * 3) : lc;
    });
    for (const mode of ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
      expectAllClose(policyLoss(input, { aggregation: mode }).loss, aggregateLoss(perToken, input.mask, 3, mode), FLOAT64);
    }
    const globalNormalised = policyLoss(input, { aggregationOptions: { tokenCount: 100 } }).loss;
    expectAllClose(globalNormalised, aggregateLoss(perToken, input.mask, 3, 'token-mean', { tokenCount: 100 }), FLOAT64);
    const kl = input.logProbs.map((lp, k) => input.oldLogProbs[k]! - lp);
    expectAllClose(policyLoss(input).approxKl, maskedMean(kl, input.mask), FLOAT64);
  });

  it('does not leak NaN log-probs at masked positions into token-mean or the statistics', () => {
    const result = policyLoss({ logProbs: [-1, Number.NaN], oldLogProbs: [-1, -1], advantages: [1, 1], mask: [1, 0], columns: 2 });
    expectAllClose([result.loss, result.clipFraction, result.approxKl], [-1, 0, 0], FLOAT64);
    expect(policyLoss({ logProbs: [-1, Number.NaN], oldLogProbs: [-1, -1], advantages: [1, 1], mask: [1, 0], columns: 2 }, { aggregation: 'seq-mean-token-mean' }).loss).toBeNaN();
  });

  it('leaks a masked-out loss that overflows to Infinity into the seq modes, as Σ L·M does', () => {
    const input = { logProbs: [0, 20], oldLogProbs: [0, 0], advantages: [1, -1e308], mask: [1, 0], columns: 2 };
    expect(policyLoss(input, { aggregation: 'seq-mean-token-sum' }).loss).toBeNaN();
    expectAllClose(policyLoss(input).loss, -1, FLOAT64);
    const finite = { ...input, advantages: [1, -1e290] };
    expectAllClose(policyLoss(finite, { aggregation: 'seq-mean-token-sum' }).loss, -1, FLOAT64);
  });

  it('gives +0, as torch sums do, for the statistics of a fully masked batch and for a −0 token-sum', () => {
    const masked = policyLoss({ logProbs: [-1, -2], oldLogProbs: [-1.5, -2], advantages: [1, -1], mask: [0, 0], columns: 2 });
    expect([masked.clipFraction, masked.clipFractionLower, masked.approxKl].every((value) => Object.is(value, 0))).toBe(true);
    // A = 0 gives the token loss −0·r = −0; torch's Σ starts at +0.
    const zero = policyLoss({ logProbs: [-1], oldLogProbs: [-1], advantages: [0], mask: [1], columns: 1 }, { aggregation: 'token-sum' });
    expect(Object.is(zero.loss, 0)).toBe(true);
  });

  it('propagates NaN at unmasked positions', () => {
    expect(single(Number.NaN, 1).loss).toBeNaN();
    expect(policyLoss({ logProbs: [0], oldLogProbs: [0], advantages: [Number.NaN], mask: [1], columns: 1 }).loss).toBeNaN();
  });

  it('does not mutate its inputs', () => {
    const logProbs = new Float32Array([-1, -2, -3, -4]);
    const oldLogProbs = new Float32Array([-1.5, -2, -2.5, -4]);
    const advantages = new Float64Array([1, 1, -1, -1]);
    const mask = new Uint8Array([1, 1, 1, 0]);
    const copies = [logProbs.slice(), oldLogProbs.slice(), advantages.slice(), mask.slice()];
    policyLoss({ logProbs, oldLogProbs, advantages, mask, columns: 2 });
    expect([logProbs, oldLogProbs, advantages, mask]).toEqual(copies);
  });

  it('throws INVALID_ARGUMENT for clip settings out of range', () => {
    expectAresError(() => single(1, 1, { clipLow: -0.1 }), 'INVALID_ARGUMENT', 'options.clipLow');
    expectAresError(() => single(1, 1, { clipLow: 1 }), 'INVALID_ARGUMENT', 'options.clipLow');
    expectAresError(() => single(1, 1, { clipHigh: -0.01 }), 'INVALID_ARGUMENT', 'options.clipHigh');
    expectAresError(() => single(1, 1, { clipHigh: Number.NaN }), 'INVALID_ARGUMENT', 'options.clipHigh');
    expectAresError(() => single(1, 1, { dualClip: 1 }), 'INVALID_ARGUMENT', 'options.dualClip');
    expectAresError(() => single(1, 1, { dualClip: Number.NaN }), 'INVALID_ARGUMENT', 'options.dualClip');
  });

  it('throws UNSUPPORTED for an unknown aggregation mode', () => {
    expectAresError(() => single(1, 1, { aggregation: 'mean' as never }), 'UNSUPPORTED', 'options.aggregation');
    expectAresError(() => single(1, 1, { aggregationOptions: { convention: 'x' as never } }), 'UNSUPPORTED', 'options.aggregationOptions.convention');
  });

  it('throws EMPTY_INPUT for an empty batch', () => {
    expectAresError(() => policyLoss({ logProbs: [], oldLogProbs: [], advantages: [], mask: [], columns: 4 }), 'EMPTY_INPUT', 'input.logProbs');
  });

  it('throws INVALID_ARGUMENT for mask values other than 0/1 and bad columns', () => {
    expectAresError(() => policyLoss({ logProbs: [0, 0], oldLogProbs: [0, 0], advantages: [1, 1], mask: [1, 2], columns: 2 }), 'INVALID_ARGUMENT', 'input.mask');
    expectAresError(() => policyLoss({ logProbs: [0, 0], oldLogProbs: [0, 0], advantages: [1, 1], mask: [1, 1], columns: 0 }), 'INVALID_ARGUMENT', 'input.columns');
  });

  it('throws SHAPE_MISMATCH for length mismatches', () => {
    const base = { logProbs: [0, 0], oldLogProbs: [0, 0], advantages: [1, 1], mask: [1, 1], columns: 2 };
    expectAresError(() => policyLoss({ ...base, columns: 3 }), 'SHAPE_MISMATCH', 'input.logProbs');
    expectAresError(() => policyLoss({ ...base, oldLogProbs: [0] }), 'SHAPE_MISMATCH', 'input.oldLogProbs');
    expectAresError(() => policyLoss({ ...base, advantages: [1] }), 'SHAPE_MISMATCH', 'input.advantages');
    expectAresError(() => policyLoss({ ...base, mask: [1, 1, 1] }), 'SHAPE_MISMATCH', 'input.mask');
  });
});
