import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['@ares/testing/setup', '@ares/testing/setup-tf'],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
    testTimeout: 60_000,
    onConsoleLog: (log) => !log.includes('Hi, looks like you are running TensorFlow.js in Node.js'),
  },
});
