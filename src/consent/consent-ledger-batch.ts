import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { recordEvents } from '../platform/events/record-event.ts';
import {
  cancelPendingMarketing,
  type RecordConsentInput,
  recordConsent,
  sha256Hex,
  supersedes,
  toState,
} from './consent-ledger.ts';

/** Rows per multi-row statement (14 parameters a record: well under SQLite's bound-parameter limit). */
const ROWS = 400;

function slices<T>(items: readonly T[], size = ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * {@link recordConsent} for many records of one number at once (a CSV import's chunk), with the same
 * meaning: each record appended to the ledger, the derived state moved where the record decides it,
 * `marketing_opt_out` mirrored on the contact, queued marketing sends of an applied opt-out cancelled
 * and one `contact.consent_changed` per record; in multi-row statements instead of six queries a
 * record. Records of the same contact and scope in one call go one by one, in order.
 */
export async function recordConsentBatch(
  trx: Kysely<DB>,
  input: { numberId: string; records: readonly RecordConsentInput[]; now: number },
): Promise<void> {
  const seen = new Set<string>();
  const batch: RecordConsentInput[] = [];
  const later: RecordConsentInput[] = [];
  for (const r of input.records) {
    if (r.numberId !== input.numberId) throw new Error('recordConsentBatch: records of another number');
    const key = `${r.contactId}\u0000${r.scope}`;
    (seen.has(key) ? later : batch).push(r);
    seen.add(key);
  }
  if (batch.length > 0) await applyBatch(trx, input.numberId, batch, input.now);
  for (const r of later) await recordConsent(trx, { ...r, now: r.now ?? input.now });
}

async function applyBatch(trx: Kysely<DB>, numberId: string, records: RecordConsentInput[], now: number) {
  const contactIds = [...new Set(records.map((r) => r.contactId))];
  const known = new Set<string>();
  for (const ids of slices(contactIds)) {
    const rows = await trx
      .selectFrom('contacts')
      .select('id')
      .where('id', 'in', ids)
      .where('phone_number_id', '=', numberId)
      .execute();
    for (const r of rows) known.add(r.id);
  }
  const missing = contactIds.find((id) => !known.has(id));
  if (missing) throw new Error(`recordConsentBatch: no contact ${missing} of number ${numberId}`);

  const recordIds = new Map<string, number>();
  const keyOf = (contactId: string, scope: string) => `${contactId}\u0000${scope}`;
  for (const part of slices(records)) {
    const inserted = await trx
      .insertInto('consent_records')
      .values(
        part.map((r) => {
          const wording = r.wording ?? null;
          return {
            contact_id: r.contactId,
            phone_number_id: numberId,
            scope: r.scope,
            action: r.action,
            source: r.source,
            wording,
            wording_sha256: wording === null ? null : sha256Hex(wording),
            actor_kind: r.actor?.kind ?? null,
            actor_id: r.actor?.id ?? null,
            ip: r.ip ?? null,
            user_agent: r.userAgent ?? null,
            evidence: r.evidence ?? null,
            at: r.at,
            recorded_at: r.now ?? now,
          };
        }),
      )
      .returning(['id', 'contact_id', 'scope'])
      .execute();
    for (const row of inserted) recordIds.set(keyOf(row.contact_id, row.scope), Number(row.id));
  }

  const current = new Map<string, { state: 'opted_in' | 'opted_out'; changed_at: number }>();
  for (const ids of slices(contactIds)) {
    const rows = await trx
      .selectFrom('consent_states')
      .select(['contact_id', 'scope', 'state', 'changed_at'])
      .where('contact_id', 'in', ids)
      .execute();
    for (const r of rows)
      current.set(keyOf(r.contact_id, r.scope), { state: r.state, changed_at: Number(r.changed_at) });
  }

  const states: {
    contact_id: string;
    scope: RecordConsentInput['scope'];
    phone_number_id: string;
    state: 'opted_in' | 'opted_out';
    record_id: number;
    source: RecordConsentInput['source'];
    changed_at: number;
  }[] = [];
  const mirror = new Map<string, string[]>();
  const optedOut: string[] = [];
  const events: DomainEvent[] = [];
  for (const r of records) {
    const key = keyOf(r.contactId, r.scope);
    const recordId = recordIds.get(key);
    if (recordId === undefined) throw new Error(`recordConsentBatch: no id for the record of ${r.contactId}`);
    const was = current.get(key);
    const applied = supersedes(was, r.at, r.action);
    const next = applied ? toState(r.action) : (was?.state ?? toState(r.action));
    if (applied) {
      states.push({
        contact_id: r.contactId,
        scope: r.scope,
        phone_number_id: numberId,
        state: next,
        record_id: recordId,
        source: r.source,
        changed_at: r.at,
      });
      if (r.scope === 'marketing') {
        const group = `${next}\u0000${r.at}`;
        mirror.set(group, [...(mirror.get(group) ?? []), r.contactId]);
        if (next === 'opted_out') optedOut.push(r.contactId);
      }
    }
    events.push({
      type: 'contact.consent_changed',
      phoneNumberId: numberId,
      payload: {
        contact_id: r.contactId,
        from: was?.state ?? null,
        to: next,
        actor: r.actor ?? null,
        scope: r.scope,
        source: r.source,
        record_id: recordId,
        applied,
      },
    });
  }

  for (const part of slices(states, 500)) {
    await trx
      .insertInto('consent_states')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['contact_id', 'scope']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          record_id: eb.ref('excluded.record_id'),
          source: eb.ref('excluded.source'),
          changed_at: eb.ref('excluded.changed_at'),
          phone_number_id: eb.ref('excluded.phone_number_id'),
        })),
      )
      .execute();
  }
  // Imports give most records the same time and action: one update per (state, time), not per contact.
  for (const [group, ids] of mirror) {
    const [state, at] = group.split('\u0000');
    for (const part of slices(ids, 500)) {
      await trx
        .updateTable('contacts')
        .set({
          marketing_opt_out: state === 'opted_out' ? 1 : 0,
          marketing_opt_out_at: Number(at),
          updated_at: now,
        })
        .where('id', 'in', part)
        .execute();
    }
  }
  for (const contactId of optedOut) await cancelPendingMarketing(trx, contactId, numberId, now);
  await recordEvents(trx, events, now);
}
