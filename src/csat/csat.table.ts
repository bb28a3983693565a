import type { Selectable } from 'kysely';

/** One satisfaction survey sent after a resolution, and its answer. */
export interface CsatSurveyTable {
  id: string;
  conversation_id: string;
  phone_number_id: string;
  /** The cycle of the conversation it rates (`analytics_conversations.cycle`). */
  cycle: number;
  /** The survey message (`messages.id`). */
  message_id: string;
  /** `interactive` (a list of 1-5 inside the window) or `template`. */
  channel: 'interactive' | 'template';
  /** Who the rating is attributed to: the assignee and team at resolution. */
  assignee_user_id: string | null;
  team_id: string | null;
  /** The domain event (`conversation.resolved`) it answers: one survey per resolution. */
  resolved_event_id: number;
  sent_at: number;
  rating: number | null;
  comment: string | null;
  rated_at: number | null;
  /** The customer message that carried the rating. */
  rating_message_id: string | null;
}

export type CsatSurveyRow = Selectable<CsatSurveyTable>;

export interface CsatTables {
  csat_surveys: CsatSurveyTable;
}
