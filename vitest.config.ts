import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    // Two cores here and in CI: more workers only add contention, and the
    // integration suites share one dynalite and one PostgreSQL per run.
    maxWorkers: 2,
    testTimeout: 20_000,
    // The functions' structured logs and metrics are for CloudWatch; in a
    // test run they would bury the results.
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    hookTimeout: 60_000,
  },
});
