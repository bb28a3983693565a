import type { Selectable } from 'kysely';

/** `draft` → `scheduled` → `running` ⇄ `paused` → `completed`; `cancelled` from any but `completed`. */
export type CampaignState = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

/** A campaign: one template to one audience from one number, now or at a time (migration 018). */
export interface CampaignTable {
  id: string;
  name: string;
  phone_number_id: string;
  waba_id: string;
  template_name: string;
  template_language: string;
  /** `{ header?: [Mapping], body: [Mapping] | { name: Mapping }, buttons?: { [index]: Mapping } }`. */
  parameters_json: string;
  /** `{ segment_id }`, `{ filter }` or `{ contact_ids }`. */
  audience_json: string;
  state: CampaignState;
  scheduled_at: number | null;
  /** The business's IANA time zone the schedule was given in. */
  time_zone: string | null;
  /** The cost estimate made before sending (see `campaign-cost.ts`). */
  estimate_json: string | null;
  total_recipients: number;
  /** Fencing counter of the fan-out job: a run whose step is stale does nothing. */
  fanout_step: number;
  /** The next recipient ordinal the fan-out will queue. */
  next_ordinal: number;
  started_at: number | null;
  finished_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** `pending` (not queued yet), `queued` (a message exists), `refused` (the send policy said no), `cancelled`. */
export type CampaignRecipientState = 'pending' | 'queued' | 'refused' | 'cancelled';

/** One recipient of a campaign, snapshotted from the audience when the campaign starts. */
export interface CampaignRecipientTable {
  campaign_id: string;
  ordinal: number;
  contact_id: string;
  state: CampaignRecipientState;
  message_id: string | null;
  /** The send policy's stable code when it refused (CONTACT_OPTED_OUT, …) and its message. */
  refusal_code: string | null;
  refusal_message: string | null;
  queued_at: number | null;
  replied_at: number | null;
  reply_message_id: string | null;
  /** The quick-reply payload the customer tapped, if any. */
  button_payload: string | null;
  updated_at: number;
}

export type CampaignRow = Selectable<CampaignTable>;
export type CampaignRecipientRow = Selectable<CampaignRecipientTable>;

export interface CampaignTables {
  campaigns: CampaignTable;
  campaign_recipients: CampaignRecipientTable;
}
