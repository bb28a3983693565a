/*
 * The hub's REST API as the web app sees it: snake_case fields, string ids, ISO-8601 times.
 * Fields a route may not send yet are optional; the view code copes with their absence.
 */

export type Page<T> = { data: T[]; next_cursor: string | null };

export type Role = 'owner' | 'admin' | 'supervisor' | 'agent' | 'auditor';

export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  mfa_enabled?: boolean;
  team_ids?: string[];
  disabled?: boolean;
  presence?: Presence;
  waba_ids?: string[] | null;
  last_login_at?: string | null;
  created_at?: string;
};

export type Presence = 'online' | 'away' | 'offline';

export type Me = User;

export type Team = { id: string; name: string; waba_id: string | null; member_ids: string[] };

export type PhoneNumber = {
  id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string | null;
  is_coexistence: boolean;
  connection: {
    state: string;
    reason: string | null;
    initiated_by: string | null;
    changed_at: string | null;
  };
  onboarded_at: string | null;
  history: { state: string; progress: number; error: unknown; last_chunk_at: string | null };
  contacts_sync_state: string;
  /** Last echo: the latest proof that the owner used the Business app. */
  last_echo_at: string | null;
  days_left_before_14_day_rule: number | null;
  throughput_mps: number;
};

export type Contact = {
  id: string;
  phone_number_id: string;
  display_name: string | null;
  wa_id: string | null;
  bsuid: string | null;
  parent_bsuid?: string | null;
  username: string | null;
  profile_name: string | null;
  address_book_name: string | null;
  in_address_book?: boolean;
  marketing_opt_out: boolean;
  marketing_opt_out_at: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  number_changes?: { old_wa_id: string | null; new_wa_id: string; changed_at: string }[];
};

export type ConversationStatus = 'open' | 'pending' | 'resolved';

export type Conversation = {
  id: string;
  phone_number_id: string;
  contact_id: string;
  contact: Contact | null;
  status: ConversationStatus;
  /** The customer-service window: open while now < expires_at. */
  window: { expires_at: string | null; open: boolean };
  fep_expires_at?: string | null;
  fep_open?: boolean;
  last_customer_message_at?: string | null;
  last_message_at: string | null;
  last_message_preview: string | null;
  unread_count: number;
  assignee_user_id: string | null;
  team_id: string | null;
  labels?: Label[];
  created_at: string;
  updated_at: string;
};

export type Label = { id: string; name: string; color: string | null; waba_id: string | null };

/** An entry of the `GET /api/agents` directory every role may read. */
export type Agent = { id: string; name: string; role: Role; presence: Presence; team_ids: string[] };

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

export type MessageError = { code: number | string | null; title: string | null; message: string | null };

export type Reaction = {
  from: 'customer' | 'business';
  emoji: string;
  wamid: string | null;
  at: string | null;
};

export type Message = {
  id: string;
  wamid: string | null;
  conversation_id: string;
  contact_id: string;
  phone_number_id: string;
  direction: 'inbound' | 'outbound';
  origin: MessageOrigin;
  author: { id: string; name: string | null } | null;
  type: string;
  /** What to display: the latest edit's content if the message was edited. */
  content: unknown;
  original_content?: unknown;
  edited_at: string | null;
  deleted_at: string | null;
  /** A quoted reply: the quoted wamid and, when stored, its hub id. */
  context: { wamid: string; message_id: string | null; forwarded: boolean } | null;
  reactions: Reaction[];
  referral?: unknown;
  timestamp: string;
  status: MessageStatus;
  status_at: string | null;
  error: MessageError | null;
  history_status?: string | null;
  /** Where the hub serves the message's received media (kept by the hub), or null. */
  media_url?: string | null;
};

export type Note = {
  id: string;
  conversation_id: string;
  author: { id: string; name: string | null } | null;
  body: string;
  created_at: string;
};

export type CannedReply = {
  id: string;
  shortcut: string;
  text: string;
  team_id: string | null;
  waba_id: string | null;
};

export type TemplateComponent = {
  type: string;
  format?: string;
  text?: string;
  example?: unknown;
  buttons?: { type: string; text: string; url?: string }[];
};

export type Template = {
  id: string;
  waba_id?: string;
  name: string;
  language: string;
  category: string | null;
  status: string;
  parameter_format?: string | null;
  components: TemplateComponent[];
};

export type ApiToken = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  waba_id: string | null;
  user_id?: string | null;
  created_at: string;
  last_used_at?: string | null;
  revoked_at?: string | null;
};

export type StatusCounts = { open: number; pending: number; resolved: number };

export type SupervisorOverview = {
  generated_at: string;
  by_status: StatusCounts;
  by_assignee: ({ assignee_user_id: string | null } & StatusCounts)[];
  agents: {
    id: string;
    name: string;
    role: Role;
    team_ids: string[];
    presence: Presence;
    load: number;
    pending: number;
  }[];
};
