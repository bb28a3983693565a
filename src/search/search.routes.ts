import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { conversationFor } from '../inbox/conversation-access.ts';
import type { MessageOrigin } from '../messages/message.table.ts';
import { canSeeNumber, visibleNumberIds } from '../numbers/number.queries.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { iso } from '../platform/time.ts';
import { searchContacts, searchMessages } from './search.queries.ts';
import { ZSearchRequest, ZSearchResponse } from './search.schemas.ts';

/**
 * `GET /api/search?q=`: messages (by their text) and contacts (by name, username, number) the
 * caller may see, best first, with the matching words marked. With `conversation_id`, the messages
 * of that conversation only.
 */
export function searchRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/search',
      { schema: { querystring: ZSearchRequest, response: { 200: ZSearchResponse, ...errorResponses } } },
      async (request) => {
        const { db, dialect } = deps.database;
        const principal = principalOf(request);
        const { q, phone_number_id, conversation_id, limit } = request.query;
        const visible = await visibleNumberIds(db, principal);
        if (conversation_id) await conversationFor(db, principal, conversation_id);
        if (phone_number_id && !canSeeNumber(visible, phone_number_id))
          return { q, messages: [], contacts: [] };
        const scope = { visible, phoneNumberId: phone_number_id, conversationId: conversation_id, limit };
        const messages = await searchMessages(db, dialect, q, scope);
        const contacts = conversation_id ? [] : await searchContacts(db, dialect, q, scope);
        return {
          q,
          messages: messages.map((m) => ({
            ...m,
            timestamp: iso(m.timestamp),
            direction: m.direction as 'inbound' | 'outbound',
            origin: m.origin as MessageOrigin,
          })),
          contacts,
        };
      },
    );
  };
}
