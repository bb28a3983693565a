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

export interface InboxTables {
  labels: LabelTable;
  conversation_labels: ConversationLabelTable;
  conversation_notes: ConversationNoteTable;
  canned_replies: CannedReplyTable;
}
