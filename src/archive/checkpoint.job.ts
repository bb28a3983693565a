import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { makeCheckpoint } from './checkpoint.ts';
import { anchorWithWitnesses, parseWitnesses } from './witness.ts';

/**
 * Signs a new checkpoint every minute while the log grows (a no-op when it did not), well inside
 * the five minutes the archive promises, and sends it to the configured witnesses (`witness.ts`). `POST /api/audit/checkpoint` signs one on demand.
 */
export const archiveCheckpointJob = defineJob({
  id: 'archive.checkpoint',
  schema: z.object({}),
  schedule: { everyMs: 60_000, firstRunMs: 5_000 },
  async handler(_payload, { deps, now }: JobContext<AppDeps>) {
    const checkpoint = await makeCheckpoint(deps.database.db, { config: deps.config, now });
    // Anchor it with the witnesses that have not co-signed it yet (a failed push is retried next run).
    const witnesses = parseWitnesses(deps.config.archiveWitnesses);
    const pending = [];
    for (const w of witnesses) {
      const row = await deps.database.db
        .selectFrom('archive_anchors')
        .select('ok')
        .where('target', '=', `witness:${w.name}`)
        .where('size', '=', checkpoint.size)
        .executeTakeFirst();
      if (!row || Number(row.ok) !== 1) pending.push(w);
    }
    if (checkpoint.size > 0 && pending.length > 0) {
      for (const o of await anchorWithWitnesses(deps.database.db, { witnesses: pending, checkpoint, now }))
        if (!o.ok) deps.logger.warn({ witness: o.witness, detail: o.detail }, 'a witness did not co-sign');
    }
  },
});
