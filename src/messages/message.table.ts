import type { Generated, Selectable } from 'kysely';

export type MessageDirection = 'inbound' | 'outbound';
/** Who authored a message: the customer, the owner on the phone, imported history, or a hub path. */
export type MessageOrigin = 'customer' | 'business_app' | 'history' | 'api' | 'agent' | 'bot' | 'campaign';
export type MessageStatus =
  | 'received'
  | 'queued'
  | 'sending'
  | 'unknown'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'played'
  | 'failed';

export interface MessageTable {
  id: string;
  phone_number_id: string;
  conversation_id: string;
  contact_id: string;
  wamid: string | null;
  direction: MessageDirection;
  origin: MessageOrigin;
  /** The user who wrote it from the hub (agent), if any. */
  author_user_id: string | null;
  type: string;
  /** The content as first received or sent; never overwritten. */
  content_json: string;
  /** The latest edit's content, if the message was edited. */
  edited_content_json: string | null;
  edited_at: number | null;
  deleted_at: number | null;
  context_wamid: string | null;
  context_json: string | null;
  referral_json: string | null;
  errors_json: string | null;
  /** Meta's timestamp of the message (device time for history). */
  timestamp: number;
  /** Strictly increasing in the order the hub stored messages: breaks ties of `timestamp` (migration 010). */
  seq: Generated<number>;
  received_at: number;
  status: MessageStatus;
  status_at: number | null;
  /** The status' own timestamp, used for ordering moves. */
  status_rank: Generated<number>;
  error_json: string | null;
  pricing_json: string | null;
  /** Free-form reactions: JSON object keyed by side (`customer`, `business`) → { emoji, wamid, at }. */
  reactions_json: Generated<string>;
  history_status: string | null;
  biz_opaque_callback_data: string | null;
  webhook_event_id: number | null;
}

export interface MessageStatusEventTable {
  id: Generated<number>;
  phone_number_id: string;
  wamid: string;
  status: string;
  timestamp: number;
  recipient_id: string | null;
  errors_json: string | null;
  pricing_json: string | null;
  conversation_json: string | null;
  biz_opaque_callback_data: string | null;
  raw_json: string;
  webhook_event_id: number | null;
  applied: Generated<number>;
  received_at: number;
}

/** Changes that refer to a message not stored yet (edit, revoke, reaction, media); applied when it appears. */
export interface PendingApplyTable {
  id: Generated<number>;
  phone_number_id: string;
  target_wamid: string;
  kind: string;
  payload_json: string;
  created_at: number;
}

/** One row per history chunk applied: where the import of a number stands, and what arrived. */
export interface HistoryChunkTable {
  phone_number_id: string;
  phase: number;
  chunk_order: number;
  progress: number;
  message_count: number;
  received_at: number;
}

export type MessageRow = Selectable<MessageTable>;

/** The tables of messages, their status events, changes waiting for their message, and history chunks. */
export interface MessageTables {
  messages: MessageTable;
  message_status_events: MessageStatusEventTable;
  pending_applies: PendingApplyTable;
  history_chunks: HistoryChunkTable;
}
