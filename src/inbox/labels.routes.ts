import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { assertScoped, canSeeScoped, scopeForNewRow } from '../auth/scope.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { newId } from '../platform/ids.ts';
import { ZCreateLabelRequest, ZLabel, ZListLabelsResponse, ZUpdateLabelRequest } from './inbox.schemas.ts';
import type { LabelTable } from './inbox.table.ts';
import { toApiLabel } from './labels.ts';

/** `GET/POST /api/labels`, `PATCH/DELETE /api/labels/:id`. */
export function labelsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    const visibleLabel = async (principal: Principal, id: string) => {
      const label = await db.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
      if (!label) throw new AppError('NOT_FOUND', 'No such label.');
      assertScoped(principal, label.waba_id, 'label');
      return label;
    };

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
        const principal = principalOf(request);
        const wabaId = scopeForNewRow(principal, request.body.waba_id);
        const clash = await db
          .selectFrom('labels')
          .select('id')
          .where((eb) => eb(eb.fn('lower', ['name']), '=', request.body.name.toLowerCase()))
          .where((eb) => (wabaId === null ? eb('waba_id', 'is', null) : eb('waba_id', '=', wabaId)))
          .executeTakeFirst();
        if (clash) throw new AppError('CONFLICT', 'A label with this name exists.');
        const label: LabelTable = {
          id: newId(),
          name: request.body.name,
          color: request.body.color ?? null,
          waba_id: wabaId,
          created_at: deps.clock.now(),
        };
        await db.insertInto('labels').values(label).execute();
        reply.code(201);
        return toApiLabel(label);
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
      async (request) => {
        const label = await visibleLabel(principalOf(request), request.params.id);
        const next = {
          ...label,
          ...(request.body.name !== undefined ? { name: request.body.name } : {}),
          ...(request.body.color !== undefined ? { color: request.body.color } : {}),
        };
        await db
          .updateTable('labels')
          .set({ name: next.name, color: next.color })
          .where('id', '=', label.id)
          .execute();
        return toApiLabel(next);
      },
    );

    app.delete(
      '/api/labels/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        const label = await visibleLabel(principalOf(request), request.params.id);
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('conversation_labels').where('label_id', '=', label.id).execute();
          await trx.deleteFrom('labels').where('id', '=', label.id).execute();
        });
        return reply.code(204).send();
      },
    );
  };
}
