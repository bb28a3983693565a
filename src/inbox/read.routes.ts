import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { graphClientFor } from '../graph/graph-client.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { conversationFor } from './conversation-access.ts';
import { ZMarkConversationReadResponse } from './inbox.schemas.ts';

/** Meta accepts a read receipt only within 30 days of the message (cloud-api.md §3.4). */
const READ_RECEIPT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * `POST /api/conversations/:id/read`: an agent opened the conversation. Clears its unread count
 * and sends Meta a read receipt for the newest customer message, so the customer's blue ticks mean
 * a person saw it (never on receipt). The local count is cleared even if Meta refuses the receipt;
 * the answer says whether Meta took it.
 */
export function conversationReadRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.post(
      '/api/conversations/:id/read',
      { schema: { params: ZIdParams, response: { 200: ZMarkConversationReadResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        const { row } = await conversationFor(db, principal, request.params.id);
        const now = deps.clock.now();
        if (row.unread_count > 0) {
          await db.transaction().execute(async (trx) => {
            await trx
              .updateTable('conversations')
              .set({ unread_count: 0, updated_at: now })
              .where('id', '=', row.id)
              .execute();
            await recordEvent(
              trx,
              {
                type: 'conversation.read',
                phoneNumberId: row.phone_number_id,
                payload: { conversation_id: row.id, actor: { kind: principal.kind, id: principal.id } },
              },
              now,
            );
          });
          deps.signals.emit('events');
        }
        const latest = await db
          .selectFrom('messages')
          .select(['wamid', 'timestamp'])
          .where('conversation_id', '=', row.id)
          .where('origin', '=', 'customer')
          .where('wamid', 'is not', null)
          // Meta's timestamps have whole seconds; the hub's own receive time breaks ties.
          .orderBy('timestamp', 'desc')
          .orderBy('received_at', 'desc')
          .orderBy('id', 'desc')
          .executeTakeFirst();
        if (!latest?.wamid || row.unread_count === 0 || now - latest.timestamp > READ_RECEIPT_MAX_AGE_MS) {
          return { unread_count: 0, read_receipt: { sent: false, wamid: null } };
        }
        const result = await graphClientFor(deps.config).markRead({
          phoneNumberId: row.phone_number_id,
          wamid: latest.wamid,
          typing: false,
        });
        return {
          unread_count: 0,
          read_receipt: result.ok
            ? { sent: true, wamid: latest.wamid }
            : {
                sent: false,
                wamid: latest.wamid,
                error: { code: result.error.code, message: result.error.message },
              },
        };
      },
    );
  };
}
