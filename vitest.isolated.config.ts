import { defineConfig } from 'vitest/config';

/**
 * Isolated suites (`*.isolated.test.ts`): tests that run several hub processes against PostgreSQL
 * and drop or kill them mid-run (three nodes with one killed; connections terminated and reset),
 * and the error policy against the sandbox's real-time rate limits (130429, 131056 backoffs).
 * They need the machine to themselves: beside other suites their nodes' leases, backoffs and
 * timeouts race the contention (a hub still backing off outlived the 60 s hook on PostgreSQL).
 * `npm test` runs them alone, one file at a time, after the unit suite.
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
