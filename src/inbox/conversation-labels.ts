import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { conversationFor } from './conversation-access.ts';
import { assertLabelsUsable, conversationView } from './conversation-actions.ts';

async function labelIdsOf(trx: Kysely<DB>, conversationId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('conversation_labels')
    .select('label_id')
    .where('conversation_id', '=', conversationId)
    .orderBy('label_id')
    .execute();
  return rows.map((r) => r.label_id);
}

/**
 * Puts a label on a conversation (a no-op when it is already there) and records
 * `conversation.labels_changed` with the new set. Returns the conversation as the API shows it.
 */
export async function labelConversation(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string; labelId: string },
) {
  const { principal } = input;
  const { row, wabaId } = await conversationFor(deps.database.db, principal, input.conversationId);
  await assertLabelsUsable(deps.database.db, [input.labelId], wabaId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    const added = await trx
      .insertInto('conversation_labels')
      .values({ conversation_id: row.id, label_id: input.labelId, created_at: now })
      .onConflict((oc) => oc.columns(['conversation_id', 'label_id']).doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0n) === 0) return;
    const labels = await labelIdsOf(trx, row.id);
    await recordEvent(
      trx,
      {
        type: 'conversation.labels_changed',
        phoneNumberId: row.phone_number_id,
        payload: { conversation_id: row.id, labels, actor: actorOf(principal) },
      },
      now,
    );
  });
  return conversationView(deps, principal, row.id);
}

/**
 * Takes a label off a conversation and records `conversation.labels_changed` with the new set.
 * NOT_FOUND when the conversation does not carry it.
 */
export async function unlabelConversation(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string; labelId: string },
) {
  const { principal } = input;
  const { row } = await conversationFor(deps.database.db, principal, input.conversationId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    const result = await trx
      .deleteFrom('conversation_labels')
      .where('conversation_id', '=', row.id)
      .where('label_id', '=', input.labelId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw new AppError('NOT_FOUND', 'The conversation does not carry this label.');
    }
    const labels = await labelIdsOf(trx, row.id);
    await recordEvent(
      trx,
      {
        type: 'conversation.labels_changed',
        phoneNumberId: row.phone_number_id,
        payload: { conversation_id: row.id, labels, actor: actorOf(principal) },
      },
      now,
    );
  });
  return conversationView(deps, principal, row.id);
}
