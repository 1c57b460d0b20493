import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('README example', () => {
  it('is the text of examples/basic.ts and runs with the documented output', async () => {
    const example = readFileSync(new URL('../examples/basic.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(15);
    expect(readme).toContain(example.trim());
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('../examples/basic');
    expect(log.mock.calls).toEqual([
      [{ target: 28, alpha: 0.475 }],
      [0.525],
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ]);
    log.mockRestore();
  });
});
