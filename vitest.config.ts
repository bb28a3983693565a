import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (measured with `--reporter=json`, longest first; about 40 s to 190 s
 * each under three workers). On a clean clone Vitest has no timings and starts the largest files
 * first, so a long but short file (a CLI spawned per command, a 600-recipient campaign at 20 messages/s)
 * could start last and run alone at the end. These start first; the rest follow in Vitest's order.
 */
const LONG_FIRST = [
  'cli/audit-commands.test.ts',
  'src/templates/template-webhooks.test.ts',
  'src/outbound/meta-outage.test.ts',
  'src/outbound/send-message.test.ts',
  'src/meta-webhooks/fixtures.test.ts',
  'src/meta-webhooks/idempotency.test.ts',
  'src/archive/archive.test.ts',
  'src/platform/events/subscriber-worker.test.ts',
  'src/integrations/outbound-webhooks/delivery.test.ts',
  'src/outbound/unknown-sends.test.ts',
  'cli/security-log.test.ts',
  'src/metrics/metrics.test.ts',
  'src/archive/export-bundle.test.ts',
  'src/platform/events/subscriber-crash.test.ts',
  'src/platform/jobs/job-runner.test.ts',
  'src/automation/flows/flows.test.ts',
];

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const i = LONG_FIRST.indexOf(relative(this.ctx.config.root, file.moduleId).replaceAll('\\', '/'));
      return i < 0 ? LONG_FIRST.length : i;
    };
    return sorted
      .map((file, order) => ({ file, order, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sandbox/**/*.test.ts', 'cli/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Long real-time runs have their own config (vitest.slow.config.ts), run by `npm test` after these,
    // and so do the tests that need the machine to themselves (vitest.isolated.config.ts).
    exclude: [...configDefaults.exclude, '**/*.slow.test.ts', '**/*.isolated.test.ts'],
    testTimeout: 30_000,
    // A hub's shutdown on PostgreSQL has twice outlived 60 s with three workers on two cores (after
    // every assertion of its file had passed; alone it takes milliseconds): not yet explained. The
    // teardown's time is not what these tests test.
    hookTimeout: 120_000,
    pool: 'forks',
    // Many of these tests wait on real sandbox timers (pacing, retries, outages) rather than compute:
    // three at once on two cores roughly halves the wall time.
    maxWorkers: Number(process.env.COEXIST_TEST_WORKERS ?? 3),
    sequence: { sequencer: LongFilesFirst },
  },
});
