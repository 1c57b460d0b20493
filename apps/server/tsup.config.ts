import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/bench.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
});
