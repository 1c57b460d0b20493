import { runReadmeExample } from '@ares/testing';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is the text of examples/basic.ts, at most 15 lines, and prints the documented values', async () => {
    const calls = await runReadmeExample(new URL('..', import.meta.url));
    // Independent values: ln 4; H of softmax([9, 0, 0, 0]); SPEC §6.1 item 2; hand-summed windows.
    const p = Math.exp(9) / (Math.exp(9) + 3);
    const q = 1 / (Math.exp(9) + 3);
    expect(calls[0]).toEqual([Math.log(4).toFixed(4), (-(p * Math.log(p)) - 3 * q * Math.log(q)).toFixed(4)]);
    expect(calls[1]).toEqual(['1.0297', '1.4455', '0.2']);
    expect(Array.from(calls[2]![0] as Float64Array)).toEqual([1.0625, 1.375, 1.6875, 1.375, 0.875]);
    expect(calls[3]).toEqual(['1.9125']);
    expect(Array.from(calls[4]![0] as Uint8Array)).toEqual([0, 1, 1, 1, 0, 0, 0, 0]);
  });
});
