import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { type StatusMove, transitionStatuses } from '../messages/message-status.ts';
import type { Actor } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import type { ConsentAction, ConsentRecordRow, ConsentScope, ConsentSource } from './consent.table.ts';

/**
 * The consent ledger: every opt-in and opt-out is an append-only record with its evidence (source,
 * the exact wording and its SHA-256, actor, IP and user agent for the hosted page). The current
 * state of a contact per scope is derived from the ledger: the record with the latest `at` wins
 * (on a tie, an opt-out wins). The projection `consent_states` is written in the same transaction
 * as the record, so reading it is reading the ledger's answer.
 */

export type ConsentStateValue = 'opted_in' | 'opted_out' | 'none';

export type RecordConsentInput = {
  readonly contactId: string;
  readonly numberId: string;
  readonly scope: ConsentScope;
  readonly action: ConsentAction;
  readonly source: ConsentSource;
  /** The exact wording the customer saw (or wrote, for a keyword); stored and hashed. */
  readonly wording?: string | null;
  readonly actor?: Actor | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  /** An agent's note, a CSV evidence column, a wamid, an error's details. */
  readonly evidence?: string | null;
  /** When the customer gave or withdrew consent. */
  readonly at: number;
  /** When the hub writes it; `at` unless told. */
  readonly now?: number;
};

export type ConsentState = {
  readonly contactId: string;
  readonly scope: ConsentScope;
  readonly state: ConsentStateValue;
  /** When the deciding record says consent was given or withdrawn; null for `none`. */
  readonly at: number | null;
  readonly source: ConsentSource | null;
  readonly recordId: number | null;
};

export type RecordConsentResult = {
  readonly record: ConsentRecordRow;
  /** The state after this record (unchanged when an older record arrived late). */
  readonly state: ConsentState;
  /** Whether this record became the deciding one. */
  readonly applied: boolean;
  /** Queued marketing sends of the contact cancelled by this opt-out. */
  readonly cancelledMessageIds: readonly string[];
};

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export const toState = (action: ConsentAction) => (action === 'opt_in' ? 'opted_in' : 'opted_out');

/** Whether a new record at `at` with `action` beats the current deciding one. */
export function supersedes(
  current: { changed_at: number; state: 'opted_in' | 'opted_out' } | undefined,
  at: number,
  action: ConsentAction,
): boolean {
  if (!current) return true;
  if (at !== current.changed_at) return at > current.changed_at;
  return action === 'opt_out' || current.state === 'opted_in';
}

/**
 * Appends one record to the ledger inside the caller's transaction, updates the derived state,
 * mirrors marketing consent on the contact (`marketing_opt_out`), records `contact.consent_changed`,
 * and, for an applied marketing opt-out, cancels the contact's queued marketing sends with
 * `CONTACT_OPTED_OUT` on each message. After the commit, signal `events` (or use `withEvents`).
 */
