import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { assertWabaClaimable, claimWaba } from '../auth/organisation-scope.ts';
import { assertWabaAccess, type Principal } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { ensurePhoneNumber } from './number.repository.ts';
import type { ConnectionState } from './number.table.ts';

/** Throughput by Graph's `throughput.level`; coexistence numbers are fixed at 20 (cloud-api.md §2.2). */
function throughputFor(isOnBizApp: boolean, level: string | null): number {
  if (isOnBizApp) return 20;
  return level?.toUpperCase() === 'HIGH' ? 1000 : 80;
}

/** A registered number as `POST /api/numbers` returns it. */
export type RegisteredNumber = {
  id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string | null;
  is_coexistence: boolean;
  platform_type: string | null;
  throughput_mps: number;
  connection_state: ConnectionState;
};

/**
 * Registers a number of a business account the principal may act on, only if Graph lists it under
 * that account (`GET /{waba_id}/phone_numbers`): reads it from Graph (name, coexistence, throughput
 * level) and files it, recording `number.changed` (`registered`). A number
 * already filed under another business account is never moved: that would hand its conversations
 * to whoever registers it (`unknown` = seen in a webhook only, so it may be claimed).
 */
export async function registerNumber(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string; wabaId: string },
): Promise<RegisteredNumber> {
  const { principal, phoneNumberId, wabaId } = input;
  // The account must be the caller's organisation's, or nobody's yet (then it becomes theirs).
  await assertWabaClaimable(deps.database.db, principal, wabaId);
  const existing = await deps.database.db
    .selectFrom('phone_numbers')
    .select('waba_id')
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  if (existing && existing.waba_id !== wabaId && existing.waba_id !== 'unknown') {
    throw new AppError('CONFLICT', 'This phone number is registered under another business account.');
  }
  // Trust only Graph's own list: a number filed under a WABA it does not belong to would take that
  // account's webhooks, conversations and roles with it.
  const listed = await deps.graph.listPhoneNumberIds(wabaId);
  if (!listed.ok) {
    throw new AppError('GRAPH_REQUEST_FAILED', listed.error.message, {
      meta_code: listed.error.code,
      details: listed.error.details,
    });
  }
  if (!listed.value.includes(phoneNumberId)) {
    throw new AppError('NUMBER_NOT_IN_WABA', undefined, { phone_number_id: phoneNumberId, waba_id: wabaId });
  }
  const info = await deps.graph.getPhoneNumber(phoneNumberId);
  if (!info.ok) {
    throw new AppError('GRAPH_REQUEST_FAILED', info.error.message, {
      meta_code: info.error.code,
      details: info.error.details,
    });
  }
  const n = info.value;
  const now = deps.clock.now();
  const row = await withEvents(deps, async (trx) => {
    await claimWaba(trx, principal, { wabaId, at: now });
    await ensurePhoneNumber(trx, {
      phoneNumberId,
      wabaId,
      displayPhoneNumber: n.displayPhoneNumber ?? '',
      at: now,
    });
    await trx
      .updateTable('phone_numbers')
      .set({
        waba_id: wabaId,
        ...(n.displayPhoneNumber ? { display_phone_number: n.displayPhoneNumber.replace(/\D+/g, '') } : {}),
        verified_name: n.verifiedName,
        is_coexistence: n.isOnBizApp ? 1 : 0,
        throughput_mps: throughputFor(n.isOnBizApp, n.throughputLevel),
        onboarded_at: now,
        updated_at: now,
      })
      .where('id', '=', phoneNumberId)
      .execute();
    await recordEvent(
      trx,
      {
        type: 'number.changed',
        phoneNumberId,
        payload: { phone_number_id: phoneNumberId, change: 'registered', actor: actorOf(principal) },
      },
      now,
    );
    return trx
      .selectFrom('phone_numbers')
      .selectAll()
      .where('id', '=', phoneNumberId)
      .executeTakeFirstOrThrow();
  });
  return {
    id: row.id,
    waba_id: row.waba_id,
    display_phone_number: row.display_phone_number,
    verified_name: row.verified_name,
    is_coexistence: row.is_coexistence === 1,
    platform_type: n.platformType,
    throughput_mps: row.throughput_mps,
    connection_state: row.connection_state,
  };
}

/** Overrides a number's sending rate (messages per second), recording `number.changed` (`throughput`). */
export async function setThroughput(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string; throughputMps: number },
): Promise<{ id: string; throughput_mps: number }> {
  const number = await deps.database.db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id'])
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
  assertWabaAccess(input.principal, number.waba_id);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('phone_numbers')
      .set({ throughput_mps: input.throughputMps, updated_at: now })
      .where('id', '=', number.id)
      .execute();
    await recordEvent(
      trx,
      {
        type: 'number.changed',
        phoneNumberId: number.id,
        payload: { phone_number_id: number.id, change: 'throughput', actor: actorOf(input.principal) },
      },
      now,
    );
  });
  return { id: number.id, throughput_mps: input.throughputMps };
}
