import type { Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { assertWabaAccess, type Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import type { GraphError } from '../graph/graph-types.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';

/** The two one-time coexistence syncs: the owner's contacts (address book) and the chat history. */
export type SyncType = 'smb_app_state_sync' | 'history';

/**
 * Where one sync request stands (one row per number and sync type, the intent stored before the
 * call): `requesting` (the call is being made), `requested` (Meta accepted it, with its
 * `request_id`), `unknown` (no answer: a timeout or a 5xx — Meta may have taken it, so it is never
 * made again by itself), `refused` (2593107 already requested / 2593108 more than 24 h after
 * onboarding: final for this onboarding), `failed` (Meta answered no for another reason, or the
 * request provably never left: it may be tried again).
 */
export type SyncRequestState = 'requesting' | 'requested' | 'unknown' | 'refused' | 'failed';

/** Meta's one-time sync errors: the request may never be repeated for this onboarding. */
export const FINAL_SYNC_ERRORS: ReadonlySet<number> = new Set([2593107, 2593108]);

/** A `requesting` row this old belongs to a call that never finished (a crash): its outcome is unknown. */
export const REQUESTING_STALE_MS = 5 * 60_000;

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
  updated_at: number;
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

/** A row written before `refused` existed: a failure with a final code is a refusal. */
function effectiveState(r: Pick<SyncRequestRow, 'state' | 'error_json'>): string {
  const code = parseJsonOr<{ code?: number } | null>(r.error_json, null)?.code;
  if (r.state === 'failed' && code !== undefined && FINAL_SYNC_ERRORS.has(code)) return 'refused';
  return r.state;
}

/**
 * How a failed call is classified: a final code is `refused`; no answer after the request may have
 * left (timeout, reset) or a 5xx is `unknown`; any other answer of Meta, or a request that never
 * left (connection refused), is `failed`.
 */
export function classifySyncFailure(error: GraphError): 'refused' | 'unknown' | 'failed' {
  if (error.code !== null && FINAL_SYNC_ERRORS.has(error.code)) return 'refused';
  if (error.httpStatus === 0) return error.notSent === true ? 'failed' : 'unknown';
  if (error.httpStatus >= 500) return 'unknown';
  return 'failed';
}

async function readRow(deps: AppDeps, phoneNumberId: string, syncType: SyncType) {
  return deps.database.db
    .selectFrom('number_sync_requests')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('sync_type', '=', syncType)
    .executeTakeFirst();
}

/**
 * Claims the right to make the request: the intent (`requesting`) is stored first, so the call is
 * made at most once per number and sync type unless a person decides otherwise. Returns the
 * standing request when it was made already, and throws when the standing state forbids a call.
 */
async function claimSyncRequest(
  deps: AppDeps,
  input: { phoneNumberId: string; syncType: SyncType; now: number; retryUnknown: boolean },
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
  const existing = await readRow(deps, phoneNumberId, syncType);
  if (!existing) throw new AppError('CONFLICT', 'This sync request is already being made.');
  const state = effectiveState(existing);
  if (state === 'requesting' && now - existing.updated_at >= REQUESTING_STALE_MS) {
    // The process that made the call died before writing its outcome: Meta may have taken it.
    await db
      .updateTable('number_sync_requests')
      .set({ state: 'unknown', updated_at: now })
      .where('phone_number_id', '=', phoneNumberId)
      .where('sync_type', '=', syncType)
      .where('state', '=', 'requesting')
      .execute();
    throw new AppError('SYNC_OUTCOME_UNKNOWN', undefined, {
      ...present(phoneNumberId, syncType, existing),
      state: 'unknown',
    });
  }
  if (state === 'requesting') throw new AppError('CONFLICT', 'This sync request is already being made.');
  if (state === 'refused') {
    throw new AppError('SYNC_REQUEST_REFUSED', undefined, {
      ...present(phoneNumberId, syncType, existing),
      state,
    });
  }
  if (state === 'unknown' && !input.retryUnknown) {
    throw new AppError('SYNC_OUTCOME_UNKNOWN', undefined, present(phoneNumberId, syncType, existing));
  }
  if (state === 'requested') return present(phoneNumberId, syncType, existing);
  const retaken = await db
    .updateTable('number_sync_requests')
    .set({ state: 'requesting', error_json: null, requested_at: now, updated_at: now })
    .where('phone_number_id', '=', phoneNumberId)
    .where('sync_type', '=', syncType)
    .where('state', '=', existing.state)
    .where('updated_at', '=', existing.updated_at)
    .executeTakeFirst();
  if (Number(retaken.numUpdatedRows) === 0) {
    throw new AppError('CONFLICT', 'This sync request is already being made.');
  }
  return null;
}

/**
 * Asks Meta for a coexistence number's one-time contacts or history sync (`smb_app_data`),
 * through the persisted state machine above. On success the number's sync state becomes
 * `requested` and `number.changed` (`sync_requested`, with who asked) is recorded. A call whose
 * outcome is unknown is kept `unknown` and answered `SYNC_OUTCOME_UNKNOWN`; it is made again only
 * by {@link resolveUnknownSync} with `retry`, a person's decision. Meta's refusals are
 * `SYNC_REQUEST_REFUSED`; other failures `GRAPH_REQUEST_FAILED` (may be tried again).
 */
export async function requestSync(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string; syncType: SyncType; retryUnknown?: boolean },
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
  const standing = await claimSyncRequest(deps, {
    phoneNumberId: number.id,
    syncType,
    now,
    retryUnknown: input.retryUnknown === true,
  });
  if (standing) return standing;

  const result = await deps.graph.requestSmbAppData({ phoneNumberId: number.id, syncType });
  const outcome = result.ok ? 'requested' : classifySyncFailure(result.error);
  const done = await withEvents(deps, async (trx) => {
    await trx
      .updateTable('number_sync_requests')
      .set(
        result.ok
          ? {
              state: 'requested',
              request_id: result.value.requestId,
              error_json: null,
              updated_at: deps.clock.now(),
            }
          : {
              state: outcome as SyncRequestState,
              error_json: JSON.stringify({
                code: result.error.code,
                http_status: result.error.httpStatus,
                message: result.error.message,
                details: result.error.details,
                fbtrace_id: result.error.fbtraceId,
              }),
              updated_at: deps.clock.now(),
            },
      )
      .where('phone_number_id', '=', number.id)
      .where('sync_type', '=', syncType)
      .execute();
    if (result.ok) await markRequested(trx, { phoneNumberId: number.id, syncType, now, principal });
    return trx
      .selectFrom('number_sync_requests')
      .selectAll()
      .where('phone_number_id', '=', number.id)
      .where('sync_type', '=', syncType)
      .executeTakeFirstOrThrow();
  });
  if (!result.ok) {
    const code =
      outcome === 'refused'
        ? 'SYNC_REQUEST_REFUSED'
        : outcome === 'unknown'
          ? 'SYNC_OUTCOME_UNKNOWN'
          : 'GRAPH_REQUEST_FAILED';
    throw new AppError(code, result.error.message, present(number.id, syncType, done));
  }
  return present(number.id, syncType, done);
}

type Trx = Transaction<DB>;

async function markRequested(
  trx: Trx,
  input: { phoneNumberId: string; syncType: SyncType; now: number; principal: Principal },
): Promise<void> {
  const { phoneNumberId, syncType, now } = input;
  // Only a number still waiting moves: data that already arrived keeps its own state.
  await trx
    .updateTable('phone_numbers')
    .set(
      syncType === 'history'
        ? { history_state: 'requested', updated_at: now }
        : { contacts_sync_state: 'requested', updated_at: now },
    )
    .where('id', '=', phoneNumberId)
    .where(syncType === 'history' ? 'history_state' : 'contacts_sync_state', '=', 'not_requested')
    .execute();
  await recordEvent(
    trx,
    {
      type: 'number.changed',
      phoneNumberId,
      payload: { phone_number_id: phoneNumberId, change: 'sync_requested', actor: actorOf(input.principal) },
    },
    now,
  );
}

/**
 * A person resolves a sync request whose outcome is unknown: `requested` (Meta did take it: the
 * data is arriving, or Meta's support confirmed the request) or `retry` (they checked that Meta
 * did not receive it, and ask again; a request Meta had taken is then refused with 2593107).
 */
export async function resolveUnknownSync(
  deps: AppDeps,
  input: {
    principal: Principal;
    phoneNumberId: string;
    syncType: SyncType;
    resolution: 'requested' | 'retry';
    note?: string | undefined;
  },
): Promise<SyncRequestView> {
  const { principal, phoneNumberId, syncType } = input;
  const number = await deps.database.db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id'])
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
  assertWabaAccess(principal, number.waba_id);
  const row = await readRow(deps, number.id, syncType);
  if (!row || effectiveState(row) !== 'unknown') {
    throw new AppError('CONFLICT', 'Only a sync request whose outcome is unknown can be resolved.');
  }
  const note = input.note?.trim() ? input.note.trim().slice(0, 500) : null;
  if (input.resolution === 'retry') {
    await deps.database.db
      .updateTable('number_sync_requests')
      .set({ outcome_note: note ?? 'asked again by an operator' })
      .where('phone_number_id', '=', number.id)
      .where('sync_type', '=', syncType)
      .execute();
    return requestSync(deps, { principal, phoneNumberId: number.id, syncType, retryUnknown: true });
  }
  const now = deps.clock.now();
  const done = await withEvents(deps, async (trx) => {
    await trx
      .updateTable('number_sync_requests')
      .set({ state: 'requested', outcome_note: note ?? 'marked requested by an operator', updated_at: now })
      .where('phone_number_id', '=', number.id)
      .where('sync_type', '=', syncType)
      .where('state', '=', 'unknown')
      .execute();
    await markRequested(trx, { phoneNumberId: number.id, syncType, now, principal });
    return trx
      .selectFrom('number_sync_requests')
      .selectAll()
      .where('phone_number_id', '=', number.id)
      .where('sync_type', '=', syncType)
      .executeTakeFirstOrThrow();
  });
  return present(number.id, syncType, done);
}
