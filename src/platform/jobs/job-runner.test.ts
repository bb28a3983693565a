import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../../database.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { ManualClock, systemClock } from '../clock.ts';
import { findJob, listJobFailures } from './job.queries.ts';
import { enqueueJob, retryJob } from './job.repository.ts';
import type { JobTables } from './job.table.ts';
import { defineJob, recurringKey } from './job.ts';
import { startJobRunner } from './job-runner.ts';

type Db = Kysely<JobTables>;

describe.each(testDialects)('jobs on %s', (dialect) => {
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

  const runner = (jobs: Parameters<typeof startJobRunner>[0]['jobs']) =>
    startJobRunner({ db, dialect, jobs, deps: {}, clock, autoStart: false });

  it('runs a delayed job once, not before its time', async () => {
    const ran: string[] = [];
    const greet = defineJob({
      id: 'test.greet',
      schema: z.object({ name: z.string() }),
      async handler(payload) {
        ran.push(payload.name);
      },
    });
    const id = await enqueueJob(
      db,
      greet,
      { name: 'Ada' },
      { now: clock.now(), runAt: clock.now() + 60_000 },
    );
    const r = runner([greet]);
    expect(await r.runOnce()).toBe(0);
    clock.advance(60_000);
    expect(await r.runOnce()).toBe(1);
    expect(await r.runOnce()).toBe(0);
    expect(ran).toEqual(['Ada']);
    expect(await findJob(db, id as string)).toMatchObject({ state: 'done', attempts: 1, lease_owner: null });
  });

  it("enqueues in the caller's transaction, checks the payload, and dedupes on a key", async () => {
    const job = defineJob({ id: 'test.keyed', schema: z.object({ n: z.number() }), handler: async () => {} });
    await expect(
      db.transaction().execute(async (trx) => {
        await enqueueJob(trx, job, { n: 1 }, { now: clock.now() });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.selectFrom('jobs').selectAll().execute()).toHaveLength(0);
    await expect(enqueueJob(db, job, { n: 'one' } as never, { now: clock.now() })).rejects.toThrow();
    expect(await enqueueJob(db, job, { n: 1 }, { now: clock.now(), key: 'once' })).not.toBeNull();
    expect(await enqueueJob(db, job, { n: 2 }, { now: clock.now(), key: 'once' })).toBeNull();
    expect(await db.selectFrom('jobs').selectAll().execute()).toHaveLength(1);
  });

  it('runs a recurring job on its schedule, from one row', async () => {
    let runs = 0;
    const tick = defineJob({
      id: 'test.tick',
      schema: z.object({}),
      schedule: { everyMs: 1_000 },
      async handler() {
        runs++;
      },
    });
    const r = runner([tick]);
    expect(await r.runOnce()).toBe(1);
    expect(await r.runOnce()).toBe(0);
    clock.advance(999);
    expect(await r.runOnce()).toBe(0);
    clock.advance(1);
    expect(await r.runOnce()).toBe(1);
    expect(runs).toBe(2);
    const rows = await db.selectFrom('jobs').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: recurringKey('test.tick'), state: 'pending', attempts: 0 });
    expect(Number(rows[0]?.run_at)).toBe(clock.now() + 1_000);
  });

  it('retries a failing attempt with doubling backoff, then succeeds', async () => {
    let calls = 0;
    const flaky = defineJob({
      id: 'test.flaky',
      schema: z.object({}),
      retry: { attempts: 4, backoffMs: 1_000 },
      async handler(_p, ctx) {
        calls++;
        expect(ctx.attempt).toBe(calls);
        if (calls < 3) throw new Error(`try ${calls} failed`);
      },
    });
    const id = (await enqueueJob(db, flaky, {}, { now: clock.now() })) as string;
    const r = runner([flaky]);
    await r.runOnce();
    let row = await findJob(db, id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_error: 'try 1 failed' });
    expect(Number(row?.run_at)).toBe(clock.now() + 1_000);
    clock.advance(999);
    expect(await r.runOnce()).toBe(0);
    clock.advance(1);
    await r.runOnce();
    row = await findJob(db, id);
    expect(row).toMatchObject({ state: 'pending', attempts: 2, last_error: 'try 2 failed' });
    expect(Number(row?.run_at)).toBe(clock.now() + 2_000);
    clock.advance(2_000);
    await r.runOnce();
    expect(await findJob(db, id)).toMatchObject({ state: 'done', attempts: 3 });
    expect(await listJobFailures(db, { limit: 10 })).toEqual([]);
  });

  it('shows a job that spent its attempts as a failure, and an operator retry runs it again', async () => {
    let broken = true;
    const doomed = defineJob({
      id: 'test.doomed',
      schema: z.object({}),
      retry: { attempts: 2, backoffMs: 10 },
      async handler() {
        if (broken) throw new Error('remote is down');
      },
    });
    const tick = defineJob({
      id: 'test.tick-fails',
      schema: z.object({}),
      retry: { attempts: 1 },
      schedule: { everyMs: 5_000 },
      async handler() {
        if (broken) throw new Error('tick broke');
      },
    });
    const id = (await enqueueJob(db, doomed, {}, { now: clock.now() })) as string;
    const r = runner([doomed, tick]);
    await r.runOnce();
    clock.advance(10);
    await r.runOnce();
    expect(await findJob(db, id)).toMatchObject({
      state: 'failed',
      attempts: 2,
      last_error: 'remote is down',
    });
    const failures = await listJobFailures(db, { limit: 10 });
    expect(failures.map((f) => [f.name, f.last_error]).sort()).toEqual([
      ['test.doomed', 'remote is down'],
      ['test.tick-fails', 'tick broke'],
    ]);
    // The recurring job stays scheduled while its failure shows.
    expect(await findJob(db, recurringKey('test.tick-fails'))).toMatchObject({ state: 'pending' });

    broken = false;
    expect(await retryJob(db, { id, now: clock.now() })).toBe(true);
    clock.advance(5_000);
    await r.runOnce();
    expect(await findJob(db, id)).toMatchObject({ state: 'done' });
    expect(await listJobFailures(db, { limit: 10 })).toEqual([]);
  });
});

