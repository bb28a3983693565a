import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZTimestamp } from '../platform/http/api-schemas.ts';
import { iso } from '../platform/time.ts';
import { eraseContact } from './erasure.ts';
import { archiveKeyring } from './payload-crypto.ts';
import { listRetention, removeRetention, setRetention } from './retention.ts';

const ZRetention = z
  .object({
    id: z.string(),
    scope: z.enum(['number', 'label']),
    target_id: z.string(),
    keep_days: z.number().int(),
    created_at: ZTimestamp,
  })
  .meta({ id: 'RetentionClass' });

const ZSetRetention = z.object({
  scope: z.enum(['number', 'label']),
  target_id: z.string().min(1),
  /** 1825, 2190, 2555 for 5, 6, 7 years; 90 for "delete after 90 days". */
  keep_days: z.number().int().min(1).max(36_500),
});

const ZErase = z.object({
  contact_id: z.string().min(1),
  /** The contact's phone number (wa_id) or id, typed again: the confirmation. */
  confirm: z.string().min(1),
  /** A request reference (not the person's name): it is recorded in the log. */
  reason: z.string().trim().min(1).max(500),
});

const ZErasure = z
  .object({
    contact_id: z.string(),
    entry: z.number().int(),
    messages: z.number().int(),
    conversations: z.number().int(),
    payloads: z.number().int(),
    rows: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'ContactErasure' });

/**
 * Retention classes (`GET|PUT /api/audit/retention`, `DELETE /api/audit/retention/:id`) and GDPR
 * erasure of a contact (`POST /api/audit/erasures`); writes are owners' and admins' (policy table).
 */
export function registerRetentionRoutes(plugin: FastifyInstance, deps: AppDeps): void {
  const app = plugin.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const toApi = (r: Awaited<ReturnType<typeof listRetention>>[number]) => ({
    ...r,
    created_at: iso(r.created_at),
  });
  // A number class: that number must be visible. A label class: the label's business account must be
  // one of the caller's (a label of every account only for a caller who sees every account).
  const visible = async (
    request: Parameters<typeof principalOf>[0],
    scope: 'number' | 'label',
    id: string,
  ) => {
    const numbers = await visibleNumberIds(db, principalOf(request));
    if (numbers === null) return true;
    if (scope === 'number') return numbers.includes(id);
    const label = await db.selectFrom('labels').select('waba_id').where('id', '=', id).executeTakeFirst();
    if (!label?.waba_id || numbers.length === 0) return false;
    const owned = await db
      .selectFrom('phone_numbers')
      .select('id')
      .where('waba_id', '=', label.waba_id)
      .where('id', 'in', numbers)
      .executeTakeFirst();
    return owned !== undefined;
  };

  app.get(
    '/api/audit/retention',
    { schema: { response: { 200: z.object({ data: z.array(ZRetention) }), ...errorResponses } } },
    async (request) => {
      const out = [];
      for (const r of await listRetention(db))
        if (await visible(request, r.scope, r.target_id)) out.push(toApi(r));
      return { data: out };
    },
  );

  app.put(
    '/api/audit/retention',
    { schema: { body: ZSetRetention, response: { 200: ZRetention, ...errorResponses } } },
    async (request) => {
      const { scope, target_id, keep_days } = request.body;
      if (!(await visible(request, scope, target_id))) throw new AppError('NOT_FOUND', `No such ${scope}.`);
      const principal = principalOf(request);
      const row = await setRetention(db, {
        scope,
        targetId: target_id,
        keepDays: keep_days,
        actor: { kind: principal.kind, id: principal.id },
        now: deps.clock.now(),
        keyring: archiveKeyring(deps.config),
      });
      return toApi(row);
    },
  );

  app.delete(
    '/api/audit/retention/:id',
    { schema: { params: ZIdParams, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      const row = (await listRetention(db)).find((r) => r.id === request.params.id);
      if (!row || !(await visible(request, row.scope, row.target_id)))
        throw new AppError('NOT_FOUND', 'No such retention class.');
      const principal = principalOf(request);
      await removeRetention(db, {
        id: row.id,
        actor: { kind: principal.kind, id: principal.id },
        now: deps.clock.now(),
        keyring: archiveKeyring(deps.config),
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/audit/erasures',
    { schema: { body: ZErase, response: { 200: ZErasure, ...errorResponses } } },
    async (request) => {
      const principal = principalOf(request);
      const { contact_id, confirm, reason } = request.body;
      const contact = await db
        .selectFrom('contacts')
        .select(['id', 'phone_number_id', 'wa_id'])
        .where('id', '=', contact_id)
        .executeTakeFirst();
      const numbers = await visibleNumberIds(db, principal);
      if (!contact || (numbers !== null && !numbers.includes(contact.phone_number_id)))
        throw new AppError('NOT_FOUND', 'No such contact.');
      if (confirm !== contact.id && confirm !== contact.wa_id)
        throw new AppError('VALIDATION_FAILED', "Type the contact's phone number to confirm the erasure.");
      const result = await eraseContact(deps.database, {
        contactId: contact.id,
        actor: { kind: principal.kind, id: principal.id },
        reason,
        now: deps.clock.now(),
        keyring: archiveKeyring(deps.config),
      });
      return {
        contact_id: result.contactId,
        entry: result.entry,
        messages: result.messages,
        conversations: result.conversations,
        payloads: result.payloads,
        rows: { ...result.rows },
      };
    },
  );
}
