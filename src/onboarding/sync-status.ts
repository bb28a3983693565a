import type { AppDeps } from '../app-deps.ts';
import { assertWabaAccess, type Principal } from '../auth/principal.ts';
import { FINAL_SYNC_ERRORS, REQUESTING_STALE_MS, type SyncType } from '../numbers/request-sync.ts';
import { AppError } from '../platform/errors.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';

const DAY_MS = 86_400_000;

/** Where one of a number's two one-time syncs stands, for the wizard and the numbers page. */
export type SyncStage =
  | 'not_requested'
  | 'requesting'
  | 'requested'
  | 'syncing'
  | 'complete'
  | 'declined'
  | 'unknown'
  | 'refused'
  | 'failed';

export type SyncStatus = {
  readonly sync_type: SyncType;
  readonly stage: SyncStage;
  /** History only: Meta's `progress` (0–100) of the import. */
  readonly progress: number | null;
  readonly request_id: string | null;
  readonly requested_at: string | null;
  /** 24 hours after onboarding: Meta refuses the request afterwards (2593108). */
  readonly deadline_at: string | null;
  readonly error: { code: number | null; message: string } | null;
  /** What the business or the operator should do now; null when nothing. */
  readonly what_to_do: string | null;
  /** The actions the wizard offers: `request` (make it), `mark_requested` / `retry` (resolve an unknown outcome). */
  readonly actions: ('request' | 'mark_requested' | 'retry')[];
};

/** What to do after each of Meta's one-time sync errors (cloud-api.md §2.6, §2.7). */
export const SYNC_ERROR_ADVICE: Readonly<Record<number, string>> = {
  2593107:
    'Meta says this sync was already requested for this onboarding. Wait for the data if it is coming; otherwise the only way to ask again is to disconnect the number in the WhatsApp Business app (Settings > Account > Business Platform) and connect it again here.',
  2593108:
    'More than 24 hours have passed since the number was connected, and Meta no longer accepts this request. To import it, disconnect the number in the WhatsApp Business app and connect it again here: the syncs are then requested at once.',
  2593109:
    'The owner declined to share the chat history in the WhatsApp Business app. It cannot be asked for again in this onboarding; to import it, disconnect and connect the number again and accept sharing on the phone.',
};

const UNKNOWN_ADVICE =
  'The hub asked Meta but got no answer (a timeout or a server error), so Meta may have taken the request. It is not asked again by itself: a second request is refused for good (2593107) if the first went through. Wait a few minutes for the data; if it arrives, or Meta confirms the request, mark it requested. Ask again only if you know Meta did not receive it.';

type Row = {
  state: string;
  request_id: string | null;
  error_json: string | null;
  requested_at: number;
  updated_at: number;
};

function stageOf(input: {
  syncType: SyncType;
  row: Row | undefined;
  historyState: string;
  contactsState: string;
  now: number;
}): { stage: SyncStage; code: number | null; message: string | null } {
  const { row, syncType } = input;
  const err = parseJsonOr<{ code?: number | null; message?: string } | null>(row?.error_json ?? null, null);
  const code = err?.code ?? null;
  // Data that arrived settles it, whatever the request's own answer was.
  if (syncType === 'history') {
    if (input.historyState === 'declined')
      return { stage: 'declined', code: 2593109, message: 'History sharing declined' };
    if (input.historyState === 'complete' || input.historyState === 'complete_inferred')
      return { stage: 'complete', code: null, message: null };
    if (input.historyState === 'in_progress') return { stage: 'syncing', code: null, message: null };
  } else if (input.contactsState === 'received') {
    return { stage: 'complete', code: null, message: null };
  }
  if (!row) return { stage: 'not_requested', code: null, message: null };
  if (row.state === 'failed' && code !== null && FINAL_SYNC_ERRORS.has(code))
    return { stage: 'refused', code, message: err?.message ?? null };
  if (row.state === 'requesting' && input.now - row.updated_at >= REQUESTING_STALE_MS)
    return { stage: 'unknown', code: null, message: null };
  const stage = (['requesting', 'requested', 'unknown', 'refused', 'failed'] as const).find(
    (s) => s === row.state,
  );
  return { stage: stage ?? 'failed', code, message: err?.message ?? null };
}

function adviceFor(stage: SyncStage, code: number | null): string | null {
  if (stage === 'unknown') return UNKNOWN_ADVICE;
  if (code !== null && SYNC_ERROR_ADVICE[code]) return SYNC_ERROR_ADVICE[code] ?? null;
  if (stage === 'failed')
    return 'Meta refused the request for another reason (shown above); fix it and request again.';
  if (stage === 'requested')
    return 'Keep the WhatsApp Business app open on the phone while Meta sends the data.';
  return null;
}

function actionsFor(stage: SyncStage): SyncStatus['actions'] {
  if (stage === 'not_requested' || stage === 'failed') return ['request'];
  if (stage === 'unknown') return ['mark_requested', 'retry'];
  return [];
}

/** The two syncs of a number (contacts first, as Meta asks), each with its stage, error and what to do. */
export async function syncStatusOf(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string },
): Promise<SyncStatus[]> {
  const db = deps.database.db;
  const number = await db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id', 'onboarded_at', 'history_state', 'history_progress', 'contacts_sync_state'])
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
  assertWabaAccess(input.principal, number.waba_id);
  const rows = await db
    .selectFrom('number_sync_requests')
    .selectAll()
    .where('phone_number_id', '=', number.id)
    .execute();
  const now = deps.clock.now();
  return (['smb_app_state_sync', 'history'] as const).map((syncType) => {
    const row = rows.find((r) => r.sync_type === syncType);
    const { stage, code, message } = stageOf({
      syncType,
      row,
      historyState: number.history_state,
      contactsState: number.contacts_sync_state,
      now,
    });
    return {
      sync_type: syncType,
      stage,
      progress:
        syncType === 'history' ? (stage === 'complete' ? 100 : Number(number.history_progress ?? 0)) : null,
      request_id: row?.request_id ?? null,
      requested_at: isoOrNull(row?.requested_at ?? null),
      deadline_at: number.onboarded_at === null ? null : isoOrNull(Number(number.onboarded_at) + DAY_MS),
      error: code !== null || message ? { code, message: message ?? '' } : null,
      what_to_do: adviceFor(stage, code),
      actions: actionsFor(stage),
    };
  });
}
