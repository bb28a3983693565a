import { type Kysely, sql } from 'kysely';
import { contactMatches } from '../contacts/contact.queries.ts';
import type { DB } from '../database.ts';
import { decodeCursor, type Page, toPage } from '../platform/http/pagination.ts';
import type { ConversationRow, ConversationStatus } from './conversation.table.ts';

// Conversations without any message sort last; coalesce keeps NULL ordering identical on both dialects.
const sortKey = sql<number>`coalesce(conversations.last_message_at, -1)`;

export type ConversationListFilter = {
  /** The phone numbers the caller may see; `null` = all. */
  visible: readonly string[] | null;
  phoneNumberId?: string | undefined;
  status?: ConversationStatus | undefined;
  /** A user id, or `null` for unassigned conversations. */
  assigneeUserId?: string | null | undefined;
  teamId?: string | undefined;
  /** Only conversations carrying this label id. */
  labelId?: string | undefined;
  /** Search over the contact's name, username and phone number. */
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
};

/** More numbers than this are listed by one query with `in` instead of one index range per number. */
const MAX_MERGED_NUMBERS = 32;

/**
 * Conversations, most recent activity first (then id), keyset-paginated.
 *
 * The page is read per phone number, each from its own range of an index in the list's order
 * (`conversations_list`, `_status`, `_assignee`, `_team`: number, [filter,] sort key, id), and the
 * first `limit + 1` of each are merged: neither database can read a page in order across several
 * numbers' ranges of one index (`phone_number_id in (…)`, or no number at all, sorted every
 * conversation of the hub before taking the first 51).
 */
export async function listConversations(
  db: Kysely<DB>,
  filter: ConversationListFilter,
): Promise<Page<ConversationRow>> {
  if (filter.visible !== null && filter.visible.length === 0) return { data: [], next_cursor: null };
  let numbers: readonly string[];
  if (filter.phoneNumberId)
    numbers =
      filter.visible === null || filter.visible.includes(filter.phoneNumberId) ? [filter.phoneNumberId] : [];
  else
    numbers =
      filter.visible ??
      (await db.selectFrom('phone_numbers').select('id').orderBy('id').execute()).map((r) => r.id);
  if (numbers.length === 0) return { data: [], next_cursor: null };
  const ofNumbers = (only: readonly string[]) => {
    let query = db.selectFrom('conversations').selectAll().select(sortKey.as('sort_key'));
    query =
      only.length === 1
        ? query.where('phone_number_id', '=', only[0] as string)
        : query.where('phone_number_id', 'in', [...only]);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.assigneeUserId === null) query = query.where('assignee_user_id', 'is', null);
    else if (filter.assigneeUserId !== undefined)
      query = query.where('assignee_user_id', '=', filter.assigneeUserId);
    if (filter.teamId) query = query.where('team_id', '=', filter.teamId);
    if (filter.labelId) {
      const labelId = filter.labelId;
      query = query.where('conversations.id', 'in', (eb) =>
        eb.selectFrom('conversation_labels').select('conversation_id').where('label_id', '=', labelId),
      );
    }
    if (filter.q?.trim()) {
      const q = filter.q;
      query = query.where('contact_id', 'in', (eb) =>
        eb
          .selectFrom('contacts')
          .select('contacts.id')
          .where((inner) => contactMatches(inner, q)),
      );
    }
    if (filter.cursor) {
      const [at, id] = decodeCursor(filter.cursor, ['number', 'string'] as const);
      query = query.where((eb) =>
        eb.or([eb(sortKey, '<', at), eb.and([eb(sortKey, '=', at), eb('conversations.id', '<', id)])]),
      );
    }
    return query
      .orderBy(sortKey, 'desc')
      .orderBy('conversations.id', 'desc')
      .limit(filter.limit + 1);
  };
  let rows: (ConversationRow & { sort_key: number })[];
  if (numbers.length === 1 || numbers.length > MAX_MERGED_NUMBERS) rows = await ofNumbers(numbers).execute();
  else {
    const [first, ...others] = numbers.map((n, i) => db.selectFrom(ofNumbers([n]).as(`n${i}`)).selectAll());
    let merged = first!;
    for (const other of others) merged = merged.unionAll(other);
    rows = await db
      .selectFrom(merged.as('merged'))
      .selectAll()
      .orderBy('merged.sort_key', 'desc')
      .orderBy('merged.id', 'desc')
      .limit(filter.limit + 1)
      .execute();
  }
  return toPage(
    rows,
    filter.limit,
    ({ sort_key: _, ...row }) => row as ConversationRow,
    (row) => [Number(row.sort_key), row.id],
  );
}

/** One conversation, if it exists and the caller may see its number. */
export async function findConversation(
  db: Kysely<DB>,
  visible: readonly string[] | null,
  id: string,
): Promise<ConversationRow | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (visible !== null && !visible.includes(row.phone_number_id))) return undefined;
  return row;
}
