import type { z } from 'zod';

/** How a job retries a run whose handler threw. */
export type JobRetry = {
  /** Attempts per run, the first included; 5 unless told. */
  readonly attempts: number;
  /** Wait before the second attempt, doubled for each further one; 10 s unless told. */
  readonly backoffMs: number;
  /** Longest wait between attempts; 1 h unless told. */
  readonly maxBackoffMs: number;
};

/** A recurring job runs every `everyMs`, the first time `firstRunMs` after the hub first starts. */
export type JobSchedule = { readonly everyMs: number; readonly firstRunMs?: number };

/** What a handler gets besides its payload. */
export type JobContext<D> = {
  /** The dependencies the hub gave the job runner (`AppDeps` in the hub). */
  readonly deps: D;
  /** The job row's id. */
  readonly jobId: string;
  /** 1 for the first attempt of this run. */
  readonly attempt: number;
  /** The runner's clock at the start of the attempt. */
  readonly now: number;
  /** Aborted when the node stops or loses the job's lease; long handlers should check it. */
  readonly signal: AbortSignal;
};

/** What a feature declares; see {@link defineJob}. */
export type JobDefinition<P, D> = {
  /** Stable and unique, `feature.action` (e.g. `templates.sync`): rows are stored under it. */
  readonly id: string;
  /** Validates the payload when it is enqueued and again when it runs. */
  readonly schema: z.ZodType<P>;
  /** Does the work. Runs at least once per enqueue; make it idempotent (a crash may rerun it). */
  handler(payload: P, context: JobContext<D>): Promise<void>;
  readonly retry?: Partial<JobRetry>;
  /** Present for a recurring job (one row, rescheduled after each run; its payload is `{}`). */
  readonly schedule?: JobSchedule;
};

/** A declared job, ready for the runner and for `enqueueJob`. */
export type Job<P = unknown, D = unknown> = {
  readonly id: string;
  readonly schema: z.ZodType<P>;
  readonly retry: JobRetry;
  readonly schedule: JobSchedule | null;
  handler(payload: P, context: JobContext<D>): Promise<void>;
};

const ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * Declares a durable job beside its feature (`*.job.ts`); the hub lists it in `src/hub.ts`. A
 * one-off job runs once per `enqueueJob(trx, job, payload, { runAt? })`; a job with a `schedule`
 * recurs. Claimed with a lease (one node runs a given job at a time), retried with backoff, and a
 * run that spends its attempts is a visible failure (`GET /api/jobs/failures`).
 *
 * ```ts
 * export const templateSyncJob = defineJob({
 *   id: 'templates.sync',
 *   schema: z.object({}),
 *   schedule: { everyMs: 15 * 60_000 },
 *   async handler(_payload, { deps }: JobContext<AppDeps>) { … },
 * });
 * ```
 */
export function defineJob<P, D>(def: JobDefinition<P, D>): Job<P, D> {
  if (!ID.test(def.id)) throw new Error(`job id "${def.id}" must look like feature.action`);
  if (def.schedule && !(def.schedule.everyMs > 0)) throw new Error(`job ${def.id}: everyMs must be positive`);
  return {
    id: def.id,
    schema: def.schema,
    retry: {
      attempts: Math.max(1, def.retry?.attempts ?? 5),
      backoffMs: def.retry?.backoffMs ?? 10_000,
      maxBackoffMs: def.retry?.maxBackoffMs ?? 3_600_000,
    },
    schedule: def.schedule ?? null,
    handler: def.handler,
  };
}

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function jobBackoff(retry: JobRetry, attempts: number): number {
  return Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** Math.max(0, attempts - 1));
}

/** The row key of a recurring job. */
export function recurringKey(jobId: string): string {
  return `recurring:${jobId}`;
}
