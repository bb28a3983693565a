import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { iso, isoOrNull } from '../platform/time.ts';
import { originOf, recordSecurityEvent } from '../security/security-log.ts';
import { createApiToken, DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE, revokeApiToken } from './api-tokens.ts';
import { DEFAULT_ORGANISATION_ID, organisationOf } from './organisation-scope.ts';
import { principalOf, type Role, TOKEN_SCOPES } from './principal.ts';
import { ZCreateTokenRequest, ZCreateTokenResponse, ZListTokensResponse } from './tokens.schemas.ts';

/** `GET/POST/DELETE /api/tokens`: API tokens, shown in clear only in the creation response. */
export function tokensRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/tokens',
      { schema: { response: { 200: ZListTokensResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        let q = db.selectFrom('api_tokens').selectAll();
        // The tokens of the caller's organisation; a principal restricted to some of its accounts
        // sees only tokens restricted to those.
        const organisationId = organisationOf(principal);
        q = q.where((eb) =>
          organisationId === DEFAULT_ORGANISATION_ID
            ? eb.or([eb('organisation_id', '=', organisationId), eb('organisation_id', 'is', null)])
            : eb('organisation_id', '=', organisationId),
        );
        if (principal.wabaIds !== null && !principal.orgWide) {
          if (principal.wabaIds.length === 0) return { data: [], next_cursor: null };
          q = q.where('waba_id', 'in', [...principal.wabaIds]);
        }
        const rows = await q.orderBy('created_at', 'desc').orderBy('id').execute();
        return {
          data: rows.map((r) => ({
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            role: r.scopes as Role,
            waba_id: r.waba_id,
            user_id: r.user_id,
            scope: TOKEN_SCOPES.find((scope) => scope === r.scope) ?? 'admin',
            rate_limit_per_minute: r.rate_limit_per_minute ?? DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE,
            created_at: iso(r.created_at),
            last_used_at: isoOrNull(r.last_used_at),
            revoked_at: isoOrNull(r.revoked_at),
          })),
          next_cursor: null,
        };
      },
    );

    app.post(
      '/api/tokens',
      { schema: { body: ZCreateTokenRequest, response: { 201: ZCreateTokenResponse, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        const { name, role, scope } = request.body;
        const rateLimitPerMinute = request.body.rate_limit_per_minute ?? null;
        if (role === 'owner' && principal.role !== 'owner') {
          throw new AppError('FORBIDDEN', 'Only an owner can create owner tokens.');
        }
        let wabaId = request.body.waba_id ?? null;
        if (wabaId !== null && principal.wabaIds !== null && !principal.wabaIds.includes(wabaId)) {
          throw new AppError('FORBIDDEN', 'A token must be restricted to one of your business accounts.');
        }
        if (principal.wabaIds !== null && !principal.orgWide) {
          if (wabaId === null && principal.wabaIds.length === 1) wabaId = principal.wabaIds[0] ?? null;
          if (wabaId === null || !principal.wabaIds.includes(wabaId)) {
            throw new AppError('FORBIDDEN', 'A token must be restricted to one of your business accounts.');
          }
        }
        const now = deps.clock.now();
        const { id, token } = await createApiToken(db, {
          name,
          userId: principal.userId,
          wabaId,
          organisationId: organisationOf(principal),
          role,
          scope,
          rateLimitPerMinute,
          now,
        });
        await recordSecurityEvent(db, {
          kind: 'token.created',
          actor: principal,
          targetUserId: principal.userId,
          targetTokenId: id,
          origin: originOf(request),
          details: { name, role, scope, waba_id: wabaId, prefix: token.slice(0, 10) },
          at: now,
        });
        reply.code(201);
        return {
          id,
          token,
          name,
          role,
          waba_id: wabaId,
          scope,
          rate_limit_per_minute: rateLimitPerMinute ?? DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE,
          prefix: token.slice(0, 10),
          created_at: iso(now),
        };
      },
    );

    app.delete(
      '/api/tokens/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        const row = await db
          .selectFrom('api_tokens')
          .selectAll()
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (
          !row ||
          (row.organisation_id ?? DEFAULT_ORGANISATION_ID) !== organisationOf(principal) ||
          (principal.wabaIds !== null &&
            !principal.orgWide &&
            (row.waba_id === null || !principal.wabaIds.includes(row.waba_id)))
        ) {
          throw new AppError('NOT_FOUND', 'No such token.');
        }
        if (row.scopes === 'owner' && principal.role !== 'owner') {
          throw new AppError('FORBIDDEN', 'Only an owner can revoke owner tokens.');
        }
        await revokeApiToken(db, row.id, deps.clock.now());
        deps.signals.emit('credentials');
        await recordSecurityEvent(db, {
          kind: 'token.revoked',
          actor: principal,
          targetUserId: row.user_id,
          targetTokenId: row.id,
          origin: originOf(request),
          details: { name: row.name, role: row.scopes, prefix: row.prefix },
          at: deps.clock.now(),
        });
        return reply.code(204).send();
      },
    );
  };
}
