import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { assertWabaAccess, type Principal, principalOf } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { fetchMessageMedia } from '../media/media.service.ts';
import { toApiMessage } from '../messages/message.mapper.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import {
  abandonIdempotent,
  beginIdempotent,
  completeIdempotent,
  idempotencyOwner,
  releaseDeadInFlight,
  requestHash,
} from './idempotency.ts';
import {
  ZMarkMessageReadRequest,
  ZMarkMessageReadResponse,
  ZMessageMediaResponse,
  ZOutboundMessage,
  ZResolveSendRequest,
  ZSendMessageRequest,
} from './outbound.schemas.ts';
import type { RecipientInput } from './recipient.ts';
import { resolveUnknownSend } from './resolve-send.ts';
import { type SendMessageResult, type SendOrigin, sendMessage } from './send-message.ts';

function recipientOf(body: z.infer<typeof ZSendMessageRequest>): RecipientInput {
  if (body.conversation_id) return { conversationId: body.conversation_id };
  if (body.contact_id) return { contactId: body.contact_id };
  if (body.to && body.phone_number_id) return { phoneNumberId: body.phone_number_id, to: body.to };
  throw new AppError('VALIDATION_FAILED', 'Give conversation_id, contact_id, or to with phone_number_id.', [
    { path: '/', message: 'recipient missing: conversation_id, contact_id, or to + phone_number_id' },
  ]);
}

type OutboundMessage = ReturnType<typeof toApiMessage> & {
  cost_estimate: { category: string; pricing_type: string; amount: number; currency: string } | null;
};

function principalKey(p: Principal): string {
  return `${p.kind}:${p.id}`;
}

async function loadOutbound(db: Kysely<DB>, id: string): Promise<OutboundMessage | null> {
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const cost = await db
    .selectFrom('outbound_costs')
    .selectAll()
    .where('message_id', '=', id)
    .executeTakeFirst();
  return {
    ...toApiMessage(row),
    cost_estimate: cost
      ? {
          category: cost.category,
          pricing_type: cost.pricing_type,
          amount: cost.estimated_micros / 1_000_000,
          currency: cost.currency,
        }
      : null,
  };
}

function present(result: SendMessageResult): OutboundMessage {
  return {
    ...toApiMessage(result.message),
    cost_estimate: {
      category: result.cost.category,
      pricing_type: result.cost.pricingType,
      amount: result.cost.micros / 1_000_000,
      currency: result.cost.currency,
    },
  };
}

async function visibleMessage(deps: AppDeps, principal: Principal, id: string) {
  const row = await deps.database.db
    .selectFrom('messages')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
    .select([
      'messages.id',
      'messages.wamid',
      'messages.direction',
      'messages.status',
      'messages.phone_number_id',
      'phone_numbers.waba_id',
    ])
    .where('messages.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such message.');
  assertWabaAccess(principal, row.waba_id);
  return row;
}

/**
 * `POST /api/messages` (with `Idempotency-Key`), `GET /api/messages/:id`,
 * `POST /api/messages/:id/resolve` (unknown sends) and `POST /api/messages/:id/read` (mark read + typing).
 */
