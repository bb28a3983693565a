import type { Selectable } from 'kysely';

/** A number's AI reply settings: any OpenAI-compatible chat-completions endpoint. Off by default. */
export interface AiSettingsTable {
  phone_number_id: string;
  enabled: number;
  /** E.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  base_url: string;
  model: string;
  /** The API key, sealed with envelope encryption (subject `ai-key:<number id>`); null = none. */
  api_key: string | null;
  /** The system prompt placed before the FAQ context. */
  instructions: string;
  updated_at: number;
}

export type AiSettingsRow = Selectable<AiSettingsTable>;

export interface AiTables {
  ai_settings: AiSettingsTable;
}
