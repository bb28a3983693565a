import type { WebhookUpdate } from '../webhooks/envelope.ts';
/** The sandbox world: plain data, so that a snapshot is `JSON.stringify(state)`. */

export interface NumberState {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  coexistence: boolean;
  throughputMps: number;
  /** Connected to Cloud API (false after offboarding or a disconnection). */
  connected: boolean;
  onboardedAt: number;
  /** Last time the owner opened the WhatsApp Business app on the phone (14-day rule). */
  lastAppOpenAt: number;
  contactsSyncRequestedAt: number | null;
  historySyncRequestedAt: number | null;
  /** What the owner answers when the history sync is requested. */
  historySharing: 'accept' | 'decline';
  disconnectReason: string | null;
  /** `quality_rating` of `GET /{phone-number-id}` (GREEN unless the control API set another). */
  qualityRating?: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  webhookOverride: { url: string; verifyToken: string } | null;
  /** Business profile fields set through `POST /{id}/whatsapp_business_profile`. */
  profile?: Record<string, unknown>;
  /** Two-step verification PIN (set by `POST /{id}` `{ pin }` or the first register). */
  pin?: string | null;
  /** false after `deregister`: sends fail with 133010 until `register`. */
  registered?: boolean;
  /** The code `request_code` sent, until `verify_code` uses it. */
  pendingCode?: string | null;
  codeVerified?: boolean;
  /** Times of register/deregister calls (Meta allows 10 in 72 hours). */
  registrationCalls?: number[];
  /** `/{id}/settings` (calling, storage configuration). */
  settings?: Record<string, unknown>;
}

export interface CustomerState {
  waId: string;
  name: string;
  bsuid: string | null;
  /** Parent BSUID shared across portfolios (`US.ENT.…`), sent as `parent_user_id`. */
  parentBsuid?: string | null;
  /** A WhatsApp username (`profile.username` in webhooks). */
  username?: string | null;
  /** Known only by BSUID: the phone number is withheld from webhooks (a username user Meta has no recent pair for). */
  phoneHidden?: boolean;
  onWhatsApp: boolean;
  autoRead: boolean;
  marketingStopped: boolean;
}

export type Direction = 'in' | 'out';
/** Who authored a message: the customer, the hub through the API, the owner on the phone, or history. */
export type Source = 'customer' | 'api' | 'phone' | 'history';

export interface ChatMessage {
  id: string;
  phoneNumberId: string;
  waId: string;
  direction: Direction;
  source: Source;
  type: string;
  /** The type's content object as it appears on the wire. */
  content: unknown;
  context: Record<string, unknown> | null;
  timestamp: number;
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'received';
  errorCode: number | null;
  /** `error_data.details` of the failure, when it is not the code's default (media fetch errors …). */
  errorDetails?: string | null;
  pricing: Record<string, unknown> | null;
  /** The v24+ status that carries `pricing` has gone out. */
  pricingSent?: boolean;
  templateCategory: string | null;
  editedAt: number | null;
  revokedAt: number | null;
  /** Set on messages sent through the API: what their status webhooks need. */
  outbound: OutboundMeta | null;
}

export interface OutboundMeta {
  version: string;
  bizOpaque: string | null;
  conversationId: string;
  fepId: string | null;
}

export interface WindowState {
  /** Last live inbound user message (opens the 24-hour customer-service window). */
  lastInboundAt: number | null;
  /** Last inbound message with a Click-to-WhatsApp referral. */
  referralAt: number | null;
  /** End of the 72-hour free-entry-point window, once the business replied in time. */
  fepUntil: number | null;
  fepId: string | null;
}

export interface TemplateState {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  status: string;
  parameterFormat: 'named' | 'positional';
  components: Record<string, unknown>[];
  createdAt: number;
  rejectedReason: string;
  /** Times of edits (`POST /{template-id}`), for Meta's edit limits. */
  edits?: number[];
}

/** A Resumable Upload API session (`upload:…`): the sample of a template's media header. */
export interface UploadSessionState {
  key: string;
  sig: string;
  fileName: string;
  fileLength: number;
  fileType: string;
  /** Bytes received so far (the `file_offset` to resume from). */
  offset: number;
  sha256: string | null;
  /** The handle (`h`) once the whole file arrived; it goes into `example.header_handle`. */
  handle: string | null;
  createdAt: number;
}

export interface MediaState {
  id: string;
  phoneNumberId: string | null;
  mimeType: string;
  sha256: string;
  fileSize: number;
  filename: string | null;
  createdAt: number;
  deleted: boolean;
}

export interface PhoneContact {
  phoneNumber: string;
  fullName: string;
  firstName: string;
  updatedAt: number;
}

export interface WorldState {
  version: 1;
  randomState: number;
  numbers: Record<string, NumberState>;
  customers: Record<string, CustomerState>;
  /** Chat messages by wamid. */
  messages: Record<string, ChatMessage>;
  /** `${phoneNumberId}:${waId}` → window state. */
  windows: Record<string, WindowState>;
  templates: Record<string, TemplateState>;
  media: Record<string, MediaState>;
  /** Resumable Upload API sessions by key (absent in snapshots written before uploads existed). */
  uploadSessions?: Record<string, UploadSessionState>;
  /** phoneNumberId → phone-book contacts keyed by phone number. */
  phoneContacts: Record<string, Record<string, PhoneContact>>;
  subscribedApps: Record<string, boolean>;
  callbackUrl: string | null;
  callbackVerified: boolean;
  /** Sandbox time when the snapshot was written (a manual clock resumes from there). */
  savedAt: number;
  /** Webhook updates not yet acknowledged by the receiver when the snapshot was written. */
  pendingWebhooks?: WebhookUpdate[];
}
