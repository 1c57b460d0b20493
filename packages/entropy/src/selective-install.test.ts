import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const coreDir = fileURLToPath(new URL('../../core', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ares-selective-install-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function pack(dir: string): string {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: dir, encoding: 'utf8' });
  return join(work, (JSON.parse(output) as { filename: string }[])[0]!.filename);
}

describe('selective install', () => {
  it('installs @ares/core and @ares/entropy tarballs into an empty project and runs the README example', () => {
    expect(existsSync(join(packageDir, 'dist', 'index.js')), 'build @ares/entropy first (turbo does)').toBe(true);
    const project = join(work, 'project');
    execFileSync('mkdir', ['-p', project]);
    const core = pack(coreDir);
    const entropy = pack(packageDir);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { '@ares/core': `file:${core}`, '@ares/entropy': `file:${entropy}` } }),
    );
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, encoding: 'utf8' });
    // Only the published files arrive: no sources, no tests, no fixtures.
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@ares/entropy/package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(existsSync(join(project, 'node_modules/@ares/entropy/src'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/@tensorflow'))).toBe(false);
    const example = readFileSync(join(packageDir, 'examples', 'basic.ts'), 'utf8');
    writeFileSync(join(project, 'example.mjs'), transformSync(example, { loader: 'ts', format: 'esm' }).code);
    copyFileSync(join(packageDir, 'README.md'), join(project, 'README.md'));
    const output = execFileSync('node', ['example.mjs'], { cwd: project, encoding: 'utf8' });
    // The same example resolved through the workspace link (the README test checks its printed values).
    const inWorkspace = join(packageDir, '.vitest', 'example-workspace.mjs');
    execFileSync('mkdir', ['-p', join(packageDir, '.vitest')]);
    copyFileSync(join(project, 'example.mjs'), inWorkspace);
    const fromWorkspace = execFileSync('node', [inWorkspace], { cwd: packageDir, encoding: 'utf8' });
    expect(output.trim().length).toBeGreaterThan(0);
    expect(output).toBe(fromWorkspace);
  }, 120_000);
});
