import type { ColumnType, Generated, Selectable } from 'kysely';

/** A message template of a business account, as last synced from Meta or reported by a webhook. */
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
  /** Meta's quality rating (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`) from `message_template_quality_update` (migration 018). */
  quality_score: ColumnType<string | null, string | null | undefined, string | null>;
  /** The user or token that created it in the hub (null when it came from Meta). */
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export type TemplateRow = Selectable<TemplateTable>;

/** Every change of a template: who (or Meta), when, what (migration 018). Append-only. */
export interface TemplateHistoryTable {
  id: Generated<number>;
  template_id: string;
  waba_id: string;
  name: string;
  language: string;
  /** `created`, `edited`, `deleted`, `status`, `quality`, `category`. */
  action: string;
  actor_kind: 'user' | 'token' | 'system';
  actor_id: string | null;
  details_json: string;
  at: number;
}

export type TemplateHistoryRow = Selectable<TemplateHistoryTable>;

export interface TemplateTables {
  templates: TemplateTable;
  template_history: TemplateHistoryTable;
}
