import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Generous: CI runs every package's suite at once on 2 cores; tests measure correctness, not speed.
    testTimeout: 30_000,
    setupFiles: ['@ares/testing/setup'],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
