import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { assertWabaAccess, type Principal } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';

/** The two one-time coexistence syncs: the owner's contacts (address book) and the chat history. */
export type SyncType = 'smb_app_state_sync' | 'history';

/** Meta's one-time sync errors: the request may never be repeated for this onboarding. */
const FINAL_SYNC_ERRORS = new Set([2593107, 2593108]);

/** Where a sync request stands, as `POST /api/numbers/:id/sync` returns it. */
export type SyncRequestView = {
  phone_number_id: string;
  sync_type: SyncType;
  state: string;
  request_id: string | null;
  error: unknown;
  requested_at: string | null;
};

type SyncRequestRow = {
  state: string;
  request_id: string | null;
  error_json: string | null;
  requested_at: number;
};

function present(phoneNumberId: string, syncType: SyncType, r: SyncRequestRow): SyncRequestView {
  return {
    phone_number_id: phoneNumberId,
    sync_type: syncType,
    state: r.state,
    request_id: r.request_id,
    error: parseJsonOr<unknown>(r.error_json, null),
    requested_at: isoOrNull(r.requested_at),
  };
}

/**
 * Claims the right to make the request. The intent is stored first, so a request is made at most
 * once per number and sync type; a failure Meta does not call final (network, token) may be retried.
 * Returns the standing request instead when it was made already.
 */
async function claimSyncRequest(
  deps: AppDeps,
  input: { phoneNumberId: string; syncType: SyncType; now: number },
): Promise<SyncRequestView | null> {
  const db = deps.database.db;
  const { phoneNumberId, syncType, now } = input;
  const claimed = await db
    .insertInto('number_sync_requests')
    .values({
      phone_number_id: phoneNumberId,
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
  if (claimed) return null;
  const existing = await db
    .selectFrom('number_sync_requests')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('sync_type', '=', syncType)
    .executeTakeFirstOrThrow();
  const code = parseJsonOr<{ code?: number } | null>(existing.error_json, null)?.code;
  if (existing.state === 'failed' && code !== undefined && FINAL_SYNC_ERRORS.has(code)) {
    throw new AppError('SYNC_REQUEST_REFUSED', undefined, present(phoneNumberId, syncType, existing));
  }
  if (existing.state !== 'failed') return present(phoneNumberId, syncType, existing);
  const retaken = await db
    .updateTable('number_sync_requests')
    .set({ state: 'requesting', error_json: null, requested_at: now, updated_at: now })
    .where('phone_number_id', '=', phoneNumberId)
    .where('sync_type', '=', syncType)
    .where('state', '=', 'failed')
    .executeTakeFirst();
  if (Number(retaken.numUpdatedRows) === 0) {
    throw new AppError('CONFLICT', 'This sync request is already being made.');
  }
  return null;
}

/**
 * Asks Meta for a coexistence number's one-time contacts or history sync (`smb_app_data`). On
 * success the number's sync state becomes `requested` and `number.changed` (`sync_requested`,
 * with who asked) is recorded; on failure the request is kept as failed and the error says
 * whether it may be tried again (`GRAPH_REQUEST_FAILED`) or never (`SYNC_REQUEST_REFUSED`).
 */
export async function requestSync(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string; syncType: SyncType },
): Promise<SyncRequestView> {
  const { principal, syncType } = input;
  const number = await deps.database.db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id'])
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
  assertWabaAccess(principal, number.waba_id);
  const now = deps.clock.now();
  const standing = await claimSyncRequest(deps, { phoneNumberId: number.id, syncType, now });
  if (standing) return standing;

  const result = await deps.graph.requestSmbAppData({ phoneNumberId: number.id, syncType });
  const done = await withEvents(deps, async (trx) => {
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
      await recordEvent(
        trx,
        {
          type: 'number.changed',
          phoneNumberId: number.id,
          payload: { phone_number_id: number.id, change: 'sync_requested', actor: actorOf(principal) },
        },
        now,
      );
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
      present(number.id, syncType, done),
    );
  }
  return present(number.id, syncType, done);
}
