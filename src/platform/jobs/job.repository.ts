import { randomUUID } from 'node:crypto';
import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { JobRow, JobTables } from './job.table.ts';
import { type Job, recurringKey } from './job.ts';

type Db = Kysely<JobTables>;
// Any schema that has the jobs table: a feature's transaction over the whole hub schema is one.
const jobsOf = <S extends JobTables>(trx: Kysely<S> | Transaction<S>) => trx as unknown as Db;

/** A pending job row that has never run. */
function newJobRow(
  job: Pick<Job<never, never>, 'id' | 'retry'>,
  input: { id: string; key: string | null; payloadJson: string; runAt: number; now: number },
): JobRow {
  return {
    id: input.id,
    name: job.id,
    key: input.key,
    payload_json: input.payloadJson,
    state: 'pending',
    run_at: input.runAt,
    attempts: 0,
    max_attempts: job.retry.attempts,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    failed_at: null,
    created_at: input.now,
    updated_at: input.now,
    finished_at: null,
  };
}

/**
 * Enqueues a one-off job inside the caller's transaction, so it exists exactly when the change that
 * asks for it commits. `runAt` delays it; `key` makes the enqueue idempotent (a second job with the
 * same key is not added). The payload is checked against the job's schema now. Returns the job's id,
 * or null when `key` was taken. After the commit, `deps.signals.emit('jobs')` starts it at once.
 */
export async function enqueueJob<P, S extends JobTables>(
  trx: Kysely<S> | Transaction<S>,
  job: Job<P, never> | Job<P, unknown>,
  payload: P,
  options: { now: number; runAt?: number; key?: string },
): Promise<string | null> {
  const checked = job.schema.parse(payload);
  const id = randomUUID();
  const inserted = await jobsOf(trx)
    .insertInto('jobs')
    .values(
      newJobRow(job, {
        id,
        key: options.key ?? null,
        payloadJson: JSON.stringify(checked),
        runAt: options.runAt ?? options.now,
        now: options.now,
      }),
    )
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? id : null;
}

/** Creates the one row of each recurring job that has none yet (every node may call it). */
export async function ensureRecurringJobs(db: Db, jobs: readonly Job[], now: number): Promise<void> {
  for (const job of jobs) {
    if (!job.schedule) continue;
    const key = recurringKey(job.id);
    const runAt = now + (job.schedule.firstRunMs ?? 0);
    await db
      .insertInto('jobs')
      .values(newJobRow(job, { id: key, key, payloadJson: '{}', runAt, now }))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Due: pending and its time has come, or running under a lease that expired (its node died). */
const claimable =
  (now: number, names: readonly string[]) =>
  (eb: ExpressionBuilder<JobTables, 'jobs'>): Expression<SqlBool> =>
    eb.and([
      eb('name', 'in', [...names]),
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', now)]),
        eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
      ]),
    ]);

/**
 * Claims up to `limit` due jobs for `owner` with a lease, counting an attempt. On PostgreSQL the
 * candidates are locked `FOR UPDATE SKIP LOCKED`, so nodes claiming at once take different jobs;
 * on SQLite (one writer at a time) each claim is a compare-and-set on the row's state and lease.
 */
