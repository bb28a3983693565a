import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { assertWabaAccess, principalOf } from '../auth/principal.ts';
import { graphClientFor } from '../graph/graph-client.ts';
import { AppError } from '../platform/errors.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import { ensurePhoneNumber, numberChanged } from './number.repository.ts';

/** Meta's one-time sync errors: the request may never be repeated for this onboarding. */
const FINAL_SYNC_ERRORS = new Set([2593107, 2593108]);

/** Throughput by Graph's `throughput.level`; coexistence numbers are fixed at 20 (cloud-api.md §2.2). */
function throughputFor(isOnBizApp: boolean, level: string | null): number {
  if (isOnBizApp) return 20;
  return level?.toUpperCase() === 'HIGH' ? 1000 : 80;
}

/**
 * `POST /api/numbers` (register a number from Graph), `POST /api/numbers/:id/sync` (the one-time
 * coexistence contacts/history sync) and `PATCH /api/numbers/:id/sending` (throughput override).
 */
export function onboardingRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/numbers',
      { schema: { body: z.object({ phone_number_id: z.string().min(1), waba_id: z.string().min(1) }) } },
      async (request, reply) => {
        const principal = principalOf(request);
        assertWabaAccess(principal, request.body.waba_id);
        const existing = await deps.database.db
          .selectFrom('phone_numbers')
          .select('waba_id')
          .where('id', '=', request.body.phone_number_id)
          .executeTakeFirst();
        // A number already filed under another business account is never moved by a registration:
        // that would hand its conversations to whoever registers it. ('unknown' = seen in a webhook only.)
        if (existing && existing.waba_id !== request.body.waba_id && existing.waba_id !== 'unknown') {
          throw new AppError('CONFLICT', 'This phone number is registered under another business account.');
        }
        const info = await graphClientFor(deps.config).getPhoneNumber(request.body.phone_number_id);
        if (!info.ok) {
          throw new AppError('GRAPH_REQUEST_FAILED', info.error.message, {
            meta_code: info.error.code,
            details: info.error.details,
          });
        }
        const n = info.value;
        const now = deps.clock.now();
        const row = await deps.database.db.transaction().execute(async (trx) => {
          await ensurePhoneNumber(trx, {
            phoneNumberId: request.body.phone_number_id,
            wabaId: request.body.waba_id,
            displayPhoneNumber: n.displayPhoneNumber ?? '',
            at: now,
          });
          await trx
            .updateTable('phone_numbers')
            .set({
              waba_id: request.body.waba_id,
              ...(n.displayPhoneNumber
                ? { display_phone_number: n.displayPhoneNumber.replace(/\D+/g, '') }
                : {}),
              verified_name: n.verifiedName,
              is_coexistence: n.isOnBizApp ? 1 : 0,
              throughput_mps: throughputFor(n.isOnBizApp, n.throughputLevel),
              onboarded_at: now,
              updated_at: now,
            })
            .where('id', '=', request.body.phone_number_id)
            .execute();
          await numberChanged(trx, { phoneNumberId: request.body.phone_number_id, at: now });
          return trx
            .selectFrom('phone_numbers')
            .selectAll()
            .where('id', '=', request.body.phone_number_id)
            .executeTakeFirstOrThrow();
        });
        return reply.code(201).send({
          id: row.id,
          waba_id: row.waba_id,
          display_phone_number: row.display_phone_number,
          verified_name: row.verified_name,
          is_coexistence: row.is_coexistence === 1,
          platform_type: n.platformType,
          throughput_mps: row.throughput_mps,
          connection_state: row.connection_state,
        });
      },
    );

    app.patch(
      '/api/numbers/:id/sending',
      {
        schema: {
          params: z.object({ id: z.string().min(1) }),
          body: z.object({ throughput_mps: z.number().int().min(1).max(1000) }),
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const number = await deps.database.db
          .selectFrom('phone_numbers')
          .select(['id', 'waba_id'])
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
        assertWabaAccess(principal, number.waba_id);
        const now = deps.clock.now();
        await deps.database.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('phone_numbers')
            .set({ throughput_mps: request.body.throughput_mps, updated_at: now })
            .where('id', '=', number.id)
            .execute();
          await numberChanged(trx, { phoneNumberId: number.id, at: now });
        });
        return { id: number.id, throughput_mps: request.body.throughput_mps };
      },
    );

    app.post(
      '/api/numbers/:id/sync',
      {
        schema: {
          params: z.object({ id: z.string().min(1) }),
          body: z.object({ sync_type: z.enum(['smb_app_state_sync', 'history']) }),
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const db = deps.database.db;
        const number = await db
          .selectFrom('phone_numbers')
          .select(['id', 'waba_id'])
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
        assertWabaAccess(principal, number.waba_id);
        const syncType = request.body.sync_type;
        const now = deps.clock.now();
        const present = (r: {
          state: string;
          request_id: string | null;
          error_json: string | null;
          requested_at: number;
        }) => ({
          phone_number_id: number.id,
          sync_type: syncType,
          state: r.state,
          request_id: r.request_id,
          error: parseJsonOr<unknown>(r.error_json, null),
          requested_at: isoOrNull(r.requested_at),
        });
        // Persist the intent first: a request is made at most once per number and sync type.
        const claimed = await db
          .insertInto('number_sync_requests')
          .values({
            phone_number_id: number.id,
            sync_type: syncType,
            state: 'requesting',
            request_id: null,
            error_json: null,
            requested_at: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.columns(['phone_number_id', 'sync_type']).doNothing())
          .returning(['state'])
          .executeTakeFirst();
        if (!claimed) {
          const existing = await db
            .selectFrom('number_sync_requests')
            .selectAll()
            .where('phone_number_id', '=', number.id)
            .where('sync_type', '=', syncType)
            .executeTakeFirstOrThrow();
          const code = parseJsonOr<{ code?: number } | null>(existing.error_json, null)?.code;
          if (existing.state === 'failed' && code !== undefined && FINAL_SYNC_ERRORS.has(code)) {
            throw new AppError('SYNC_REQUEST_REFUSED', undefined, present(existing));
          }
          if (existing.state !== 'failed') return present(existing);
          // A failure that Meta does not call final (network, token): an operator may ask again.
          const retaken = await db
            .updateTable('number_sync_requests')
            .set({ state: 'requesting', error_json: null, requested_at: now, updated_at: now })
            .where('phone_number_id', '=', number.id)
            .where('sync_type', '=', syncType)
            .where('state', '=', 'failed')
            .executeTakeFirst();
          if (Number(retaken.numUpdatedRows) === 0) {
            throw new AppError('CONFLICT', 'This sync request is already being made.');
          }
        }
        const result = await graphClientFor(deps.config).requestSmbAppData({
          phoneNumberId: number.id,
          syncType,
        });
        const done = await db.transaction().execute(async (trx) => {
          const values = result.ok
            ? {
                state: 'requested' as const,
                request_id: result.value.requestId,
                error_json: null,
                updated_at: deps.clock.now(),
              }
            : {
                state: 'failed' as const,
                error_json: JSON.stringify({
                  code: result.error.code,
                  message: result.error.message,
                  details: result.error.details,
                  fbtrace_id: result.error.fbtraceId,
                }),
                updated_at: deps.clock.now(),
              };
          await trx
            .updateTable('number_sync_requests')
            .set(values)
            .where('phone_number_id', '=', number.id)
            .where('sync_type', '=', syncType)
            .execute();
          if (result.ok) {
            await trx
              .updateTable('phone_numbers')
              .set(
                syncType === 'history'
                  ? { history_state: 'requested', updated_at: now }
                  : { contacts_sync_state: 'requested', updated_at: now },
              )
              .where('id', '=', number.id)
              .execute();
            await numberChanged(trx, { phoneNumberId: number.id, at: now });
          }
          return trx
            .selectFrom('number_sync_requests')
            .selectAll()
            .where('phone_number_id', '=', number.id)
            .where('sync_type', '=', syncType)
            .executeTakeFirstOrThrow();
        });
        if (!result.ok) {
          const final = result.error.code !== null && FINAL_SYNC_ERRORS.has(result.error.code);
          throw new AppError(
            final ? 'SYNC_REQUEST_REFUSED' : 'GRAPH_REQUEST_FAILED',
            result.error.message,
            present(done),
          );
        }
        return present(done);
      },
    );
  };
}
