import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { backfillMessages } from './backfill.ts';
import { archiveKeyring } from './payload-crypto.ts';
import { purgeExpired } from './retention.ts';
import { sealAtRest } from './seal-at-rest.ts';

/** Purges content past its retention class (`retention.ts`), hourly; legal holds keep what they cover. */
export const archiveRetentionJob = defineJob({
  id: 'archive.retention',
  schema: z.object({}),
  schedule: { everyMs: 3_600_000, firstRunMs: 60_000 },
  async handler(_payload, { deps, now }: JobContext<AppDeps>) {
    const report = await purgeExpired(deps.database, { now, keyring: archiveKeyring(deps.config) });
    if (report.purged > 0 || report.held > 0)
      deps.logger.info({ purged: report.purged, held: report.held }, 'archive retention purge');
  },
});

/** Enters messages stored before the archive was on (`backfill.ts`); a no-op once every message has one. */
export const archiveBackfillJob = defineJob({
  id: 'archive.backfill',
  schema: z.object({}),
  schedule: { everyMs: 600_000, firstRunMs: 15_000 },
  async handler(_payload, { deps, now, signal }: JobContext<AppDeps>) {
    const n = await backfillMessages(deps.database.db, { now, keyring: archiveKeyring(deps.config), signal });
    if (n > 0) deps.logger.info({ messages: n }, 'archive backfill');
  },
});

/**
 * Seals what was stored in the clear before encryption at rest existed: TOTP secrets and archive
 * payloads (`seal-at-rest.ts`). The data migration of migration 021, run as a job because it needs
 * the master key, which migrations do not have.
 */
export const sealAtRestJob = defineJob({
  id: 'archive.seal-at-rest',
  schema: z.object({}),
  schedule: { everyMs: 3_600_000, firstRunMs: 5_000 },
  async handler(_payload, { deps }: JobContext<AppDeps>) {
    const sealed = await sealAtRest(deps.database.db, archiveKeyring(deps.config));
    if (sealed.secrets + sealed.payloads > 0) deps.logger.info(sealed, 'sealed plaintext rows at rest');
  },
});
