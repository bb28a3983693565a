import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import { type AlertRow, resolveAlert } from './alerts.ts';
import { ZAlert, ZListAlertsRequest, ZListAlertsResponse } from './outbound.schemas.ts';

function toApiAlert(a: AlertRow) {
  return {
    id: a.id,
    phone_number_id: a.phone_number_id,
    waba_id: a.waba_id,
    code: a.code,
    title: a.title,
    message: a.message,
    details: parseJsonOr<unknown>(a.details_json, null),
    count: a.count,
    first_at: isoOrNull(a.first_at),
    last_at: isoOrNull(a.last_at),
    resolved_at: isoOrNull(a.resolved_at),
    resolved_by: a.resolved_by,
  };
}

/** `GET /api/alerts?status=open|resolved|all` and `POST /api/alerts/:id/resolve` (resumes a paused number). */
export function alertsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/alerts',
      {
        schema: {
          querystring: ZListAlertsRequest,
          response: { 200: ZListAlertsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        let q = deps.database.db.selectFrom('alerts').selectAll().orderBy('last_at', 'desc').limit(500);
        if (request.query.status === 'open') q = q.where('resolved_at', 'is', null);
        if (request.query.status === 'resolved') q = q.where('resolved_at', 'is not', null);
        if (principal.wabaIds !== null) q = q.where('waba_id', 'in', [...principal.wabaIds, '']);
        const rows = await q.execute();
        return { data: rows.map(toApiAlert), next_cursor: null };
      },
    );

    app.post(
      '/api/alerts/:id/resolve',
      { schema: { params: ZIdParams, response: { 200: ZAlert, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        const alert = await deps.database.db
          .selectFrom('alerts')
          .select('waba_id')
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        // Alerts of business accounts the principal cannot see do not exist for it.
        if (!alert || (principal.wabaIds !== null && !principal.wabaIds.includes(alert.waba_id ?? ''))) {
          throw new AppError('NOT_FOUND', 'No such open alert.');
        }
        const ok = await resolveAlert(deps.database.db, {
          id: request.params.id,
          by: principal.userId ?? principal.id,
          now: deps.clock.now(),
        });
        if (!ok) throw new AppError('NOT_FOUND', 'No such open alert.');
        const row = await deps.database.db
          .selectFrom('alerts')
          .selectAll()
          .where('id', '=', request.params.id)
          .executeTakeFirstOrThrow();
        return toApiAlert(row);
      },
    );
  };
}
