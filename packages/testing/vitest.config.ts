import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['./src/setup.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
