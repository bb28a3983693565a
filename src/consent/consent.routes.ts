import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import {
  ZConsentSettings,
  ZConsentSettingsPatch,
  ZContactConsent,
  ZExportQuery,
  ZNumberParams,
  ZRecordConsentRequest,
} from './consent.schemas.ts';
import {
  consentSettingsView,
  contactConsent,
  exportConsentCsv,
  recordConsentBy,
  updateConsentSettings,
} from './consent-actions.ts';

/**
 * The consent ledger over HTTP: a contact's state and history, recording by an agent (with a note)
 * or the API, each number's settings (policy, keywords, confirmations, hosted page wording), and the
 * export. The hosted opt-in page itself is `hosted-page.routes.ts` (public, outside `/api`).
 */
export function consentRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/contacts/:id/consent',
      { schema: { params: ZIdParams, response: { 200: ZContactConsent, ...errorResponses } } },
      async (request) => contactConsent(deps, principalOf(request), request.params.id),
    );

    app.post(
      '/api/contacts/:id/consent',
      {
        schema: {
          params: ZIdParams,
          body: ZRecordConsentRequest,
          response: { 201: ZContactConsent, ...errorResponses },
        },
      },
      async (request, reply) => {
        const view = await recordConsentBy(deps, {
          principal: principalOf(request),
          contactId: request.params.id,
          scope: request.body.scope,
          action: request.body.action,
          note: request.body.note,
          wording: request.body.wording,
          at: request.body.at,
        });
        return reply.code(201).send(view);
      },
    );

    app.get(
      '/api/consent/settings/:phone_number_id',
      { schema: { params: ZNumberParams, response: { 200: ZConsentSettings, ...errorResponses } } },
      async (request) => consentSettingsView(deps, principalOf(request), request.params.phone_number_id),
    );

    app.put(
      '/api/consent/settings/:phone_number_id',
      {
        schema: {
          params: ZNumberParams,
          body: ZConsentSettingsPatch,
          response: { 200: ZConsentSettings, ...errorResponses },
        },
      },
      async (request) => {
        const b = request.body;
        return updateConsentSettings(deps, {
          principal: principalOf(request),
          phoneNumberId: request.params.phone_number_id,
          patch: {
            ...(b.policy !== undefined ? { policy: b.policy } : {}),
            ...(b.opt_out_keywords !== undefined ? { optOutKeywords: b.opt_out_keywords } : {}),
            ...(b.opt_in_keywords !== undefined ? { optInKeywords: b.opt_in_keywords } : {}),
            ...(b.opt_out_reply !== undefined ? { optOutReply: b.opt_out_reply } : {}),
            ...(b.opt_in_reply !== undefined ? { optInReply: b.opt_in_reply } : {}),
            ...(b.page_wording !== undefined ? { pageWording: b.page_wording } : {}),
          },
        });
      },
    );

    app.get(
      '/api/consent/export.csv',
      {
        schema: {
          querystring: ZExportQuery,
          response: { 200: z.string().describe('text/csv'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const csv = await exportConsentCsv(deps, {
          principal: principalOf(request),
          phoneNumberId: request.query.phone_number_id,
          state: request.query.state,
        });
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', 'attachment; filename="consent.csv"');
        return csv;
      },
    );
  };
}