export function outboundMessagesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    await releaseDeadInFlight(deps.database.db, {
      nodeId: deps.config.nodeId,
      dialect: deps.database.dialect,
    });

    app.post(
      '/api/messages',
      {
        schema: {
          body: ZSendMessageRequest,
          response: { 202: ZOutboundMessage, ...errorResponses },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const body = request.body;
        const headerKey = request.headers['idempotency-key'];
        const key =
          typeof headerKey === 'string' && headerKey.trim() !== '' ? headerKey.trim().slice(0, 255) : null;
        const pKey = principalKey(principal);
        if (key) {
          const start = await beginIdempotent(deps.database.db, {
            owner: idempotencyOwner(deps.config.nodeId),
            principalId: pKey,
            key,
            hash: requestHash('POST', '/api/messages', body),
            now: deps.clock.now(),
          });
          if (start.kind === 'replay') {
            reply.header('idempotent-replayed', 'true');
            return reply.code(start.status).send(start.body as OutboundMessage);
          }
        }
        const { conversation_id, contact_id, phone_number_id, to, reply_to, origin, ...content } = body;
        const defaultOrigin: SendOrigin = principal.kind === 'user' ? 'agent' : 'api';
        try {
          const result = await sendMessage(
            deps,
            {
              recipient: recipientOf(body),
              content,
              replyTo: reply_to ?? null,
              origin: origin ?? defaultOrigin,
              authorUserId: principal.userId,
              wabaIds: principal.wabaIds,
            },
            {
              inTransaction: key
                ? (trx, r) =>
                    completeIdempotent(trx, { principalId: pKey, key, status: 202, body: present(r) })
                : undefined,
            },
          );
          return reply.code(202).send(present(result));
        } catch (error) {
          if (key) await abandonIdempotent(deps.database.db, { principalId: pKey, key });
          throw error;
        }
      },
    );

    app.get(
      '/api/messages/:id',
      { schema: { params: ZIdParams, response: { 200: ZOutboundMessage, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        await visibleMessage(deps, principal, request.params.id);
        const message = await loadOutbound(deps.database.db, request.params.id);
        if (!message) throw new AppError('NOT_FOUND', 'No such message.');
        return message;
      },
    );

    app.get(
      '/api/messages/:id/media',
      { schema: { params: ZIdParams, response: { 200: ZMessageMediaResponse, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        await visibleMessage(deps, principal, request.params.id);
        const result = await fetchMessageMedia(
          { db: deps.database.db, graph: deps.graph, now: deps.clock.now() },
          request.params.id,
        );
        if (!result.ok) throw new AppError('MEDIA_NOT_AVAILABLE', result.reason);
        const mime = result.media.mimeType ?? 'application/octet-stream';
        // What customers send is served from the hub's origin: never let it run as a page.
        const inline = /^(image\/(png|jpeg|webp|gif)|video\/|audio\/)/.test(mime);
        return reply
          .header('content-type', mime)
          .header('content-disposition', inline ? 'inline' : 'attachment')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, max-age=86400')
          .send(result.media.bytes);
      },
    );

    app.post(
      '/api/messages/:id/resolve',
      {
        schema: {
          params: ZIdParams,
          body: ZResolveSendRequest,
          response: { 200: ZOutboundMessage, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const msg = await visibleMessage(deps, principal, request.params.id);
        const { outcome, wamid } = request.body;
        const result = await deps.database.db.transaction().execute((trx) =>
          resolveUnknownSend(trx, {
            messageId: msg.id,
            outcome,
            ...(wamid ? { wamid } : {}),
            by: principal.userId ?? principal.id,
            now: deps.clock.now(),
          }),
        );
        if (!result.ok) {
          throw new AppError('CONFLICT', 'Only a send whose outcome is unknown can be resolved.', {
            status: result.status,
          });
        }
        deps.signals.emit('events');
        if (outcome === 'retry') deps.signals.emit('outbox', msg.phone_number_id);
        return (await loadOutbound(deps.database.db, msg.id))!;
      },
    );

    app.post(
      '/api/messages/:id/read',
      {
        schema: {
          params: ZIdParams,
          body: ZMarkMessageReadRequest,
          response: { 200: ZMarkMessageReadResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const msg = await visibleMessage(deps, principal, request.params.id);
        if (msg.direction !== 'inbound' || !msg.wamid) {
          throw new AppError('VALIDATION_FAILED', 'Only a received message can be marked as read.');
        }
        // Mark-read is idempotent on Meta's side, so it goes straight out instead of through the outbox.
        const result = await deps.graph.markRead({
          phoneNumberId: msg.phone_number_id,
          wamid: msg.wamid,
          typing: request.body?.typing === true,
        });
        if (!result.ok) {
          throw new AppError('GRAPH_REQUEST_FAILED', result.error.message, {
            meta_code: result.error.code,
            details: result.error.details,
          });
        }
        return { ok: true, typing: request.body?.typing === true };
      },
    );
  };
}
