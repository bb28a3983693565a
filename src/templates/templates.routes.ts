import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { assertWabaAccess, principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses as errors, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import {
  createTemplate,
  deleteTemplate,
  editTemplate,
  templateHistory,
  toApiTemplate,
} from './template-actions.ts';
import { templateSampleRoutes } from './template-samples.routes.ts';
import { syncTemplates } from './template-sync.ts';
import {
  ZCreateTemplateRequest,
  ZEditTemplateRequest,
  ZListTemplatesRequest,
  ZListTemplatesResponse,
  ZSyncTemplatesRequest,
  ZSyncTemplatesResponse,
  ZTemplateHistoryResponse,
  ZTemplateResponse,
} from './templates.schemas.ts';

/** `GET /api/templates?waba_id&status&name` and `POST /api/templates/sync` (refresh from Graph). */
export function templatesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    await plugin.register(templateSampleRoutes(deps));

    app.get(
      '/api/templates',
      {
        schema: {
          querystring: ZListTemplatesRequest,
          response: { 200: ZListTemplatesResponse, ...errors },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        let q = deps.database.db.selectFrom('templates').selectAll().orderBy('name').orderBy('language');
        if (request.query.waba_id) q = q.where('waba_id', '=', request.query.waba_id);
        if (request.query.status) q = q.where('status', '=', request.query.status.toUpperCase());
        else q = q.where('status', '!=', 'DELETED');
        if (request.query.category) q = q.where('category', '=', request.query.category.toUpperCase());
        if (request.query.language) q = q.where('language', '=', request.query.language);
        if (request.query.name) q = q.where('name', '=', request.query.name);
        if (principal.wabaIds !== null) q = q.where('waba_id', 'in', [...principal.wabaIds, '']);
        const rows = await q.execute();
        return { data: rows.map(toApiTemplate), next_cursor: null };
      },
    );

    app.post(
      '/api/templates',
      { schema: { body: ZCreateTemplateRequest, response: { 201: ZTemplateResponse, ...errors } } },
      async (request, reply) => {
        const data = await createTemplate(deps, { principal: principalOf(request), request: request.body });
        return reply.status(201).send({ data });
      },
    );

    app.get(
      '/api/templates/:id',
      { schema: { params: ZIdParams, response: { 200: ZTemplateResponse, ...errors } } },
      async (request) => {
        const principal = principalOf(request);
        const row = await deps.database.db
          .selectFrom('templates')
          .selectAll()
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!row || (principal.wabaIds !== null && !principal.wabaIds.includes(row.waba_id))) {
          throw new AppError('NOT_FOUND', 'No such template.');
        }
        return { data: toApiTemplate(row) };
      },
    );

    app.put(
      '/api/templates/:id',
      {
        schema: {
          params: ZIdParams,
          body: ZEditTemplateRequest,
          response: { 200: ZTemplateResponse, ...errors },
        },
      },
      async (request) => ({
        data: await editTemplate(deps, {
          principal: principalOf(request),
          id: request.params.id,
          definition: request.body,
        }),
      }),
    );

    app.delete(
      '/api/templates/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errors } } },
      async (request, reply) => {
        await deleteTemplate(deps, { principal: principalOf(request), id: request.params.id });
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/templates/:id/history',
      { schema: { params: ZIdParams, response: { 200: ZTemplateHistoryResponse, ...errors } } },
      async (request) => ({
        data: await templateHistory(deps, { principal: principalOf(request), id: request.params.id }),
      }),
    );

    app.post(
      '/api/templates/sync',
      {
        schema: { body: ZSyncTemplatesRequest, response: { 200: ZSyncTemplatesResponse, ...errors } },
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