export async function recordConsent(
  trx: Kysely<DB>,
  input: RecordConsentInput,
): Promise<RecordConsentResult> {
  const now = input.now ?? input.at;
  const contact = await trx
    .selectFrom('contacts')
    .select(['id', 'phone_number_id'])
    .where('id', '=', input.contactId)
    .executeTakeFirst();
  if (!contact) throw new Error(`recordConsent: no contact ${input.contactId}`);
  if (contact.phone_number_id !== input.numberId)
    throw new Error(`recordConsent: contact ${input.contactId} is not a contact of number ${input.numberId}`);
  const wording = input.wording ?? null;
  const record = await trx
    .insertInto('consent_records')
    .values({
      contact_id: input.contactId,
      phone_number_id: input.numberId,
      scope: input.scope,
      action: input.action,
      source: input.source,
      wording,
      wording_sha256: wording === null ? null : sha256Hex(wording),
      actor_kind: input.actor?.kind ?? null,
      actor_id: input.actor?.id ?? null,
      ip: input.ip ?? null,
      user_agent: input.userAgent ?? null,
      evidence: input.evidence ?? null,
      at: input.at,
      recorded_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const recordId = Number(record.id);
  const current = await trx
    .selectFrom('consent_states')
    .selectAll()
    .where('contact_id', '=', input.contactId)
    .where('scope', '=', input.scope)
    .executeTakeFirst();
  const applied = supersedes(current, input.at, input.action);
  const from: ConsentStateValue = current?.state ?? 'none';
  let state: ConsentState = current
    ? {
        contactId: input.contactId,
        scope: input.scope,
        state: current.state,
        at: Number(current.changed_at),
        source: current.source,
        recordId: Number(current.record_id),
      }
    : {
        contactId: input.contactId,
        scope: input.scope,
        state: 'none',
        at: null,
        source: null,
        recordId: null,
      };
  let cancelled: string[] = [];
  if (applied) {
    const next = toState(input.action);
    const row = {
      contact_id: input.contactId,
      scope: input.scope,
      phone_number_id: input.numberId,
      state: next,
      record_id: recordId,
      source: input.source,
      changed_at: input.at,
    } as const;
    await trx
      .insertInto('consent_states')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['contact_id', 'scope']).doUpdateSet({
          state: next,
          record_id: recordId,
          source: input.source,
          changed_at: input.at,
          phone_number_id: input.numberId,
        }),
      )
      .execute();
    state = {
      contactId: input.contactId,
      scope: input.scope,
      state: next,
      at: input.at,
      source: input.source,
      recordId,
    };
    if (input.scope === 'marketing') {
      await trx
        .updateTable('contacts')
        .set({
          marketing_opt_out: next === 'opted_out' ? 1 : 0,
          marketing_opt_out_at: input.at,
          updated_at: now,
        })
        .where('id', '=', input.contactId)
        .execute();
      if (next === 'opted_out')
        cancelled = await cancelPendingMarketing(trx, input.contactId, input.numberId, now);
    }
  }
  await recordEvent(
    trx,
    {
      type: 'contact.consent_changed',
      phoneNumberId: input.numberId,
      payload: {
        contact_id: input.contactId,
        from: from === 'none' ? null : from,
        to: state.state === 'none' ? toState(input.action) : state.state,
        actor: input.actor ?? null,
        scope: input.scope,
        source: input.source,
        record_id: recordId,
        applied,
      },
    },
    now,
  );
  return {
    record: { ...record, id: recordId } as ConsentRecordRow,
    state,
    applied,
    cancelledMessageIds: cancelled,
  };
}

/** The error stored on a marketing send cancelled by an opt-out (same shape as the outbox's errors). */
export function optedOutErrorJson(): string {
  const reason = 'The contact opted out of marketing messages after this one was queued.';
  return JSON.stringify({
    code: 'CONTACT_OPTED_OUT',
    title: reason,
    message: reason,
    error_data: { details: reason },
  });
}

/** Cancels the contact's queued marketing template sends (their message fails with CONTACT_OPTED_OUT). */
export async function cancelPendingMarketing(
  trx: Kysely<DB>,
  contactId: string,
  numberId: string,
  now: number,
): Promise<string[]> {
  const queued = await trx
    .selectFrom('outbox_jobs as j')
    .innerJoin('messages as m', 'm.id', 'j.message_id')
    .select(['j.id', 'j.message_id', 'm.content_json'])
    .where('j.contact_id', '=', contactId)
    .where('j.state', '=', 'queued')
    .where('m.type', '=', 'template')
    .execute();
  if (queued.length === 0) return [];
  const number = await trx
    .selectFrom('phone_numbers')
    .select('waba_id')
    .where('id', '=', numberId)
    .executeTakeFirst();
  if (!number) return [];
  const keyOf = (json: string) => {
    try {
      const t = JSON.parse(json) as { name?: unknown; language?: unknown };
      return { name: String(t.name), language: String(t.language) };
    } catch {
      return null;
    }
  };
  const names = [...new Set(queued.map((q) => keyOf(q.content_json)?.name).filter((n): n is string => !!n))];
  const templates =
    names.length === 0
      ? []
      : await trx
          .selectFrom('templates')
          .select(['name', 'language', 'category'])
          .where('waba_id', '=', number.waba_id)
          .where('name', 'in', names)
          .execute();
  const marketing = new Set(
    templates
      .filter((t) => t.category?.toUpperCase() === 'MARKETING')
      .map((t) => `${t.name}\u0000${t.language}`),
  );
  const error = optedOutErrorJson();
  const moves: StatusMove[] = [];
  for (const q of queued) {
    const key = keyOf(q.content_json);
    if (!key || !marketing.has(`${key.name}\u0000${key.language}`)) continue;
    const done = await trx
      .updateTable('outbox_jobs')
      .set({ state: 'cancelled', last_error_json: error, finished_at: now, updated_at: now })
      .where('id', '=', q.id)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) > 0)
      moves.push({ messageId: q.message_id, to: 'failed', from: ['queued'], error });
  }
  await transitionStatuses(trx, { moves, at: now });
  return moves.map((m) => m.messageId);
}

