import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { changeSettings } from './change-settings.ts';
import { ZSettings, ZUpdateSettingsRequest } from './settings.schemas.ts';
import { getSettings, type Settings } from './settings.ts';

function toApi(settings: Settings) {
  return { require_mfa_for_all: settings.requireMfaForAll };
}

/** `GET /api/settings` (owner, admin) and `PATCH /api/settings` (owner only). */
export function settingsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;
    app.get('/api/settings', { schema: { response: { 200: ZSettings, ...errorResponses } } }, async () =>
      toApi(await getSettings(db)),
    );
    app.patch(
      '/api/settings',
      { schema: { body: ZUpdateSettingsRequest, response: { 200: ZSettings, ...errorResponses } } },
      async (request) =>
        toApi(
          await changeSettings(deps, {
            principal: principalOf(request),
            patch: { requireMfaForAll: request.body.require_mfa_for_all },
          }),
        ),
    );
  };
}
