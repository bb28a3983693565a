import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { newId } from '../platform/ids.ts';
import type { ConversationRow, ConversationStatus } from './conversation.table.ts';

const CHUNK = 500;

/**
 * `findOrCreateConversation` for many contacts at once: one lookup, one multi-row insert of the
 * missing conversations (insert-or-ignore, then one more lookup for any a concurrent transaction
 * created). Appends `conversation.opened` to `events` for each one created. Returns the
 * conversation of each contact, by contact id.
 */
export async function resolveConversations(
  trx: Kysely<DB>,
  input: {
    readonly contacts: readonly { readonly phoneNumberId: string; readonly contactId: string }[];
    readonly at: number;
    readonly events: DomainEvent[];
    /** The status a conversation is created with (default `open`); the history import decides per thread. */
    readonly status?: (contactId: string) => ConversationStatus;
  },
): Promise<Map<string, ConversationRow>> {
  const wanted = new Map(input.contacts.map((c) => [c.contactId, c.phoneNumberId]));
  const found = new Map<string, ConversationRow>();
  // By number and contact, the unique index's columns in its order (by contact alone, it was a scan
  // of every conversation: 100,000 of them made each batch's lookup most of its time).
  const lookup = async (ids: string[]) => {
    const byNumber = new Map<string, string[]>();
    for (const id of ids) {
      const number = wanted.get(id) as string;
      const list = byNumber.get(number);
      if (list) list.push(id);
      else byNumber.set(number, [id]);
    }
    for (const [phoneNumberId, contactIds] of byNumber) {
      for (let i = 0; i < contactIds.length; i += CHUNK) {
        const rows = await trx
          .selectFrom('conversations')
          .selectAll()
          .where('phone_number_id', '=', phoneNumberId)
          .where('contact_id', 'in', contactIds.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) found.set(r.contact_id, r);
      }
    }
  };
  await lookup([...wanted.keys()]);
  const missing = [...wanted].filter(([contactId]) => !found.has(contactId));
  for (let i = 0; i < missing.length; i += CHUNK) {
    const rows = missing.slice(i, i + CHUNK).map(([contactId, phoneNumberId]) => ({
      id: newId(),
      phone_number_id: phoneNumberId,
      contact_id: contactId,
      status: input.status?.(contactId) ?? ('open' as const),
      window_expires_at: null,
      last_customer_message_at: null,
      fep_expires_at: null,
      last_message_at: null,
      last_message_preview: null,
      assignee_user_id: null,
      team_id: null,
      created_at: input.at,
      updated_at: input.at,
    }));
    const inserted = await trx
      .insertInto('conversations')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .execute();
    for (const r of inserted) {
      found.set(r.contact_id, r);
      input.events.push({
        type: 'conversation.opened',
        phoneNumberId: r.phone_number_id,
        payload: { conversation_id: r.id, contact_id: r.contact_id },
      });
    }
  }
  const raced = missing.map(([contactId]) => contactId).filter((id) => !found.has(id));
  if (raced.length > 0) await lookup(raced);
  for (const contactId of wanted.keys()) {
    if (!found.has(contactId)) throw new Error('conversation vanished after a conflicting insert');
  }
  return found;
}
