import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Temporal servers take a few seconds to start; suites that use them share one per file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files that start Temporal servers must not all start at once.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
