import { defineConfig } from 'vitest/config';

// The end-to-end suite (test/e2e): the bot as a process, on real PostgreSQL, pgBouncer and Prometheus.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    // One scenario at a time: each plays a release on the wall clock, and two cores are all there is.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 90_000,
    allowOnly: false,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results-e2e.json' }]] : ['default'],
  },
});
