import type { Generated } from 'kysely';

/*
 * The core tables of the system of record. Conventions, the same on SQLite and PostgreSQL:
 * - times are integer milliseconds since the epoch (`*_at`), Meta's own times included;
 * - booleans are integers 0/1;
 * - structured data is JSON text (`*_json`);
 * - ids we mint are text (UUIDs); append-only logs use an auto-increment integer id that gives order.
 * Feature-owned tables are declared beside their feature and joined into `DB` at the end of this file.
 */

export type ConnectionState = 'connected' | 'disconnected' | 'offboarded' | 'uninstalled' | 'unknown';
export type HistoryState =
  | 'not_requested'
  | 'requested'
  | 'in_progress'
  | 'complete'
  | 'complete_inferred'
  | 'declined';
export type ConversationStatus = 'open' | 'pending' | 'resolved';
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
export type WebhookEventState = 'pending' | 'processed' | 'failed';

export interface WabaTable {
  id: string;
  name: string | null;
  owner_business_id: string | null;
  state: string;
  last_lifecycle_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PhoneNumberTable {
  id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string | null;
  is_coexistence: number;
  connection_state: ConnectionState;
  disconnection_reason: string | null;
  disconnection_initiated_by: string | null;
  connection_changed_at: number | null;
  /** Meta's `entry[].time` of the last lifecycle event applied; older ones are ignored. */
  last_lifecycle_at: number | null;
  onboarded_at: number | null;
  last_echo_at: number | null;
  history_state: HistoryState;
  history_progress: number;
  history_error_json: string | null;
  history_last_chunk_at: number | null;
  contacts_sync_state: string;
  throughput_mps: number;
  created_at: number;
  updated_at: number;
}

export interface ContactTable {
  id: string;
  phone_number_id: string;
  wa_id: string | null;
  /** Business-scoped user id (2026); stored exactly as received. */
  bsuid: string | null;
  parent_bsuid: string | null;
  username: string | null;
  profile_name: string | null;
  profile_name_at: number | null;
  /** Name from the owner's address book (smb_app_state_sync). */
  address_book_name: string | null;
  address_book_first_name: string | null;
  in_address_book: number;
  address_book_synced_at: number | null;
  marketing_opt_out: number;
  marketing_opt_out_at: number | null;
  attributes_json: Generated<string>;
  created_at: number;
  updated_at: number;
}

export interface ContactNumberChangeTable {
  id: string;
  contact_id: string;
  old_wa_id: string | null;
  new_wa_id: string;
  changed_at: number;
  message_wamid: string | null;
}

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
  created_at: number;
  updated_at: number;
}

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

export interface WebhookEventTable {
  id: Generated<number>;
  received_at: number;
  path: string;
  body: string;
  state: WebhookEventState;
  attempts: Generated<number>;
  processed_at: number | null;
  error: string | null;
  /** The node that claimed the event for processing, and when. */
  claimed_by: string | null;
  claimed_at: number | null;
}

/** One row per webhook item already applied; the unique key makes redelivery a no-op. */
export interface WebhookItemTable {
  dedup_key: string;
  webhook_event_id: number;
  applied_at: number;
}

export interface ProcessingFailureTable {
  id: string;
  webhook_event_id: number;
  item_path: string;
  field: string | null;
  code: string;
  message: string;
  item_json: string | null;
  created_at: number;
  retry_count: Generated<number>;
  resolved_at: number | null;
}

export interface HistoryChunkTable {
  phone_number_id: string;
  phase: number;
  chunk_order: number;
  progress: number;
  message_count: number;
  received_at: number;
}

export interface TemplateTable {
  id: string;
  waba_id: string;
  meta_template_id: string | null;
  name: string;
  language: string;
  category: string | null;
  status: string;
  reason: string | null;
  components_json: string | null;
  parameter_format: string | null;
  status_changed_at: number | null;
  updated_at: number;
}

export interface AccountEventTable {
  id: Generated<number>;
  waba_id: string;
  phone_number_id: string | null;
  event: string;
  data_json: string;
  meta_time: number | null;
  received_at: number;
}

/** The realtime stream's durable log; `id` is the event id clients resume from. */
export interface DomainEventTable {
  id: Generated<number>;
  type: string;
  phone_number_id: string | null;
  payload_json: string;
  created_at: number;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  token_hash: string;
  prefix: string;
  user_id: string | null;
  waba_id: string | null;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface CoreTables {
  wabas: WabaTable;
  phone_numbers: PhoneNumberTable;
  contacts: ContactTable;
  contact_number_changes: ContactNumberChangeTable;
  conversations: ConversationTable;
  messages: MessageTable;
  message_status_events: MessageStatusEventTable;
  pending_applies: PendingApplyTable;
  webhook_events: WebhookEventTable;
  webhook_items: WebhookItemTable;
  processing_failures: ProcessingFailureTable;
  history_chunks: HistoryChunkTable;
  templates: TemplateTable;
  account_events: AccountEventTable;
  domain_events: DomainEventTable;
  api_tokens: ApiTokenTable;
}

/** Every table of the hub. Feature-owned table sets are intersected here as features add them. */
export type DB = CoreTables &
  import('../../auth/auth.table.ts').AccountsTables &
  import('../../outbound/outbound.table.ts').OutboundTables &
  import('../../media/media.table.ts').MediaTables;
