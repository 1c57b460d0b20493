import { runReadmeExample } from '@ares/testing';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is the text of examples/basic.ts and runs with the documented output', async () => {
    const calls = await runReadmeExample(new URL('..', import.meta.url));
    expect(calls).toEqual([
      [{ target: 28, alpha: 0.475 }],
      [0.525],
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ]);
  });
});
