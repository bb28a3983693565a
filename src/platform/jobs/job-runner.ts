import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Signals } from '../events/signals.ts';
import type { Logger } from '../logger.ts';
import {
  claimJobs,
  completeJob,
  ensureRecurringJobs,
  failJobAttempt,
  renewJobLease,
} from './job.repository.ts';
import type { JobRow, JobTables } from './job.table.ts';
import { type Job, type JobSchedule, jobBackoff, recurringKey } from './job.ts';

export type JobRunnerOptions<D> = {
  readonly db: Kysely<JobTables>;
  readonly dialect: Dialect;
  readonly jobs: readonly Job<never, D>[] | readonly Job[];
  /** Handed to every handler as `context.deps`. */
  readonly deps: D;
  readonly clock: { now(): number };
  readonly logger?: Logger;
  /** `emit('jobs')` after a commit that enqueued a job makes the runner look at once. */
  readonly signals?: Signals;
  readonly nodeId?: string;
  /** How long a claim lasts without renewal (renewed every third of it while the job runs); 60 s. */
  readonly leaseMs?: number;
  /** How often the runner looks for due jobs without a wake-up; 1 s. */
  readonly pollMs?: number;
  /** Jobs this node runs at once; 2. */
  readonly concurrency?: number;
  /** Run the loop (default); false leaves it to `runOnce()` (tests). */
  readonly autoStart?: boolean;
  /** Replaces the declared schedule of some recurring jobs (tests, operators' settings). */
  readonly schedules?: Readonly<Record<string, JobSchedule>>;
};

export type JobRunner = {
  readonly name: string;
  /** Claims and runs every due job once (tests); returns how many ran. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the hub's durable jobs on this node: claims due ones with a lease (several nodes never run
 * one job at the same time), renews the lease while a handler runs, and records each outcome with
 * a compare-and-set on the lease, so a node that lost its claim cannot overwrite the new owner's.
 */
export function startJobRunner<D>(options: JobRunnerOptions<D>): JobRunner {
  const { db, clock } = options;
  const owner = options.nodeId ?? randomUUID();
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1_000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const byId = new Map<string, Job<unknown, D>>();
  for (const job of options.jobs as readonly Job<unknown, D>[]) {
    if (byId.has(job.id)) throw new Error(`job ${job.id} is declared twice`);
    byId.set(job.id, job);
  }
  const names = [...byId.keys()];
  const scheduleOf = (job: Job<unknown, D>): JobSchedule | null =>
    options.schedules?.[job.id] ?? job.schedule;
  const abort = new AbortController();
  let ensured: Promise<void> | null = null;

  const run = async (row: JobRow): Promise<void> => {
    const job = byId.get(row.name);
    if (!job) return;
    const now = clock.now();
    const finish = { id: row.id, owner };
    // Only the job's own recurring row recurs; an extra run enqueued by hand is a one-off.
    const schedule = row.key === recurringKey(job.id) ? scheduleOf(job) : null;
    const next = () => (schedule ? clock.now() + schedule.everyMs : null);
    const fail = async (error: unknown, retryable: boolean) => {
      const retryAt =
        retryable && row.attempts < row.max_attempts
          ? clock.now() + jobBackoff(job.retry, row.attempts)
          : null;
      await failJobAttempt(db, {
        ...finish,
        now: clock.now(),
        error: message(error),
        retryAt,
        nextRunAt: next(),
      });
      const log = { job: row.name, jobId: row.id, attempt: row.attempts, err: error };
      if (retryAt === null) options.logger?.error(log, 'job failed after its last attempt');
      else options.logger?.warn(log, 'job attempt failed; it will retry');
    };
    if (row.attempts > row.max_attempts) {
      // Claimed again after its node died during the last attempt.
      await fail(new Error('the node running the last attempt stopped'), false);
      return;
    }
    let payload: unknown;
    try {
      payload = job.schema.parse(JSON.parse(row.payload_json));
    } catch (error) {
      await fail(new Error(`invalid payload: ${message(error)}`), false);
      return;
    }
    const lost = new AbortController();
    const onStop = () => lost.abort();
    abort.signal.addEventListener('abort', onStop);
    const heartbeat = setInterval(
      () => {
        void renewJobLease(db, { id: row.id, owner, now: clock.now(), leaseMs }).then(
          (held) => {
            if (!held) lost.abort();
          },
          () => {},
        );
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    try {
      await job.handler(payload, {
        deps: options.deps,
        jobId: row.id,
        attempt: row.attempts,
        now,
        signal: lost.signal,
      });
      clearInterval(heartbeat);
      await completeJob(db, { ...finish, now: clock.now(), nextRunAt: next() });
    } catch (error) {
      clearInterval(heartbeat);
      await fail(error, true);
    } finally {
      clearInterval(heartbeat);
      abort.signal.removeEventListener('abort', onStop);
    }
  };

  const runOnce = async (): Promise<number> => {
    const recurring = [...byId.values()].map((job) => ({ ...job, schedule: scheduleOf(job) }));
    ensured ??= ensureRecurringJobs(db, recurring as Job[], clock.now());
    await ensured;
    let ran = 0;
    for (;;) {
      if (abort.signal.aborted) return ran;
      const rows = await claimJobs(db, {
        dialect: options.dialect,
        names,
        owner,
        now: clock.now(),
        leaseMs,
        limit: concurrency,
      });
      if (rows.length === 0) return ran;
      await Promise.all(
        rows.map((row) =>
          run(row).catch((error) => options.logger?.error({ err: error, job: row.name }, 'job run failed')),
        ),
      );
      ran += rows.length;
    }
  };

  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let running: Promise<void> = Promise.resolve();
  // Set by a wake-up that came while a pass ran (the job may have been enqueued after its claim):
  // the loop goes on at once instead of sleeping through it until the next poll.
  let kicked = false;
  const loop = async () => {
    while (!abort.signal.aborted) {
      kicked = false;
      try {
        await runOnce();
      } catch (error) {
        ensured = null;
        options.logger?.warn({ err: error }, 'job runner pass failed');
      }
      if (abort.signal.aborted) break;
      if (kicked) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
      wake = null;
      if (timer) clearTimeout(timer);
    }
  };
  const offSignal = options.signals?.on('jobs', () => {
    kicked = true;
    wake?.();
  });
  if (names.length > 0 && options.autoStart !== false) running = loop();

  return {
    name: 'jobs',
    runOnce,
    async stop() {
      abort.abort();
      offSignal?.();
      wake?.();
      await running;
    },
  };
}
