import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@ares\/entropy\/tf$/, replacement: fileURLToPath(new URL('./src/tf/index.ts', import.meta.url)) },
      { find: /^@ares\/entropy$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Generous: CI runs every package's suite at once on 2 cores; tests measure correctness, not speed.
    testTimeout: 30_000,
    setupFiles: ['@ares/testing/setup'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
    onConsoleLog: (log) => !log.includes('Hi, looks like you are running TensorFlow.js in Node.js'),
  },
});
