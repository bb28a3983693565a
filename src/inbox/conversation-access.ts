import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { ConversationTable } from '../conversations/conversation.table.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';

export type ConversationWithWaba = { row: Selectable<ConversationTable>; wabaId: string };

/** A conversation and its business account, if the principal may see it; otherwise NOT_FOUND. */
export async function conversationFor(
  db: Kysely<DB>,
  principal: Principal,
  id: string,
): Promise<ConversationWithWaba> {
  const found = await db
    .selectFrom('conversations')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'conversations.phone_number_id')
    .selectAll('conversations')
    .select('phone_numbers.waba_id as waba_id')
    .where('conversations.id', '=', id)
    .executeTakeFirst();
  if (!found || (principal.wabaIds !== null && !principal.wabaIds.includes(found.waba_id))) {
    throw new AppError('NOT_FOUND', 'No such conversation.');
  }
  const { waba_id, ...row } = found;
  return { row, wabaId: waba_id };
}
