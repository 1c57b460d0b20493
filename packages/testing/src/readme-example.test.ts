import { afterEach, describe, expect, it } from 'vitest';
import { runReadmeExample } from './readme-example';

const originalLog = console.log;
const fixture = (name: string): URL => new URL(`./__fixtures__/readme-example/${name}/`, import.meta.url);

describe('runReadmeExample', () => {
  afterEach(() => {
    expect(console.log).toBe(originalLog);
  });

  it('runs an example the README contains and returns the arguments of each console.log call', async () => {
    await expect(runReadmeExample(fixture('complete'))).resolves.toEqual([[6, 'six'], [[3]]]);
  });

  it('fails when the README lacks the example, without running it', async () => {
    await expect(runReadmeExample(fixture('missing'))).rejects.toThrow(/README.md contains examples\/basic.ts verbatim/);
  });

  it('fails when the example is longer than 15 lines', async () => {
    await expect(runReadmeExample(fixture('long'))).rejects.toThrow(/lines in examples\/basic.ts/);
  });

  it('passes on what the example throws and restores console.log', async () => {
    await expect(runReadmeExample(fixture('throwing'))).rejects.toThrow('the example failed');
  });
});
