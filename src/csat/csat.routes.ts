import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { visibleNumbers } from '../analytics/reports.routes.ts';
import {
  ZConversationParams,
  ZCsatResponsesRequest,
  ZCsatResponsesResponse,
} from '../analytics/reports.schemas.ts';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { iso, isoOrNull } from '../platform/time.ts';
import type { CsatSurveyRow } from './csat.table.ts';

function toApi(r: CsatSurveyRow) {
  return {
    id: r.id,
    conversation_id: r.conversation_id,
    phone_number_id: r.phone_number_id,
    channel: r.channel,
    assignee_user_id: r.assignee_user_id,
    team_id: r.team_id,
    sent_at: iso(Number(r.sent_at)),
    rating: r.rating,
    comment: r.comment,
    rated_at: isoOrNull(r.rated_at === null ? null : Number(r.rated_at)),
  };
}

/**
 * `GET /api/reports/csat`: the latest surveys and their answers (supervisors and up);
 * `GET /api/conversations/:id/csat`: a conversation's surveys, for whoever may read it.
 */
export function csatRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/reports/csat',
      {
        schema: {
          querystring: ZCsatResponsesRequest,
          response: { 200: ZCsatResponsesResponse, ...errorResponses },
        },
      },
      async (request) => {
        const numbers = await visibleNumbers(deps, principalOf(request), request.query.phone_number_id);
        if (numbers.length === 0) return { data: [] };
        let q = db
          .selectFrom('csat_surveys')
          .selectAll()
          .where('phone_number_id', 'in', numbers)
          .orderBy('sent_at', 'desc')
          .limit(request.query.limit);
        if (request.query.from) q = q.where('sent_at', '>=', Date.parse(request.query.from) || 0);
        if (request.query.to)
          q = q.where('sent_at', '<', Date.parse(request.query.to) || Number.MAX_SAFE_INTEGER);
        return { data: (await q.execute()).map(toApi) };
      },
    );

    app.get(
      '/api/conversations/:id/csat',
      {
        schema: { params: ZConversationParams, response: { 200: ZCsatResponsesResponse, ...errorResponses } },
      },
      async (request) => {
        const conversation = await db
          .selectFrom('conversations')
          .select('phone_number_id')
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        const numbers = await visibleNumbers(deps, principalOf(request));
        if (!conversation || !numbers.includes(conversation.phone_number_id)) throw new AppError('NOT_FOUND');
        const rows = await db
          .selectFrom('csat_surveys')
          .selectAll()
          .where('conversation_id', '=', request.params.id)
          .orderBy('sent_at', 'desc')
          .execute();
        return { data: rows.map(toApi) };
      },
    );
  };
}
