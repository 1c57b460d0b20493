import { readFileSync } from 'node:fs';

/** The shape of every committed golden fixture (`src/__fixtures__/<name>.json`). */
export interface Fixture<Case> {
  readonly generator: string;
  readonly source?: { readonly repo: string; readonly path: string; readonly commit: string };
  readonly seed?: number;
  readonly cases: readonly Case[];
}

/**
 * Reads a JSON fixture relative to the calling test file (`new URL('./__fixtures__/x.json', import.meta.url)`).
 * Non-finite numbers are stored as the strings "NaN", "Infinity" and "-Infinity" and restored here.
 */
export function loadFixture<Case>(url: URL): Fixture<Case> {
  return JSON.parse(readFileSync(url, 'utf8'), (_key, value: unknown) => {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    return value;
  }) as Fixture<Case>;
}
