import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('README example', () => {
  it('is the text of examples/basic.ts and runs with the documented output', async () => {
    const example = readFileSync(new URL('../examples/basic.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(15);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('../examples/basic');
    expect(log.mock.calls).toEqual([[1200, 225], [[900, 150, 700]]]);
    log.mockRestore();
  });
});
