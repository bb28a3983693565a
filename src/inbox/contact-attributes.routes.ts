import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { toApiContact } from '../contacts/contact.mapper.ts';
import { ZContact, ZUpdateContactRequest } from '../contacts/contacts.schemas.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';

/**
 * `PATCH /api/contacts/:id` {attributes}: merges the given attributes into the contact's (a `null`
 * value removes the key). The contact panel's editable part; everything else about a contact comes
 * from WhatsApp.
 */
export function contactAttributesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;
    app.patch(
      '/api/contacts/:id',
      {
        schema: {
          params: ZIdParams,
          body: ZUpdateContactRequest,
          response: { 200: ZContact, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const now = deps.clock.now();
        const updated = await db.transaction().execute(async (trx) => {
          const found = await trx
            .selectFrom('contacts')
            .innerJoin('phone_numbers', 'phone_numbers.id', 'contacts.phone_number_id')
            .selectAll('contacts')
            .select('phone_numbers.waba_id as waba_id')
            .where('contacts.id', '=', request.params.id)
            .executeTakeFirst();
          if (!found || (principal.wabaIds !== null && !principal.wabaIds.includes(found.waba_id))) {
            throw new AppError('NOT_FOUND', 'No such contact.');
          }
          const { waba_id: _, ...contact } = found;
          let attributes: Record<string, unknown> = {};
          try {
            attributes = JSON.parse(contact.attributes_json) as Record<string, unknown>;
          } catch {
            attributes = {};
          }
          for (const [key, value] of Object.entries(request.body.attributes)) {
            if (value === null) delete attributes[key];
            else attributes[key] = value;
          }
          const attributes_json = JSON.stringify(attributes);
          await trx
            .updateTable('contacts')
            .set({ attributes_json, updated_at: now })
            .where('id', '=', contact.id)
            .execute();
          await recordEvent(
            trx,
            {
              type: 'contact.changed',
              phoneNumberId: contact.phone_number_id,
              payload: {
                contact_id: contact.id,
                change: 'attributes',
                actor: { kind: principal.kind, id: principal.id },
              },
            },
            now,
          );
          return { ...contact, attributes_json, updated_at: now };
        });
        deps.signals.emit('events');
        return toApiContact(updated);
      },
    );
  };
}
