import type { Selectable } from 'kysely';

/** A question and answer of the knowledge base that flows answer from. */
export interface KbEntryTable {
  id: string;
  /** The number it answers for; null = every number. */
  phone_number_id: string | null;
  question: string;
  answer: string;
  /** Extra words that should find it, space-separated. */
  keywords: string;
  /** `es`, `pt`, `en`… or null for any. */
  language: string | null;
  created_at: number;
  updated_at: number;
}

export type KbEntryRow = Selectable<KbEntryTable>;

export interface KnowledgeTables {
  kb_entries: KbEntryTable;
}
