import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZTimestamp } from '../platform/http/api-schemas.ts';
import { iso, isoOrNull } from '../platform/time.ts';
import { holdSubject, listHolds } from './hold.queries.ts';
import { placeHold, releaseHold } from './hold.repository.ts';
import { archiveKeyring } from './payload-crypto.ts';

const ZHold = z
  .object({
    id: z.string(),
    scope: z.enum(['contact', 'conversation', 'number']),
    target_id: z.string(),
    phone_number_id: z.string().nullable(),
    reason: z.string(),
    created_by: z.string().nullable(),
    created_at: ZTimestamp,
    released_at: ZTimestamp.nullable(),
    released_by: z.string().nullable(),
    release_reason: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'LegalHold' });

const ZPlaceHold = z.object({
  scope: z.enum(['contact', 'conversation', 'number']),
  target_id: z.string().min(1),
  reason: z.string().trim().min(1).max(2000),
});
const ZReleaseHold = z.object({ reason: z.string().trim().min(1).max(2000) });

/** Legal holds: `GET /api/audit/holds`, `POST /api/audit/holds`, `POST /api/audit/holds/:id/release`. */
export function registerHoldRoutes(plugin: FastifyInstance, deps: AppDeps): void {
  const app = plugin.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  const visibleSubject = async (
    principal: ReturnType<typeof principalOf>,
    scope: z.infer<typeof ZPlaceHold>['scope'],
    id: string,
  ) => {
    const subject = await holdSubject(db, scope, id);
    const numbers = await visibleNumberIds(db, principal);
    if (!subject || (numbers !== null && !numbers.includes(subject.phoneNumberId))) {
      throw new AppError('NOT_FOUND', `No such ${scope}.`);
    }
    return subject;
  };
  const toApi = (h: Awaited<ReturnType<typeof listHolds>>[number]) => ({
    ...h,
    created_at: iso(h.created_at),
    released_at: isoOrNull(h.released_at),
    active: h.released_at === null,
  });

  app.get(
    '/api/audit/holds',
    { schema: { response: { 200: z.object({ data: z.array(ZHold) }), ...errorResponses } } },
    async (request) => {
      const holds = await listHolds(db, await visibleNumberIds(db, principalOf(request)));
      return { data: holds.map(toApi) };
    },
  );

  app.post(
    '/api/audit/holds',
    { schema: { body: ZPlaceHold, response: { 201: ZHold, ...errorResponses } } },
    async (request, reply) => {
      const principal = principalOf(request);
      const subject = await visibleSubject(principal, request.body.scope, request.body.target_id);
      const id = await placeHold(db, {
        subject,
        reason: request.body.reason,
        actor: { kind: principal.kind, id: principal.id },
        now: deps.clock.now(),
        keyring: archiveKeyring(deps.config),
      });
      const hold = (await listHolds(db, null)).find((h) => h.id === id)!;
      return reply.code(201).send(toApi(hold));
    },
  );

  app.post(
    '/api/audit/holds/:id/release',
    { schema: { params: ZIdParams, body: ZReleaseHold, response: { 200: ZHold, ...errorResponses } } },
    async (request) => {
      const principal = principalOf(request);
      const row = await db
        .selectFrom('archive_holds')
        .select(['scope', 'target_id'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', 'No such hold.');
      const subject = await visibleSubject(principal, row.scope, row.target_id);
      await releaseHold(db, {
        id: request.params.id,
        subject,
        reason: request.body.reason,
        actor: { kind: principal.kind, id: principal.id },
        now: deps.clock.now(),
        keyring: archiveKeyring(deps.config),
      });
      return toApi((await listHolds(db, null)).find((h) => h.id === request.params.id)!);
    },
  );
}
