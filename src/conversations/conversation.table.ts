import type { Generated, Selectable } from 'kysely';

export type ConversationStatus = 'open' | 'pending' | 'resolved';

export interface ConversationTable {
  id: string;
  phone_number_id: string;
  contact_id: string;
  status: ConversationStatus;
  /** End of the customer-service window: last live customer message + 24 h. Never moved by echoes or history. */
  window_expires_at: number | null;
  last_customer_message_at: number | null;
  /** End of a free-entry-point (click-to-WhatsApp) window, if one is open. */
  fep_expires_at: number | null;
  last_message_at: number | null;
  last_message_preview: string | null;
  unread_count: Generated<number>;
  assignee_user_id: string | null;
  team_id: string | null;
  /** While snoozed (status `pending`): when it comes back on its own (`inbox/snooze.ts`). */
  snoozed_until: number | null;
  /** Who snoozed it: a user id, or `automation:…` for a rule. */
  snoozed_by: string | null;
  created_at: number;
  updated_at: number;
}

export type ConversationRow = Selectable<ConversationTable>;

export interface ConversationTables {
  conversations: ConversationTable;
}
