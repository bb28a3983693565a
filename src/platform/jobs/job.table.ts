import type { Selectable } from 'kysely';

/** A state of a job row. */
export type JobState = 'pending' | 'running' | 'done' | 'failed';

/**
 * Durable jobs. One-off jobs are rows that end `done` or `failed`; a recurring job is one row
 * (`key` = `recurring:<name>`) that goes back to `pending` with the next `run_at` after each run.
 */
export interface JobTable {
  id: string;
  /** The job definition's id, e.g. `templates.sync`. */
  name: string;
  /** Deduplication key: at most one row per key (recurring jobs, "enqueue once" jobs); null for none. */
  key: string | null;
  payload_json: string;
  state: JobState;
  /** When the job may run next (ms since the epoch). */
  run_at: number;
  /** Attempts made in the current run (reset when a recurring job is rescheduled). */
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  /** When the last run gave up after all its attempts; cleared by the next success (visible failure). */
  failed_at: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export type JobRow = Selectable<JobTable>;

export interface JobTables {
  jobs: JobTable;
}
