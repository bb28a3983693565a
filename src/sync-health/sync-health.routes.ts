import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { findVisibleNumber } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { isoOrNull } from '../platform/time.ts';
import { type SyncHealth, ZSyncHealth } from './sync-health.schemas.ts';
import type { CheckState } from './sync-health.table.ts';
import { runSyncHealthChecks, syncHealthOf } from './sync-health.ts';

const RANK: Record<CheckState, number> = { unknown: 0, ok: 0, warning: 1, failing: 2 };

/**
 * `GET /api/numbers/:id/sync-health`: each check of the number with its state and what to do;
 * `POST /api/numbers/:id/sync-health/check` runs them now, Graph probes included (admins).
 */
export function syncHealthRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    const view = async (id: string): Promise<SyncHealth> => {
      const row = await db
        .selectFrom('phone_numbers')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const checks = await syncHealthOf(db, id);
      const worst = checks.reduce((w, c) => (RANK[c.state] > RANK[w] ? c.state : w), 'ok' as CheckState);
      return {
        phone_number_id: row.id,
        display_phone_number: row.display_phone_number,
        verified_name: row.verified_name,
        state: worst,
        checks: checks.map((c) => ({ ...c, since: isoOrNull(c.since), checked_at: isoOrNull(c.checked_at) })),
      };
    };

    app.get(
      '/api/numbers/:id/sync-health',
      { schema: { params: ZIdParams, response: { 200: ZSyncHealth, ...errorResponses } } },
      async (request) => {
        const row = await findVisibleNumber(db, principalOf(request), request.params.id);
        if (!row) throw new AppError('NOT_FOUND', 'No such phone number.');
        return view(row.id);
      },
    );

    app.post(
      '/api/numbers/:id/sync-health/check',
      { schema: { params: ZIdParams, response: { 200: ZSyncHealth, ...errorResponses } } },
      async (request) => {
        const row = await findVisibleNumber(db, principalOf(request), request.params.id);
        if (!row) throw new AppError('NOT_FOUND', 'No such phone number.');
        await runSyncHealthChecks(deps, {
          now: deps.clock.now(),
          probeGraph: deps.config.metaAccessToken !== undefined,
          phoneNumberIds: [row.id],
        });
        return view(row.id);
      },
    );
  };
}
