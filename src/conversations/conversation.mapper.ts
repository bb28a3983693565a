import { type ApiContact, toApiContact } from '../contacts/contact.mapper.ts';
import type { ContactRow } from '../contacts/contact.table.ts';
import { isoOrNull } from '../platform/time.ts';
import type { ConversationRow, ConversationStatus } from './conversation.table.ts';
import { isFepOpen, isWindowOpen } from './window.ts';

/** A conversation as the REST API returns it, with its contact embedded. */
export type ApiConversation = {
  id: string;
  phone_number_id: string;
  contact_id: string;
  contact: ApiContact | null;
  status: ConversationStatus;
  /** The customer-service window: open while `now < expires_at`. */
  window: { expires_at: string | null; open: boolean };
  /** End of a free-entry-point window (click-to-WhatsApp), if one is open or was. */
  fep_expires_at: string | null;
  fep_open: boolean;
  last_customer_message_at: string | null;
  last_message_at: string | null;
  last_message_preview: string | null;
  unread_count: number;
  assignee_user_id: string | null;
  team_id: string | null;
  /** While snoozed: when it comes back on its own; `snoozed_by` says who snoozed it. */
  snoozed_until: string | null;
  snoozed_by: string | null;
  created_at: string;
  updated_at: string;
};

/** Maps a stored conversation to its API shape; `now` decides whether the windows are open. */
export function toApiConversation(
  row: ConversationRow,
  contact: ContactRow | null,
  now: number,
): ApiConversation {
  return {
    id: row.id,
    phone_number_id: row.phone_number_id,
    contact_id: row.contact_id,
    contact: contact ? toApiContact(contact) : null,
    status: row.status,
    window: {
      expires_at: isoOrNull(row.window_expires_at),
      open: isWindowOpen(row, now),
    },
    fep_expires_at: isoOrNull(row.fep_expires_at),
    fep_open: isFepOpen(row, now),
    last_customer_message_at: isoOrNull(row.last_customer_message_at),
    last_message_at: isoOrNull(row.last_message_at),
    last_message_preview: row.last_message_preview,
    unread_count: Number(row.unread_count),
    assignee_user_id: row.assignee_user_id,
    team_id: row.team_id,
    snoozed_until: isoOrNull(row.snoozed_until === null ? null : Number(row.snoozed_until)),
    snoozed_by: row.snoozed_by,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
