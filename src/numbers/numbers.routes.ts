import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { toApiNumber } from './number.mapper.ts';
import { findVisibleNumber, listVisibleNumbers } from './number.queries.ts';

/** `GET /api/numbers` and `GET /api/numbers/:id`: phone numbers with connection and sync health. */
export function numbersRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get('/api/numbers', async (request) => {
      const rows = await listVisibleNumbers(deps.database.db, principalOf(request));
      const now = deps.clock.now();
      return { data: rows.map((row) => toApiNumber(row, now)), next_cursor: null };
    });

    app.get(
      '/api/numbers/:id',
      { schema: { params: z.object({ id: z.string().min(1) }) } },
      async (request) => {
        const row = await findVisibleNumber(deps.database.db, principalOf(request), request.params.id);
        if (!row) throw new AppError('NOT_FOUND', 'No such phone number.');
        return toApiNumber(row, deps.clock.now());
      },
    );
  };
}