type StateRow = {
  contact_id: string;
  scope: ConsentScope;
  state: 'opted_in' | 'opted_out';
  changed_at: number;
  source: ConsentSource;
  record_id: number;
};

function fromRow(contactId: string, scope: ConsentScope, row: StateRow | undefined): ConsentState {
  if (!row) return { contactId, scope, state: 'none', at: null, source: null, recordId: null };
  return {
    contactId,
    scope,
    state: row.state,
    at: Number(row.changed_at),
    source: row.source,
    recordId: Number(row.record_id),
  };
}

/** The current consent of one contact for one number and scope, as the ledger decides it. */
export async function consentState(
  db: Kysely<DB>,
  input: { contactId: string; numberId: string; scope: ConsentScope },
): Promise<ConsentState> {
  const row = await db
    .selectFrom('consent_states')
    .select(['contact_id', 'scope', 'state', 'changed_at', 'source', 'record_id'])
    .where('contact_id', '=', input.contactId)
    .where('phone_number_id', '=', input.numberId)
    .where('scope', '=', input.scope)
    .executeTakeFirst();
  return fromRow(input.contactId, input.scope, row);
}

const BATCH = 500;

/** {@link consentState} for many contacts of one number at once (campaign fan-out, dispatch). */
export async function consentStates(
  db: Kysely<DB>,
  input: { contactIds: readonly string[]; numberId: string; scope: ConsentScope },
): Promise<Map<string, ConsentState>> {
  const out = new Map<string, ConsentState>();
  const ids = [...new Set(input.contactIds)];
  for (let i = 0; i < ids.length; i += BATCH) {
    const chunk = ids.slice(i, i + BATCH);
    const rows = await db
      .selectFrom('consent_states')
      .select(['contact_id', 'scope', 'state', 'changed_at', 'source', 'record_id'])
      .where('contact_id', 'in', chunk)
      .where('phone_number_id', '=', input.numberId)
      .where('scope', '=', input.scope)
      .execute();
    const byId = new Map(rows.map((r) => [r.contact_id, r]));
    for (const id of chunk) out.set(id, fromRow(id, input.scope, byId.get(id)));
  }
  return out;
}

/** Replays the ledger (not the projection) for one contact and scope: what the state must be. */
export async function consentStateFromLedger(
  db: Kysely<DB>,
  input: { contactId: string; scope: ConsentScope },
): Promise<ConsentStateValue> {
  const records = await db
    .selectFrom('consent_records')
    .select(['action', 'at'])
    .where('contact_id', '=', input.contactId)
    .where('scope', '=', input.scope)
    .orderBy('id')
    .execute();
  let current: { changed_at: number; state: 'opted_in' | 'opted_out' } | undefined;
  for (const r of records) {
    if (supersedes(current, Number(r.at), r.action))
      current = { changed_at: Number(r.at), state: toState(r.action) };
  }
  return current?.state ?? 'none';
}

/** The ledger of one contact, newest first (the contact panel's history). */
export async function consentHistory(
  db: Kysely<DB>,
  input: { contactId: string; limit?: number },
): Promise<ConsentRecordRow[]> {
  const rows = await db
    .selectFrom('consent_records')
    .selectAll()
    .where('contact_id', '=', input.contactId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit ?? 200)
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), at: Number(r.at), recorded_at: Number(r.recorded_at) }));
}
