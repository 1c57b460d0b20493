import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@ares\/grpo\/tf$/, replacement: fileURLToPath(new URL('./src/tf/index.ts', import.meta.url)) },
      { find: /^@ares\/grpo$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Generous: CI runs every package's suite at once on 2 cores; tests measure correctness, not speed.
    testTimeout: 30_000,
    // The tfjs backend is registered by the src/tf tests themselves (import '@ares/testing/setup-tf'), so the
    // pure-function test files do not pay for loading tfjs.
    setupFiles: ['@ares/testing/setup'],
    // Every function under test is pure (and the tf tests dispose what they create), so the files can share one
    // module graph per worker: this halves the suite's wall time on a 2-core machine.
    isolate: false,
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
    onConsoleLog: (log) => !log.includes('Hi, looks like you are running TensorFlow.js in Node.js'),
  },
});
