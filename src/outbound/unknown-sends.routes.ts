import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { toApiMessage } from '../messages/message.mapper.ts';
import { errorCatalogue } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { resolveUnknownSend } from './resolve-send.ts';
import { listUnknownSends } from './unknown-sends.queries.ts';
import {
  ZListUnknownSendsRequest,
  ZListUnknownSendsResponse,
  ZResolveSendsRequest,
  ZResolveSendsResponse,
} from './unknown-sends.schemas.ts';

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/**
 * `GET /api/messages/unknown` (sends whose outcome is unknown, filtered, paged) and
 * `POST /api/messages/resolve` (resolve many at once, one result per item).
 */
export function unknownSendsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/messages/unknown',
      {
        schema: {
          querystring: ZListUnknownSendsRequest,
          response: { 200: ZListUnknownSendsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const q = request.query;
        const page = await listUnknownSends(deps.database.db, {
          ...(q.phone_number_id ? { phoneNumberId: q.phone_number_id } : {}),
          ...(q.contact_id ? { contactId: q.contact_id } : {}),
          ...(q.since ? { since: ms(q.since) } : {}),
          ...(q.until ? { until: ms(q.until) } : {}),
          ...(q.cursor ? { afterJobId: Number(q.cursor) } : {}),
          wabaIds: principal.wabaIds,
          limit: q.limit,
        });
        return {
          data: page.items.map((u) => ({
            message: toApiMessage(u.message),
            recipient: { contact_id: u.message.contact_id, wa_id: u.waId, bsuid: u.bsuid },
            unknown_since: new Date(u.unknownSince).toISOString(),
            attempts: u.attempts,
            reason: u.reason,
            waiting: u.waiting,
          })),
          next_cursor: page.nextJobId === null ? null : String(page.nextJobId),
        };
      },
    );

    app.post(
      '/api/messages/resolve',
      {
        schema: {
          body: ZResolveSendsRequest,
          response: { 200: ZResolveSendsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const now = deps.clock.now();
        const ids = request.body.items.map((i) => i.id);
        const visible = await deps.database.db
          .selectFrom('messages')
          .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
          .select(['messages.id', 'messages.phone_number_id', 'phone_numbers.waba_id'])
          .where('messages.id', 'in', ids)
          .execute();
        const numberOf = new Map(
          visible
            .filter((v) => principal.wabaIds === null || principal.wabaIds.includes(v.waba_id))
            .map((v) => [v.id, v.phone_number_id]),
        );
        const retried = new Set<string>();
        const results = await deps.database.db.transaction().execute(async (trx) => {
          const out = [];
          for (const item of request.body.items) {
            const number = numberOf.get(item.id);
            if (!number) {
              out.push({
                id: item.id,
                ok: false as const,
                error: { code: 'NOT_FOUND', message: 'No such message.', status: null },
              });
              continue;
            }
            const r = await resolveUnknownSend(trx, {
              messageId: item.id,
              outcome: item.outcome,
              ...(item.wamid ? { wamid: item.wamid } : {}),
              by: principal.userId ?? principal.id,
              now,
            });
            if (r.ok) {
              if (r.status === 'queued') retried.add(number);
              out.push({ id: item.id, ok: true as const, status: r.status });
            } else {
              out.push({
                id: item.id,
                ok: false as const,
                error: { code: r.code, message: errorCatalogue[r.code].message, status: r.status },
              });
            }
          }
          return out;
        });
        deps.signals.emit('events');
        for (const id of retried) deps.signals.emit('outbox', id);
        return { results };
      },
    );
  };
}