// Several nodes share one database only on PostgreSQL (SQLite is the single-node store).
describe.each(testDialects.filter((d) => d === 'postgres'))('jobs on two nodes (%s)', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.destroy();
  });

  it('never runs one job on two nodes at once, even a job that outlives its lease, and runs each once', async () => {
    const second = openDatabase(database.url);
    const active = new Map<string, number>();
    const runs = new Map<string, number>();
    let overlap = 0;
    const work = defineJob({
      id: 'test.work',
      schema: z.object({ n: z.number(), ms: z.number() }),
      async handler(payload, ctx) {
        const key = String(payload.n);
        if ((active.get(key) ?? 0) > 0) overlap++;
        active.set(key, (active.get(key) ?? 0) + 1);
        runs.set(key, (runs.get(key) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, payload.ms));
        active.set(key, (active.get(key) ?? 1) - 1);
        expect(ctx.signal.aborted).toBe(false);
      },
    });
    const db = database.db as unknown as Db;
    for (let n = 0; n < 40; n++) {
      // Job 0 takes three leases' worth of time: the heartbeat must keep the other node off it.
      await enqueueJob(db, work, { n, ms: n === 0 ? 3_000 : 5 }, { now: Date.now() });
    }
    const nodes = [db, second.db as unknown as Db].map((nodeDb, i) =>
      startJobRunner({
        db: nodeDb,
        dialect,
        jobs: [work],
        deps: {},
        clock: systemClock,
        nodeId: `node-${i}`,
        // Renewed every third of it: room for the late timers of a busy machine, not a race.
        leaseMs: 1_000,
        pollMs: 5,
        concurrency: 3,
      }),
    );
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const open = await db.selectFrom('jobs').select('id').where('state', '!=', 'done').execute();
        if (open.length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await db.selectFrom('jobs').select('id').where('state', '!=', 'done').execute()).toEqual([]);
      expect(overlap).toBe(0);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(runs.size).toBe(40);
      const owners = await db.selectFrom('jobs').select('attempts').execute();
      expect(owners.every((o) => o.attempts === 1)).toBe(true);
    } finally {
      for (const n of nodes) await n.stop();
      await second.close();
    }
  });
});
