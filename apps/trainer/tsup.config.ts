import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  // tfjs-core's Node entry registers no gradients; bundle its gradient registrations into the app.
  noExternal: [/register_all_gradients/, /@tensorflow\/tfjs-core\/dist\/gradients/],
});
