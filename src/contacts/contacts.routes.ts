import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { canSeeNumber, visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { toApiContact } from './contact.mapper.ts';
import { findContact, listContacts } from './contact.queries.ts';
import { createContact, deleteContact } from './contact-actions.ts';
import {
  ZContact,
  ZCreateContactRequest,
  ZListContactsRequest,
  ZListContactsResponse,
} from './contacts.schemas.ts';

/**
 * `GET /api/contacts` (search, filter, cursor pagination), `GET /api/contacts/:id`, and for
 * integrations `POST /api/contacts` and `DELETE /api/contacts/:id` (`PATCH` is in
 * `inbox/contact-attributes.routes.ts`).
 */
export function contactsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/contacts',
      {
        schema: {
          querystring: ZListContactsRequest,
          response: { 200: ZListContactsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { db } = deps.database;
        const visible = await visibleNumberIds(db, principalOf(request));
        const { q, phone_number_id, consent, cursor, limit } = request.query;
        if (phone_number_id && !canSeeNumber(visible, phone_number_id))
          return { data: [], next_cursor: null };
        const page = await listContacts(db, {
          visible,
          q,
          phoneNumberId: phone_number_id,
          consent,
          cursor,
          limit,
        });
        return { data: page.data.map((row) => toApiContact(row)), next_cursor: page.next_cursor };
      },
    );

    app.get(
      '/api/contacts/:id',
      { schema: { params: ZIdParams, response: { 200: ZContact, ...errorResponses } } },
      async (request) => {
        const { db } = deps.database;
        const visible = await visibleNumberIds(db, principalOf(request));
        const found = await findContact(db, visible, request.params.id);
        if (!found) throw new AppError('NOT_FOUND', 'No such contact.');
        return toApiContact(found.contact, found.numberChanges);
      },
    );

    app.post(
      '/api/contacts',
      { schema: { body: ZCreateContactRequest, response: { 201: ZContact, ...errorResponses } } },
      async (request, reply) => {
        const contact = await createContact(deps, {
          principal: principalOf(request),
          phoneNumberId: request.body.phone_number_id,
          waId: request.body.wa_id,
          name: request.body.name ?? null,
          ...(request.body.attributes ? { attributes: request.body.attributes } : {}),
        });
        return reply.code(201).send(contact);
      },
    );

    app.delete(
      '/api/contacts/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deleteContact(deps, { principal: principalOf(request), contactId: request.params.id });
        return reply.code(204).send();
      },
    );
  };
}
