import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import {
  assertBinaryMask,
  assertFinite,
  assertInRange,
  assertInteger,
  assertMultipleOf,
  assertNonEmpty,
  assertOneOf,
  assertSameLength,
} from './assertions';

describe('assertions', () => {
  it('assertInteger accepts integers ≥ min and names the parameter otherwise', () => {
    expect(() => assertInteger(3, 'window')).not.toThrow();
    expect(() => assertInteger(0, 'k', 0)).not.toThrow();
    for (const bad of [0, -1, 2.5, Number.NaN, Infinity]) {
      const error = expectAresError(() => assertInteger(bad, 'window'), 'INVALID_ARGUMENT', 'window');
      expect(error.value).toBe(bad);
    }
  });

  it('assertInRange honours open and closed bounds and rejects non-finite values', () => {
    expect(() => assertInRange(0, 'q', { min: 0, max: 1 })).not.toThrow();
    expect(() => assertInRange(1, 'q', { min: 0, max: 1 })).not.toThrow();
    expectAresError(() => assertInRange(0, 'temperature', { min: 0, lowerOpen: true }), 'INVALID_ARGUMENT', 'temperature');
    expectAresError(() => assertInRange(1, 'clipLow', { min: 0, max: 1, upperOpen: true }), 'INVALID_ARGUMENT', 'clipLow');
    expectAresError(() => assertInRange(Number.NaN, 'q', { min: 0, max: 1 }), 'INVALID_ARGUMENT');
    expectAresError(() => assertInRange(Infinity, 'x', {}), 'INVALID_ARGUMENT');
  });

  it('assertMultipleOf checks columns first, then divisibility', () => {
    expect(() => assertMultipleOf(12, 4, 'logits', 'vocabSize')).not.toThrow();
    expectAresError(() => assertMultipleOf(12, 0, 'logits', 'vocabSize'), 'INVALID_ARGUMENT', 'vocabSize');
    expectAresError(() => assertMultipleOf(10, 4, 'logits', 'vocabSize'), 'SHAPE_MISMATCH', 'logits');
  });

  it('assertSameLength, assertNonEmpty and assertOneOf throw their codes', () => {
    expectAresError(() => assertSameLength(3, 4, 'labels', 'rows'), 'SHAPE_MISMATCH', 'labels');
    expectAresError(() => assertNonEmpty(0, 'values'), 'EMPTY_INPUT', 'values');
    expect(() => assertOneOf('k3', ['k1', 'k3'], 'estimator')).not.toThrow();
    expectAresError(() => assertOneOf('k4', ['k1', 'k3'], 'estimator'), 'UNSUPPORTED', 'estimator');
  });

  it('assertFinite reports NON_FINITE with the offending value', () => {
    expect(() => assertFinite(new Float64Array([1, 2]), 'loss')).not.toThrow();
    const error = expectAresError(() => assertFinite([1, Number.NaN], 'loss'), 'NON_FINITE', 'loss');
    expect(error.value).toBeNaN();
    expect(error.message).toContain('element 1');
    expectAresError(() => assertFinite(-Infinity, 'kl'), 'NON_FINITE', 'kl');
  });

  it('assertBinaryMask accepts only 0 and 1', () => {
    expect(() => assertBinaryMask(new Uint8Array([0, 1, 1]), 'mask')).not.toThrow();
    expectAresError(() => assertBinaryMask([0, 0.5], 'mask'), 'INVALID_ARGUMENT', 'mask');
  });
});
