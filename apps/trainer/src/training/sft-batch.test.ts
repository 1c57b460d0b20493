import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { buildSftBatch } from './sft-batch';

const ids = { bosId: 1, padId: 0 };

describe('buildSftBatch', () => {
  it('lays out BOS, prompt, response and padding, masking only response predictions', () => {
    const batch = buildSftBatch([{ prompt: [5, 6], response: [7, 8, 2] }, { prompt: [9], response: [2] }], 6, ids);
    expect(batch.batch).toBe(2);
    expect(Array.from(batch.tokens)).toEqual([1, 5, 6, 7, 8, 0, /* row 2 */ 1, 9, 0, 0, 0, 0]);
    expect(Array.from(batch.targets)).toEqual([5, 6, 7, 8, 2, 0, /* row 2 */ 9, 2, 0, 0, 0, 0]);
    expect(Array.from(batch.mask)).toEqual([0, 0, 1, 1, 1, 0, /* row 2 */ 0, 1, 0, 0, 0, 0]);
    expect(batch.images).toBeUndefined();
  });

  it('fits an example that fills the row exactly and concatenates images', () => {
    const image = new Float32Array([1, 0, 0, 1]);
    const batch = buildSftBatch([{ prompt: [5], response: [7, 2], image }, { prompt: [5], response: [2], image: new Float32Array(4) }], 3, ids);
    expect(Array.from(batch.tokens.slice(0, 3))).toEqual([1, 5, 7]);
    expect(Array.from(batch.targets.slice(0, 3))).toEqual([5, 7, 2]);
    expect(Array.from(batch.images!)).toEqual([1, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('leaves its inputs unchanged', () => {
    const prompt = new Int32Array([5, 6]);
    const image = new Float32Array([0.5, 1]);
    buildSftBatch([{ prompt, response: [2], image }], 4, ids);
    expect(Array.from(prompt)).toEqual([5, 6]);
    expect(Array.from(image)).toEqual([0.5, 1]);
  });

  it('throws for no examples, an example too long, or mixed images', () => {
    expectAresError(() => buildSftBatch([], 4, ids), 'EMPTY_INPUT', 'examples');
    expectAresError(() => buildSftBatch([{ prompt: [5, 6], response: [7, 2] }], 3, ids), 'INVALID_ARGUMENT', 'length');
    expectAresError(() => buildSftBatch([{ prompt: [5], response: [2], image: new Float32Array(4) }, { prompt: [5], response: [2] }], 4, ids), 'SHAPE_MISMATCH', 'examples');
    expectAresError(() => buildSftBatch([{ prompt: [5], response: [2], image: new Float32Array(4) }, { prompt: [5], response: [2], image: new Float32Array(9) }], 4, ids), 'SHAPE_MISMATCH', 'examples');
  });
});
