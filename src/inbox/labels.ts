import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { LabelTable } from './inbox.table.ts';

export type ApiLabel = { id: string; name: string; color: string | null; waba_id: string | null };

export function toApiLabel(row: LabelTable): ApiLabel {
  return { id: row.id, name: row.name, color: row.color, waba_id: row.waba_id };
}

/**
 * The labels of each conversation, for lists and threads: `Map<conversation id, labels>`. The read
 * API can call this to embed labels in `GET /api/conversations`.
 */
export async function labelsForConversations(
  db: Kysely<DB>,
  conversationIds: readonly string[],
): Promise<Map<string, ApiLabel[]>> {
  const out = new Map<string, ApiLabel[]>(conversationIds.map((id) => [id, []]));
  if (conversationIds.length === 0) return out;
  const rows = await db
    .selectFrom('conversation_labels')
    .innerJoin('labels', 'labels.id', 'conversation_labels.label_id')
    .select([
      'conversation_labels.conversation_id',
      'labels.id',
      'labels.name',
      'labels.color',
      'labels.waba_id',
      'labels.created_at',
    ])
    .where('conversation_labels.conversation_id', 'in', [...conversationIds])
    .orderBy('labels.name')
    .execute();
  for (const r of rows) out.get(r.conversation_id)?.push(toApiLabel(r));
  return out;
}
