import { AresError } from '@ares/core';

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a number other than NaN. An HWE threshold τ may be ±Infinity (+∞
 * marks nothing, −∞ marks every full window) but not NaN, which would silently mark nothing: a NaN τ means the
 * entropies it came from were bad, and the caller must see that.
 * @internal
 */
export function assertThreshold(value: number, parameter: string): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new AresError({
      code: 'INVALID_ARGUMENT',
      parameter,
      value,
      message: `${parameter}: expected a number other than NaN, got ${String(value)}`,
    });
  }
}
