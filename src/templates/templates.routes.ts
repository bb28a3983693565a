import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { assertWabaAccess, principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import type { TemplateTable } from './template.table.ts';
import { syncTemplates } from './template-sync.ts';
import {
  type TemplateComponent,
  ZListTemplatesRequest,
  ZListTemplatesResponse,
  ZSyncTemplatesRequest,
  ZSyncTemplatesResponse,
} from './templates.schemas.ts';

function toApiTemplate(t: Selectable<TemplateTable>) {
  return {
    id: t.id,
    waba_id: t.waba_id,
    meta_template_id: t.meta_template_id,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    reason: t.reason,
    parameter_format: t.parameter_format,
    components: parseJsonOr<TemplateComponent[]>(t.components_json, []),
    status_changed_at: isoOrNull(t.status_changed_at),
    updated_at: isoOrNull(t.updated_at),
  };
}

/** `GET /api/templates?waba_id&status&name` and `POST /api/templates/sync` (refresh from Graph). */
export function templatesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/templates',
      {
        schema: {
          querystring: ZListTemplatesRequest,
          response: { 200: ZListTemplatesResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        let q = deps.database.db.selectFrom('templates').selectAll().orderBy('name').orderBy('language');
        if (request.query.waba_id) q = q.where('waba_id', '=', request.query.waba_id);
        if (request.query.status) q = q.where('status', '=', request.query.status.toUpperCase());
        if (request.query.name) q = q.where('name', '=', request.query.name);
        if (principal.wabaIds !== null) q = q.where('waba_id', 'in', [...principal.wabaIds, '']);
        const rows = await q.execute();
        return { data: rows.map(toApiTemplate), next_cursor: null };
      },
    );

    app.post(
      '/api/templates/sync',
      {
        schema: { body: ZSyncTemplatesRequest, response: { 200: ZSyncTemplatesResponse, ...errorResponses } },
      },
      async (request) => {
        const principal = principalOf(request);
        let wabaIds: string[];
        if (request.body?.waba_id) {
          assertWabaAccess(principal, request.body.waba_id);
          wabaIds = [request.body.waba_id];
        } else {
          const rows = await deps.database.db.selectFrom('wabas').select('id').execute();
          const fromNumbers = await deps.database.db
            .selectFrom('phone_numbers')
            .select('waba_id')
            .distinct()
            .execute();
          wabaIds = [...new Set([...rows.map((r) => r.id), ...fromNumbers.map((r) => r.waba_id)])].filter(
            (id) => principal.wabaIds === null || principal.wabaIds.includes(id),
          );
        }
        const graph = deps.graph;
        const results = [];
        for (const wabaId of wabaIds) {
          const r = await syncTemplates({ db: deps.database.db, graph, now: deps.clock.now() }, wabaId);
          if (!r.ok && wabaIds.length === 1) {
            throw new AppError('GRAPH_REQUEST_FAILED', r.error.message, { meta_code: r.error.code });
          }
          results.push(
            r.ok ? { waba_id: wabaId, synced: r.synced } : { waba_id: wabaId, error: r.error.message },
          );
        }
        return { data: results };
      },
    );
  };
}
