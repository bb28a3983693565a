import { defineConfig } from 'vitest/config';

/** Browser tests: a real hub, a real sandbox and headless Chromium. `npm run e2e`. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One browser and one hub at a time: the machine is small and the tests are end-to-end.
    fileParallelism: false,
  },
});
