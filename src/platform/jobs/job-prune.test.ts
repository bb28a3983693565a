import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hubJobs } from '../../hub.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { ManualClock } from '../clock.ts';
import { enqueueJob, runRecurringJobNow } from './job.repository.ts';
import type { JobTables } from './job.table.ts';
import { defineJob } from './job.ts';
import { FINISHED_JOB_RETENTION_MS, jobPruneJob } from './job-prune.job.ts';
import { startJobRunner } from './job-runner.ts';

type Db = Kysely<JobTables>;

describe.each(testDialects)('finished jobs pruned on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new ManualClock();

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    db = database.db as unknown as Db;
  });
  afterEach(async () => {
    await database.destroy();
  });

  it('the hub runs it', () => {
    expect(hubJobs.map((j) => j.id)).toContain(jobPruneJob.id);
  });

  it('deletes one-off jobs done before the retention, keeps newer ones and failures', async () => {
    let fail = false;
    const work = defineJob({
      id: 'test.work',
      schema: z.object({ n: z.number() }),
      retry: { attempts: 1 },
      async handler() {
        if (fail) throw new Error('refused');
      },
    });
    const runner = startJobRunner({
      db,
      dialect,
      jobs: [work, jobPruneJob],
      deps: { database: { db }, clock },
      clock,
      autoStart: false,
    });
    try {
      await enqueueJob(db, work, { n: 1 }, { now: clock.now() });
      await runner.runOnce(); // n=1 done (the prune's first run is a minute away)
      fail = true;
      await enqueueJob(db, work, { n: 2 }, { now: clock.now() });
      await runner.runOnce(); // n=2 failed
      clock.advance(FINISHED_JOB_RETENTION_MS + 1);
      fail = false;
      await enqueueJob(db, work, { n: 3 }, { now: clock.now() });
      await runRecurringJobNow(db, { jobId: jobPruneJob.id, now: clock.now() });
      await runner.runOnce();
      const left = await db
        .selectFrom('jobs')
        .select(['name', 'state', 'payload_json'])
        .orderBy('name')
        .execute();
      expect(left.map((j) => [j.name, j.state, j.payload_json]).sort()).toEqual(
        [
          ['jobs.prune', 'pending', '{}'],
          ['test.work', 'failed', '{"n":2}'],
          ['test.work', 'done', '{"n":3}'],
        ].sort(),
      );
    } finally {
      await runner.stop();
    }
  });
});
