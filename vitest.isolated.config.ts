import { defineConfig } from 'vitest/config';

/**
 * Isolated suites (`*.isolated.test.ts`): tests that run several hub processes against PostgreSQL
 * and drop or kill them mid-run (three nodes with one killed; connections terminated and reset).
 * They need the machine to themselves: beside other suites their nodes' leases and timeouts race
 * the contention. `npm test` runs them alone, one file at a time, after the unit suite.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.isolated.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
