import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { retryFailure } from '../meta-webhooks/webhook.processor.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { toApiFailure } from './failure.mapper.ts';
import { findVisibleFailure, listFailures } from './failure.queries.ts';
import { ZListFailuresRequest, ZListFailuresResponse, ZRetryFailureResponse } from './failures.schemas.ts';

/**
 * `GET /api/failures` (webhook items the hub could not apply, newest first) and
 * `POST /api/failures/:id/retry` (re-runs the item from the stored raw body).
 */
export function failuresRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/failures',
      {
        schema: {
          querystring: ZListFailuresRequest,
          response: { 200: ZListFailuresResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { state, cursor, limit } = request.query;
        const page = await listFailures(deps.database.db, {
          principal: principalOf(request),
          state,
          cursor,
          limit,
        });
        return { data: page.data.map((f) => toApiFailure(f.row, f.wabaId)), next_cursor: page.next_cursor };
      },
    );

    app.post(
      '/api/failures/:id/retry',
      { schema: { params: ZIdParams, response: { 200: ZRetryFailureResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        const { db } = deps.database;
        if (!(await findVisibleFailure(db, principal, request.params.id))) {
          throw new AppError('NOT_FOUND', 'No such processing failure.');
        }
        const result = await retryFailure(deps, request.params.id);
        deps.signals.emit('events');
        const after = await findVisibleFailure(db, principal, request.params.id);
        if (!after) throw new AppError('NOT_FOUND', 'No such processing failure.');
        return {
          resolved: result.resolved,
          message: result.message,
          failure: toApiFailure(after.row, after.wabaId),
        };
      },
    );
  };
}
