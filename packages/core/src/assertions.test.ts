import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import {
  assertBinaryMask,
  assertBoolean,
  assertDifficultyBuckets,
  assertFinite,
  assertInRange,
  assertInteger,
  assertMultipleOf,
  assertNonEmpty,
  assertOneOf,
  assertSameLength,
  assertSameShape,
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

  it('assertInRange checks integers when asked and throws the given code', () => {
    expect(() => assertInRange(3, 'steps', { min: 0, integer: true })).not.toThrow();
    expect(() => assertInRange(2.5, 'ratio', { min: 0 })).not.toThrow();
    expectAresError(() => assertInRange(2.5, 'steps', { min: 0, integer: true }), 'INVALID_ARGUMENT', 'steps');
    expectAresError(() => assertInRange(-1, 'state.steps', { min: 0, integer: true }, 'INVALID_STATE'), 'INVALID_STATE', 'state.steps');
    const error = expectAresError(() => assertInRange('1', 'state.beta', {}, 'INVALID_STATE'), 'INVALID_STATE', 'state.beta');
    expect(error.value).toBe('1');
  });

  it('assertBoolean accepts only booleans and throws the given code', () => {
    expect(() => assertBoolean(false, 'options.unbiased')).not.toThrow();
    for (const bad of [0, 1, 'true', null, undefined]) {
      const error = expectAresError(() => assertBoolean(bad, 'options.unbiased'), 'INVALID_ARGUMENT', 'options.unbiased');
      expect(error.value).toBe(bad);
    }
    expectAresError(() => assertBoolean('yes', 'state.secondChance', 'INVALID_STATE'), 'INVALID_STATE', 'state.secondChance');
  });

  it('assertSameShape compares rank and every size', () => {
    expect(() => assertSameShape([2, 3], [2, 3], 'mask', 'values')).not.toThrow();
    expect(() => assertSameShape([], [], 'scalar', 'other')).not.toThrow();
    for (const bad of [[3, 2], [2, 3, 1], [6], []]) {
      const error = expectAresError(() => assertSameShape(bad, [2, 3], 'mask', 'values'), 'SHAPE_MISMATCH', 'mask');
      expect(error.value).toEqual(bad);
    }
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

  it('assertDifficultyBuckets names the first element that is not a bucket', () => {
    expect(() => assertDifficultyBuckets(['easy', 'medium', 'hard'], 'buckets')).not.toThrow();
    expect(() => assertDifficultyBuckets([], 'buckets')).not.toThrow();
    const error = expectAresError(() => assertDifficultyBuckets(['easy', 'Hard', 3], 'input.buckets'), 'INVALID_ARGUMENT', 'input.buckets');
    expect(error.value).toBe('Hard');
    expect(error.message).toContain('element 1');
  });

  it('assertBinaryMask accepts only 0 and 1', () => {
    expect(() => assertBinaryMask(new Uint8Array([0, 1, 1]), 'mask')).not.toThrow();
    expectAresError(() => assertBinaryMask([0, 0.5], 'mask'), 'INVALID_ARGUMENT', 'mask');
  });
});
