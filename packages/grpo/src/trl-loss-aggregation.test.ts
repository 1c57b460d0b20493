import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import { aggregateLoss, trlLossAggregation } from '@ares/grpo';

// Three rows of four tokens; row 2 is empty.
const losses = [1, 2, 3, 4, 5, 6, 0, 0, 9, 9, 9, 9];
const mask = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0];

function reduce(type: Parameters<typeof trlLossAggregation>[0], context?: Parameters<typeof trlLossAggregation>[1]): number {
  const { mode, options } = trlLossAggregation(type, context);
  return aggregateLoss(losses, mask, 4, mode, options);
}

describe('trlLossAggregation', () => {
  it('maps grpo to per-row means with max(n, 1), empty rows counted', () => {
    expect(trlLossAggregation('grpo')).toEqual({ mode: 'seq-mean-token-mean', options: { convention: 'trl' } });
    expectAllClose(reduce('grpo'), (10 / 4 + 11 / 2 + 0) / 3, FLOAT64);
  });

  it('maps bnpo to the batch token mean with max(ΣM, 1)', () => {
    expectAllClose(reduce('bnpo'), 21 / 6, FLOAT64);
  });

  it('maps dr_grpo to Σ L·M / (B·max_completion_length)', () => {
    expectAllClose(reduce('dr_grpo', { maxCompletionLength: 16 }), 21 / (3 * 16), FLOAT64);
    expectAllClose(reduce('dr_grpo'), 21 / (3 * 4), FLOAT64);
  });

  it('maps dapo to Σ L·M / (global tokens ÷ processes)', () => {
    expect(trlLossAggregation('dapo', { globalTokenCount: 96, processCount: 4 }).options).toEqual({ convention: 'trl', tokenCount: 24 });
    expectAllClose(reduce('dapo', { globalTokenCount: 96, processCount: 4 }), 21 / 24, FLOAT64);
    expectAllClose(reduce('dapo'), 21 / 6, FLOAT64);
  });

  it('throws UNSUPPORTED for other loss types and INVALID_ARGUMENT for bad context values', () => {
    expectAresError(() => trlLossAggregation('sapo' as never), 'UNSUPPORTED', 'lossType');
    expectAresError(() => trlLossAggregation('dr_grpo', { maxCompletionLength: 0 }), 'INVALID_ARGUMENT', 'context.maxCompletionLength');
    expectAresError(() => trlLossAggregation('dapo', { globalTokenCount: 0 }), 'INVALID_ARGUMENT', 'context.globalTokenCount');
    expectAresError(() => trlLossAggregation('dapo', { processCount: 1.5 }), 'INVALID_ARGUMENT', 'context.processCount');
  });
});
