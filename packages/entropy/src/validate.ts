import { assertInRange, assertMultipleOf } from '@ares/core';

/**
 * Checks a row-major logits matrix and a temperature; returns the number of rows.
 * @internal
 */
export function validateLogits(logits: ArrayLike<number>, vocabSize: number, temperature: number): number {
  assertMultipleOf(logits.length, vocabSize, 'logits', 'vocabSize');
  assertInRange(temperature, 'options.temperature', { min: 0, lowerOpen: true });
  return logits.length / vocabSize;
}
