import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The suite's real-parts pass (TEST_DATABASE_URL set) adds *.pg.test.ts, which need a real PostgreSQL
    // (row locks between replicas, target-database facts), and *.real.test.ts, which also start Debian's
    // prometheus and pgbouncer on loopback.
    exclude: ['test/e2e/**', ...(process.env.TEST_DATABASE_URL ? [] : ['test/**/*.pg.test.ts', 'test/**/*.real.test.ts'])],
    // PGlite opens in about half a second from the install-time template, several seconds without it.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // CI must not pass on a focused or skipped test.
    allowOnly: false,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
