import type { Selectable } from 'kysely';

export interface LabelTable {
  id: string;
  name: string;
  color: string | null;
  /** `null` = a label every business account can use. */
  waba_id: string | null;
  created_at: number;
}

export interface ConversationLabelTable {
  conversation_id: string;
  label_id: string;
  created_at: number;
}

/** Internal notes: never a message, never sent through the outbound engine. */
export interface ConversationNoteTable {
  id: string;
  conversation_id: string;
  author_user_id: string | null;
  body: string;
  created_at: number;
}

export interface CannedReplyTable {
  id: string;
  shortcut: string;
  text: string;
  /** `null` = global (every team). */
  team_id: string | null;
  /** `null` = every business account. */
  waba_id: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A colleague `@mentioned` in an internal note; `read_at` is when they saw it. */
export interface NoteMentionTable {
  id: string;
  note_id: string;
  conversation_id: string;
  user_id: string;
  author_user_id: string | null;
  created_at: number;
  read_at: number | null;
}

/** A user's browser notification settings (on by default; the browser still asks its permission). */
export interface InboxPreferenceTable {
  user_id: string;
  notifications: number;
  sound: number;
  updated_at: number;
}

export type NoteMentionRow = Selectable<NoteMentionTable>;

export interface InboxTables {
  labels: LabelTable;
  conversation_labels: ConversationLabelTable;
  conversation_notes: ConversationNoteTable;
  canned_replies: CannedReplyTable;
  note_mentions: NoteMentionTable;
  inbox_preferences: InboxPreferenceTable;
}
