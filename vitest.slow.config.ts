import { defineConfig } from 'vitest/config';

/**
 * Slow suites (`*.slow.test.ts`): long runs in real time that mostly wait (a campaign paced at a
 * number's 20 messages/s, a replay of thousands of conversations). `npm test` runs them in the
 * background beside the browser tests (bin/test.mjs), side by side since they mostly wait.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.slow.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 4,
  },
});
