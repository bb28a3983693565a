import type { Insertable } from 'kysely';
import { newId } from '../platform/ids.ts';
import type { MessageTable } from './message.table.ts';
import { STATUS_RANK } from './message-status.ts';

type NewMessage = Insertable<MessageTable>;

/** The columns every new message must state: where it belongs, who wrote it, what it is, and when. */
export type NewMessageRequired = Pick<
  NewMessage,
  | 'phone_number_id'
  | 'conversation_id'
  | 'contact_id'
  | 'direction'
  | 'origin'
  | 'type'
  | 'content_json'
  | 'timestamp'
  | 'received_at'
  | 'status'
>;

/** What a new message may state besides the required columns; everything else starts empty. */
export type NewMessageInput = NewMessageRequired & Partial<Omit<NewMessage, keyof NewMessageRequired>>;

/**
 * The one literal of a new `messages` row: the required columns, then the overrides; every other
 * column starts empty (null), `id` is minted, `status_at` is the message's own `timestamp`, and
 * `status_rank` is the rank of its `status` (see {@link STATUS_RANK}).
 */
export function newMessageRow(input: NewMessageInput): NewMessage {
  return {
    id: newId(),
    wamid: null,
    author_user_id: null,
    edited_content_json: null,
    edited_at: null,
    deleted_at: null,
    context_wamid: null,
    context_json: null,
    referral_json: null,
    errors_json: null,
    status_at: input.timestamp,
    status_rank: STATUS_RANK[input.status],
    error_json: null,
    pricing_json: null,
    history_status: null,
    biz_opaque_callback_data: null,
    webhook_event_id: null,
    ...input,
  };
}
