import { runReadmeExample } from '@ares/testing';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is the text of examples/basic.ts and runs with the documented output', async () => {
    const calls = await runReadmeExample(new URL('..', import.meta.url));
    expect(calls).toEqual([[['p1']], [['0.7071', '-0.7071', '0.0000', '0.0000']], ['-0.1006', '0.1111']]);
  });
});
