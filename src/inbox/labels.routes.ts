import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { canSeeScoped } from '../auth/scope.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { ZCreateLabelRequest, ZLabel, ZListLabelsResponse, ZUpdateLabelRequest } from './inbox.schemas.ts';
import { createLabel, deleteLabel, updateLabel } from './label-actions.ts';
import { toApiLabel } from './labels.ts';

/** `GET/POST /api/labels`, `PATCH/DELETE /api/labels/:id`. */
export function labelsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/labels',
      { schema: { response: { 200: ZListLabelsResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        const rows = await db.selectFrom('labels').selectAll().orderBy('name').orderBy('id').execute();
        return {
          data: rows.filter((l) => canSeeScoped(principal, l.waba_id)).map(toApiLabel),
          next_cursor: null,
        };
      },
    );

    app.post(
      '/api/labels',
      {
        schema: {
          body: ZCreateLabelRequest,
          response: { 201: ZLabel, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { name, color, waba_id } = request.body;
        const label = await createLabel(deps, {
          principal: principalOf(request),
          name,
          color,
          wabaId: waba_id,
        });
        return reply.code(201).send(label);
      },
    );

    app.patch(
      '/api/labels/:id',
      {
        schema: {
          params: ZIdParams,
          body: ZUpdateLabelRequest,
          response: { 200: ZLabel, ...errorResponses },
        },
      },
      async (request) =>
        updateLabel(deps, {
          principal: principalOf(request),
          labelId: request.params.id,
          name: request.body.name,
          color: request.body.color,
        }),
    );

    app.delete(
      '/api/labels/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deleteLabel(deps, { principal: principalOf(request), labelId: request.params.id });
        return reply.code(204).send();
      },
    );
  };
}
