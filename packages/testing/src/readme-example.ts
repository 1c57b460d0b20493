import { readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';

/** STYLE rule 17: the README example is at most this many lines of TypeScript. */
export const README_EXAMPLE_MAX_LINES = 15;

/**
 * The shared half of every package's `src/readme.test.ts` (STYLE rule 17): asserts that `README.md` contains
 * `examples/basic.ts` verbatim and that the example is at most {@link README_EXAMPLE_MAX_LINES} lines, then runs
 * the example with `console.log` silenced and returns the arguments of each `console.log` call, in order, for the
 * package's own assertions on the printed values.
 *
 * Call it as `await runReadmeExample(new URL('..', import.meta.url))` from `src/readme.test.ts`. The example still
 * gets type-checked, because every package's tsconfig includes `examples/`.
 *
 * @param packageRoot - the package folder, ending in `/` (`new URL('..', import.meta.url)` from `src/`)
 * @returns the arguments of each `console.log` call the example made
 * @throws an assertion error when the README lacks the example or the example is too long; whatever the example
 *   throws. `console.log` is restored in every case.
 */
export async function runReadmeExample(packageRoot: URL): Promise<unknown[][]> {
  const exampleUrl = new URL('examples/basic.ts', packageRoot);
  const example = readFileSync(exampleUrl, 'utf8').trim();
  const readme = readFileSync(new URL('README.md', packageRoot), 'utf8');
  expect(readme, 'README.md contains examples/basic.ts verbatim').toContain(example);
  expect(example.split('\n').length, 'lines in examples/basic.ts').toBeLessThanOrEqual(README_EXAMPLE_MAX_LINES);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(/* @vite-ignore */ exampleUrl.href);
    return log.mock.calls.map((call) => [...call]);
  } finally {
    log.mockRestore();
  }
}
