import { AresError } from '@ares/core';

/**
 * Throws `INVALID_ARGUMENT` naming `parameter` unless `value` is a boolean; returns it.
 * @internal
 */
export function checkBoolean(value: unknown, parameter: string): boolean {
  if (typeof value !== 'boolean') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value, message: `${parameter}: expected a boolean, got ${String(value)}` });
  }
  return value;
}
