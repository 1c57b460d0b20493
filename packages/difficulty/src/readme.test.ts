import { runReadmeExample } from '@ares/testing';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is the text of examples/basic.ts and runs with the documented output', async () => {
    const calls = await runReadmeExample(new URL('..', import.meta.url));
    expect(calls).toEqual([[0.75, 'easy'], [896], ['medium'], [0.625]]);
  });
});
