import type { Kysely } from 'kysely';
import { z } from 'zod';
import { defineJob, type Job, type JobContext } from '../jobs/job.ts';
import type { EventTables } from './event.table.ts';
import { pruneEventLog } from './event-log.repository.ts';
import type { Subscriber } from './subscriber.ts';

type PruneDeps = {
  readonly database: { readonly db: object };
  readonly config: { readonly eventRetentionMs: number };
  readonly clock: { now(): number };
};

/**
 * The event-log prune for a hub with these durable subscribers: deletes events older than
 * `COEXIST_EVENT_RETENTION_MS` once each of them has passed them (see {@link pruneEventLog}).
 */
export function eventLogPruneJob(subscribers: readonly Subscriber[]): Job<Record<string, never>, PruneDeps> {
  const names = subscribers.map((s) => s.name);
  return defineJob({
    id: 'events.log-prune',
    schema: z.object({}).strict() as z.ZodType<Record<string, never>>,
    schedule: { everyMs: 10 * 60_000, firstRunMs: 60_000 },
    async handler(_payload, { deps }: JobContext<PruneDeps>) {
      // The hub's schema includes the event tables; Kysely cannot see a schema as its subset.
      const db = deps.database.db as Kysely<EventTables>;
      await pruneEventLog(db, {
        subscribers: names,
        before: deps.clock.now() - deps.config.eventRetentionMs,
      });
    },
  });
}
