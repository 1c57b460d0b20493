import { AresError, assertInteger, assertOneOf } from '@ares/core';
import type { AggregateLossOptions, AggregationMode } from './aggregate-loss';
import { assertPositive } from './internal';

/** TRL `GRPOConfig.loss_type` values with a GRPO-family aggregation. */
export type TrlLossType = 'grpo' | 'bnpo' | 'dr_grpo' | 'dapo';

/** Every {@link TrlLossType}. */
export const TRL_LOSS_TYPES: readonly TrlLossType[] = Object.freeze(['grpo', 'bnpo', 'dr_grpo', 'dapo']);

/** Run-time quantities some TRL loss types normalise by. */
export interface TrlLossContext {
  /** TRL `max_completion_length`, the C of `dr_grpo` (default: the matrix's `columns`). A positive integer. */
  readonly maxCompletionLength?: number;
  /**
   * `dapo`: number of loss tokens in the whole generation batch over all processes (TRL `num_items_in_batch`).
   * Finite > 0. Without it the local ΣM is used (max(ΣM, 1)).
   */
  readonly globalTokenCount?: number;
  /**
   * `dapo`: number of processes the global count is divided by.
   * @default 1
   */
  readonly processCount?: number;
}

/** What {@link trlLossAggregation} returns: arguments for `aggregateLoss` (or `policyLoss`'s aggregation). */
export interface TrlLossAggregation {
  readonly mode: AggregationMode;
  readonly options: AggregateLossOptions;
}

/**
 * Maps a TRL `loss_type` to the equivalent `aggregateLoss` mode and options (always `convention: 'trl'`).
 *
 * `grpo` → `seq-mean-token-mean` (per row max(ΣM_row, 1), empty rows count in the batch mean);
 * `bnpo` → `token-mean` (max(ΣM, 1)); `dr_grpo` → `seq-mean-token-sum-norm`, Σ L·M / (B·max_completion_length);
 * `dapo` → `token-mean` with tokenCount = globalTokenCount / processCount.
 *
 * @param lossType - the TRL loss type
 * @param context - `maxCompletionLength`, `globalTokenCount`, `processCount` (see {@link TrlLossContext})
 * @returns `{ mode, options }`; division by gradient-accumulation steps stays with the caller
 * @throws {AresError} `UNSUPPORTED` for another loss type; `INVALID_ARGUMENT` when `maxCompletionLength` or
 *   `processCount` is not a positive integer or `globalTokenCount` is not finite > 0
 * @remarks
 * ## Numerics
 * No arithmetic beyond globalTokenCount / processCount.
 * @example
 * ```ts
 * const { mode, options } = trlLossAggregation('dr_grpo', { maxCompletionLength: 1024 })
 * aggregateLoss(losses, mask, columns, mode, options) // Σ L·M / (B·1024)
 * ```
 * @see SPEC.md §2.5 (TRL loss types); TRL `GRPOTrainer._compute_loss`
 */
export function trlLossAggregation(lossType: TrlLossType, context: TrlLossContext = {}): TrlLossAggregation {
  assertOneOf(lossType, TRL_LOSS_TYPES, 'lossType');
  const { maxCompletionLength, globalTokenCount, processCount = 1 } = context;
  if (maxCompletionLength !== undefined) assertInteger(maxCompletionLength, 'context.maxCompletionLength');
  if (globalTokenCount !== undefined) assertPositive(globalTokenCount, 'context.globalTokenCount');
  assertInteger(processCount, 'context.processCount');
  switch (lossType) {
    case 'grpo':
      return { mode: 'seq-mean-token-mean', options: { convention: 'trl' } };
    case 'bnpo':
      return { mode: 'token-mean', options: { convention: 'trl' } };
    case 'dr_grpo':
      return {
        mode: 'seq-mean-token-sum-norm',
        options: maxCompletionLength === undefined ? { convention: 'trl' } : { convention: 'trl', scaleFactor: maxCompletionLength },
      };
    case 'dapo':
      return {
        mode: 'token-mean',
        options: globalTokenCount === undefined ? { convention: 'trl' } : { convention: 'trl', tokenCount: globalTokenCount / processCount },
      };
    default:
      throw new AresError({ code: 'UNSUPPORTED', parameter: 'lossType', value: lossType, message: `lossType: unsupported ${String(lossType)}` });
  }
}
