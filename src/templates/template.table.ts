import type { Selectable } from 'kysely';

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
}

export type TemplateRow = Selectable<TemplateTable>;

export interface TemplateTables {
  templates: TemplateTable;
}