export async function claimJobs(
  db: Db,
  input: {
    dialect: Dialect;
    names: readonly string[];
    owner: string;
    now: number;
    leaseMs: number;
    limit: number;
  },
): Promise<JobRow[]> {
  if (input.names.length === 0 || input.limit <= 0) return [];
  const due = claimable(input.now, input.names);
  const lease = {
    state: 'running' as const,
    lease_owner: input.owner,
    lease_until: input.now + input.leaseMs,
  };
  if (input.dialect === 'postgres') {
    return db
      .updateTable('jobs')
      .set((eb) => ({ ...lease, attempts: eb('attempts', '+', 1), updated_at: input.now }))
      .where('id', 'in', (qb) =>
        qb
          .selectFrom('jobs')
          .select('id')
          .where(due)
          .orderBy('run_at')
          .limit(input.limit)
          .forUpdate()
          .skipLocked(),
      )
      .where(due)
      .returningAll()
      .execute();
  }
  const candidates = await db
    .selectFrom('jobs')
    .select('id')
    .where(due)
    .orderBy('run_at')
    .limit(input.limit)
    .execute();
  const claimed: JobRow[] = [];
  for (const { id } of candidates) {
    const row = await db
      .updateTable('jobs')
      .set((eb) => ({ ...lease, attempts: eb('attempts', '+', 1), updated_at: input.now }))
      .where('id', '=', id)
      .where(due)
      .returningAll()
      .executeTakeFirst();
    if (row) claimed.push(row);
  }
  return claimed;
}

/** Extends the lease of a job `owner` runs; false when the lease moved to another node. */
export async function renewJobLease(
  db: Db,
  input: { id: string; owner: string; now: number; leaseMs: number },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_until: input.now + input.leaseMs })
    .where('id', '=', input.id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', input.owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

type Finish = { id: string; owner: string; now: number };

const ownedBy = (input: Finish) => (eb: ExpressionBuilder<JobTables, 'jobs'>) =>
  eb.and([eb('id', '=', input.id), eb('state', '=', 'running'), eb('lease_owner', '=', input.owner)]);

/** Ends a successful run: a one-off job is done; a recurring one is due again at `nextRunAt`. */
export async function completeJob(db: Db, input: Finish & { nextRunAt: number | null }): Promise<boolean> {
  const set =
    input.nextRunAt === null
      ? { state: 'done' as const, finished_at: input.now, last_error: null, failed_at: null }
      : {
          state: 'pending' as const,
          run_at: input.nextRunAt,
          attempts: 0,
          last_error: null,
          failed_at: null,
        };
  const result = await db
    .updateTable('jobs')
    .set({ ...set, lease_owner: null, lease_until: null, updated_at: input.now })
    .where(ownedBy(input))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Ends a failed attempt: due again at `retryAt`, or, with no attempt left, a visible failure: a
 * one-off job `failed`; a recurring one keeps `failed_at` and its error and is due at `nextRunAt`.
 */
export async function failJobAttempt(
  db: Db,
  input: Finish & { error: string; retryAt: number | null; nextRunAt: number | null },
): Promise<boolean> {
  const error = input.error.slice(0, 2000);
  const set =
    input.retryAt !== null
      ? { state: 'pending' as const, run_at: input.retryAt, last_error: error }
      : input.nextRunAt !== null
        ? {
            state: 'pending' as const,
            run_at: input.nextRunAt,
            attempts: 0,
            last_error: error,
            failed_at: input.now,
          }
        : { state: 'failed' as const, finished_at: input.now, last_error: error, failed_at: input.now };
  const result = await db
    .updateTable('jobs')
    .set({ ...set, lease_owner: null, lease_until: null, updated_at: input.now })
    .where(ownedBy(input))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An operator's retry of a failed job: due now with a fresh set of attempts. False if not failed. */
export async function retryJob(db: Db, input: { id: string; now: number }): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'pending', run_at: input.now, attempts: 0, finished_at: null, updated_at: input.now })
    .where('id', '=', input.id)
    .where((eb) => eb.or([eb('state', '=', 'failed'), eb('failed_at', 'is not', null)]))
    .where('state', '!=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes finished one-off jobs older than `before` (done ones only; failures stay visible). */
export async function pruneFinishedJobs(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('state', '=', 'done')
    .where('finished_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Makes a recurring job due now ("run now" for an operator; tests). Returns false when it has no
 * row yet or is running. After it, `deps.signals.emit('jobs')` wakes this node's runner.
 */
export async function runRecurringJobNow(db: Db, input: { jobId: string; now: number }): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ run_at: input.now, updated_at: input.now })
    .where('key', '=', recurringKey(input.jobId))
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
