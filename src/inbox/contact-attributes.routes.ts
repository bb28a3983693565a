import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { renameContact } from '../contacts/contact-actions.ts';
import { ZContact, ZUpdateContactRequest } from '../contacts/contacts.schemas.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { setContactAttributes } from './contact-attributes.ts';

/**
 * `PATCH /api/contacts/:id` {attributes}: merges the given attributes into the contact's (a `null`
 * value removes the key). The contact panel's editable part; everything else about a contact comes
 * from WhatsApp.
 */
export function contactAttributesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
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
        if (request.body.name !== undefined)
          await renameContact(deps, {
            principal: principalOf(request),
            contactId: request.params.id,
            name: request.body.name,
          });
        return setContactAttributes(deps, {
          principal: principalOf(request),
          contactId: request.params.id,
          attributes: request.body.attributes,
        });
      },
    );
  };
}
