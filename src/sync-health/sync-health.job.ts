import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { runSyncHealthChecks } from './sync-health.ts';

/** How often every number's sync health is checked, Graph probes included. */
export const SYNC_HEALTH_EVERY_MS = 10 * 60_000;

/**
 * Checks every number's sync health (`docs/sync-health.md`): the database checks, and with a Graph
 * token also `GET /{waba}/subscribed_apps` and the quality rating. Transitions become alerts and
 * `number.sync_health_changed` events (which outbound webhooks can receive).
 */
export const syncHealthJob = defineJob({
  id: 'sync-health.check',
  schema: z.object({}),
  schedule: { everyMs: SYNC_HEALTH_EVERY_MS, firstRunMs: 30_000 },
  retry: { attempts: 3, backoffMs: 30_000 },
  async handler(_payload, { deps, now }: JobContext<AppDeps>) {
    await runSyncHealthChecks(deps, { now, probeGraph: deps.config.metaAccessToken !== undefined });
  },
});

/** Re-checks one number at once (its database checks) after its connection changed. */
export const syncHealthNumberJob = defineJob({
  id: 'sync-health.check-number',
  schema: z.object({ phone_number_id: z.string().min(1) }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async handler(payload, { deps, now }: JobContext<AppDeps>) {
    await runSyncHealthChecks(deps, { now, probeGraph: false, phoneNumberIds: [payload.phone_number_id] });
  },
});
