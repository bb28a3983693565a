import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { DEFAULT_ORGANISATION_ID, organisationOf } from '../auth/organisation-scope.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { organisationMembers } from '../users/user.queries.ts';
import { listSecurityLog } from './security-log.queries.ts';
import { ZListSecurityLogRequest, ZListSecurityLogResponse } from './security-log.schemas.ts';

/** `GET /api/security-log`: the newest entries first, filtered, a page at a time (owners and admins). */
export function securityLogRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/security-log',
      {
        schema: {
          querystring: ZListSecurityLogRequest,
          response: { 200: ZListSecurityLogResponse, ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const principal = principalOf(request);
        const organisationId = organisationOf(principal);
        const members = await organisationMembers(deps.database.db, organisationId);
        return listSecurityLog(deps.database.db, {
          scope: {
            memberIds: members.map((u) => u.id),
            unattributed: organisationId === DEFAULT_ORGANISATION_ID,
          },
          kind: q.kind,
          outcome: q.outcome,
          userId: q.user_id,
          email: q.email,
          beforeId: q.cursor === undefined ? undefined : Number(q.cursor),
          limit: q.limit,
        });
      },
    );
  };
}
