import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { HoldScope, HoldSubject } from './hold.repository.ts';

export type HoldRow = {
  id: string;
  scope: HoldScope;
  target_id: string;
  reason: string;
  created_by: string | null;
  created_at: number;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
};

const toHold = (r: HoldRow): HoldRow => ({
  ...r,
  created_at: Number(r.created_at),
  released_at: r.released_at === null ? null : Number(r.released_at),
});

/** The number a hold's subject belongs to, or null when there is no such subject. */
export async function holdSubject(
  db: Kysely<DB>,
  scope: HoldScope,
  targetId: string,
): Promise<HoldSubject | null> {
  if (scope === 'number') {
    const n = await db.selectFrom('phone_numbers').select('id').where('id', '=', targetId).executeTakeFirst();
    return n ? { scope, targetId, phoneNumberId: n.id } : null;
  }
  const table = scope === 'contact' ? 'contacts' : 'conversations';
  const row = await db
    .selectFrom(table)
    .select('phone_number_id')
    .where('id', '=', targetId)
    .executeTakeFirst();
  return row ? { scope, targetId, phoneNumberId: row.phone_number_id } : null;
}

/** Holds on the given numbers' subjects (every hold when `numbers` is null), newest first. */
export async function listHolds(
  db: Kysely<DB>,
  numbers: readonly string[] | null,
): Promise<(HoldRow & { phone_number_id: string | null })[]> {
  const rows = (await db
    .selectFrom('archive_holds')
    .selectAll()
    .orderBy('created_at', 'desc')
    .execute()) as HoldRow[];
  const out: (HoldRow & { phone_number_id: string | null })[] = [];
  for (const row of rows) {
    const subject = await holdSubject(db, row.scope, row.target_id);
    const phone = subject?.phoneNumberId ?? null;
    if (numbers === null || (phone !== null && numbers.includes(phone)))
      out.push({ ...toHold(row), phone_number_id: phone });
  }
  return out;
}

/**
 * The active hold that blocks purging or erasing this content, if any: one on the contact, the
 * conversation or the number. Retention and erasure call this before they delete anything.
 */
export async function activeHoldOn(
  db: Kysely<DB>,
  subject: { contactId?: string | null; conversationId?: string | null; phoneNumberId?: string | null },
): Promise<HoldRow | null> {
  const targets: [HoldScope, string][] = [];
  if (subject.contactId) targets.push(['contact', subject.contactId]);
  if (subject.conversationId) targets.push(['conversation', subject.conversationId]);
  if (subject.phoneNumberId) targets.push(['number', subject.phoneNumberId]);
  for (const [scope, id] of targets) {
    const row = await db
      .selectFrom('archive_holds')
      .selectAll()
      .where('scope', '=', scope)
      .where('target_id', '=', id)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    if (row) return toHold(row as HoldRow);
  }
  return null;
}
