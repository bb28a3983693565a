import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { decodeCursor, type Page, toPage } from '../platform/http/pagination.ts';
import { type ApiMessage, toApiMessage } from './message.mapper.ts';
import type { MessageRow } from './message.table.ts';

/**
 * The one order of messages, newest first: Meta's timestamp (whole seconds), then `seq`, the order
 * the hub stored them in. It is total, so the message list and the conversation preview
 * (`refreshConversationSummary`) agree on which message is the newest even within one millisecond.
 */
export const NEWEST_FIRST = [
  ['timestamp', 'desc'],
  ['seq', 'desc'],
] as const;

/**
 * A conversation's messages in {@link NEWEST_FIRST} order; `next_cursor` pages to older ones, and
 * pages never overlap or skip even when many messages share a second.
 */
export async function listConversationMessages(
  db: Kysely<DB>,
  input: { conversationId: string; cursor?: string | undefined; limit: number },
): Promise<Page<MessageRow>> {
  let query = db.selectFrom('messages').selectAll().where('conversation_id', '=', input.conversationId);
  if (input.cursor) {
    const [timestamp, seq] = decodeCursor(input.cursor, ['number', 'number'] as const);
    query = query.where((eb) =>
      eb.or([
        eb('timestamp', '<', timestamp),
        eb.and([eb('timestamp', '=', timestamp), eb('seq', '<', seq)]),
      ]),
    );
  }
  for (const [column, direction] of NEWEST_FIRST) query = query.orderBy(column, direction);
  const rows = await query.limit(input.limit + 1).execute();
  return toPage(
    rows,
    input.limit,
    (row) => row,
    (row) => [row.timestamp, row.seq],
  );
}

/**
 * Maps messages to their API shape, resolving the hub ids of quoted messages (by wamid on the same
 * number) and the names of the agents who wrote them, with one query each.
 */
export async function toApiMessages(db: Kysely<DB>, rows: readonly MessageRow[]): Promise<ApiMessage[]> {
  const quoted = new Map<string, string>();
  const byNumber = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.context_wamid === null) continue;
    const set = byNumber.get(row.phone_number_id) ?? new Set<string>();
    set.add(row.context_wamid);
    byNumber.set(row.phone_number_id, set);
  }
  for (const [phoneNumberId, wamids] of byNumber) {
    const found = await db
      .selectFrom('messages')
      .select(['id', 'wamid'])
      .where('phone_number_id', '=', phoneNumberId)
      .where('wamid', 'in', [...wamids])
      .execute();
    for (const f of found) if (f.wamid) quoted.set(`${phoneNumberId}\u0000${f.wamid}`, f.id);
  }
  const authorIds = [...new Set(rows.map((r) => r.author_user_id).filter((id): id is string => id !== null))];
  const authors = new Map<string, { id: string; name: string | null }>();
  if (authorIds.length > 0) {
    const users = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', authorIds).execute();
    for (const u of users) authors.set(u.id, { id: u.id, name: u.name });
  }
  return rows.map((row) =>
    toApiMessage(row, row.author_user_id === null ? null : authors.get(row.author_user_id), {
      quotedMessageId:
        row.context_wamid === null
          ? null
          : (quoted.get(`${row.phone_number_id}\u0000${row.context_wamid}`) ?? null),
    }),
  );
}
