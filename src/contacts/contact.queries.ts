import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { DB } from '../database.ts';
import { containsPattern, decodeCursor, type Page, toPage } from '../platform/http/pagination.ts';
import type { ContactNumberChangeRow, ContactRow } from './contact.table.ts';

/** The alphabetical sort key of a contact: the name an inbox shows, lower-cased, never null. */
const sortKey = sql<string>`lower(coalesce(contacts.address_book_name, contacts.profile_name, contacts.username, contacts.wa_id, contacts.bsuid, ''))`;

/**
 * Matches contacts whose name, username, phone number or BSUID contains `q` (case-insensitive).
 * Digits in a phone-looking query are matched against `wa_id` without punctuation, so
 * `+1 (650) 555` finds `16505551234`.
 */
export function contactMatches(eb: ExpressionBuilder<DB, 'contacts'>, q: string): Expression<SqlBool> {
  const pattern = containsPattern(q.trim());
  const like = (column: string) => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
  const conditions: Expression<SqlBool>[] = [
    like('contacts.profile_name'),
    like('contacts.address_book_name'),
    like('contacts.username'),
    like('contacts.wa_id'),
    like('contacts.bsuid'),
  ];
  const digits = q.replace(/\D+/g, '');
  if (digits.length >= 3 && /^[\d\s()+.-]+$/.test(q.trim())) {
    conditions.push(sql<SqlBool>`contacts.wa_id like ${`%${digits}%`}`);
  }
  const username = q.trim().replace(/^@/, '');
  if (username !== q.trim() && username !== '') {
    conditions.push(sql<SqlBool>`lower(contacts.username) like ${containsPattern(username)} escape '\\'`);
  }
  return eb.or(conditions);
}

export type ContactListFilter = {
  /** The phone numbers the caller may see; `null` = all. */
  visible: readonly string[] | null;
  phoneNumberId?: string | undefined;
  q?: string | undefined;
  /** Marketing consent from the ledger (`none` = no record). */
  consent?: 'opted_in' | 'opted_out' | 'none' | undefined;
  cursor?: string | undefined;
  limit: number;
};

/** Contacts in alphabetical order of their shown name (then id), keyset-paginated. */
export async function listContacts(db: Kysely<DB>, filter: ContactListFilter): Promise<Page<ContactRow>> {
  if (filter.visible !== null && filter.visible.length === 0) return { data: [], next_cursor: null };
  let query = db.selectFrom('contacts').selectAll().select(sortKey.as('sort_key'));
  if (filter.visible !== null) query = query.where('phone_number_id', 'in', [...filter.visible]);
  if (filter.phoneNumberId) query = query.where('phone_number_id', '=', filter.phoneNumberId);
  if (filter.consent) {
    const consent = filter.consent;
    const state = (eb: ExpressionBuilder<DB, 'contacts'>) =>
      eb
        .selectFrom('consent_states as cs')
        .select('cs.contact_id')
        .whereRef('cs.contact_id', '=', 'contacts.id')
        .where('cs.scope', '=', 'marketing');
    query = query.where((eb) =>
      consent === 'none'
        ? eb.not(eb.exists(state(eb)))
        : eb.exists(state(eb).where('cs.state', '=', consent)),
    );
  }
  if (filter.q?.trim()) {
    const q = filter.q;
    query = query.where((eb) => contactMatches(eb, q));
  }
  if (filter.cursor) {
    const [key, id] = decodeCursor(filter.cursor, ['string', 'string'] as const);
    query = query.where((eb) =>
      eb.or([eb(sortKey, '>', key), eb.and([eb(sortKey, '=', key), eb('contacts.id', '>', id)])]),
    );
  }
  const rows = await query
    .orderBy(sortKey)
    .orderBy('contacts.id')
    .limit(filter.limit + 1)
    .execute();
  return toPage(
    rows,
    filter.limit,
    ({ sort_key: _, ...row }) => row as ContactRow,
    (row) => [row.sort_key, row.id],
  );
}

/** One contact with its number-change history (oldest first), if visible to the caller. */
export async function findContact(
  db: Kysely<DB>,
  visible: readonly string[] | null,
  id: string,
): Promise<{ contact: ContactRow; numberChanges: ContactNumberChangeRow[] } | undefined> {
  const contact = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!contact || (visible !== null && !visible.includes(contact.phone_number_id))) return undefined;
  const numberChanges = await db
    .selectFrom('contact_number_changes')
    .selectAll()
    .where('contact_id', '=', id)
    .orderBy('changed_at')
    .orderBy('id')
    .execute();
  return { contact, numberChanges };
}

/** Contacts by id, for embedding in other resources. */
export async function contactsByIds(
  db: Kysely<DB>,
  ids: readonly string[],
): Promise<Map<string, ContactRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('contacts').selectAll().where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}
