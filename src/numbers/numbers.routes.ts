import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { toApiNumber } from './number.mapper.ts';
import {
  findVisibleNumber,
  listVisibleNumbers,
  newestHistoryBusinessMessageAt,
  numbersWithoutEcho,
} from './number.queries.ts';
import { ZListNumbersResponse, ZPhoneNumber } from './numbers.schemas.ts';

/** `GET /api/numbers` and `GET /api/numbers/:id`: phone numbers with connection and sync health. */
export function numbersRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/numbers',
      { schema: { response: { 200: ZListNumbersResponse, ...errorResponses } } },
      async (request) => {
        const rows = await listVisibleNumbers(deps.database.db, principalOf(request));
        const now = deps.clock.now();
        const history = await newestHistoryBusinessMessageAt(deps.database.db, numbersWithoutEcho(rows));
        return {
          data: rows.map((row) => toApiNumber(row, now, history.get(row.id) ?? null)),
          next_cursor: null,
        };
      },
    );

    app.get(
      '/api/numbers/:id',
      { schema: { params: ZIdParams, response: { 200: ZPhoneNumber, ...errorResponses } } },
      async (request) => {
        const row = await findVisibleNumber(deps.database.db, principalOf(request), request.params.id);
        if (!row) throw new AppError('NOT_FOUND', 'No such phone number.');
        const history = await newestHistoryBusinessMessageAt(deps.database.db, numbersWithoutEcho([row]));
        return toApiNumber(row, deps.clock.now(), history.get(row.id) ?? null);
      },
    );
  };
}
