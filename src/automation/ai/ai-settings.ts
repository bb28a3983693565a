import type { Kysely } from 'kysely';
import type { DB } from '../../database.ts';
import type { MasterKeyring } from '../../platform/crypto/envelope.ts';
import { openSecret, sealSecret } from '../../platform/crypto/secrets.ts';
import { iso } from '../../platform/time.ts';
import type { AiSettingsRow } from './ai.table.ts';

/** A number's AI reply settings; the key is sealed under `ai-key:<number id>` and never returned. */

export const aiKeySubject = (phoneNumberId: string) => `ai-key:${phoneNumberId}`;

export function toApiAiSettings(phoneNumberId: string, row: AiSettingsRow | undefined) {
  return {
    phone_number_id: phoneNumberId,
    enabled: row ? row.enabled === 1 : false,
    base_url: row?.base_url ?? '',
    model: row?.model ?? '',
    has_api_key: !!row?.api_key,
    instructions: row?.instructions ?? '',
    updated_at: row ? iso(row.updated_at) : null,
  };
}

export async function getAiSettings(
  db: Kysely<DB>,
  phoneNumberId: string,
): Promise<AiSettingsRow | undefined> {
  return db
    .selectFrom('ai_settings')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
}

/** Saves settings; `api_key` undefined keeps the stored key, null removes it. */
export async function saveAiSettings(
  db: Kysely<DB>,
  keyring: MasterKeyring,
  input: {
    phoneNumberId: string;
    enabled?: boolean;
    base_url?: string;
    model?: string;
    api_key?: string | null;
    instructions?: string;
    now: number;
  },
): Promise<AiSettingsRow> {
  const found = await getAiSettings(db, input.phoneNumberId);
  let apiKey = found?.api_key ?? null;
  if (input.api_key === null) {
    apiKey = null;
  } else if (typeof input.api_key === 'string') {
    apiKey = await sealSecret(db, keyring, aiKeySubject(input.phoneNumberId), input.api_key);
  }
  const row: AiSettingsRow = {
    phone_number_id: input.phoneNumberId,
    enabled: input.enabled === undefined ? (found?.enabled ?? 0) : input.enabled ? 1 : 0,
    base_url: input.base_url ?? found?.base_url ?? '',
    model: input.model ?? found?.model ?? '',
    api_key: apiKey,
    instructions: input.instructions ?? found?.instructions ?? '',
    updated_at: input.now,
  };
  if (found) {
    await db.updateTable('ai_settings').set(row).where('phone_number_id', '=', input.phoneNumberId).execute();
  } else {
    await db.insertInto('ai_settings').values(row).execute();
  }
  return row;
}

/** The key in clear, for the one request that needs it. */
export async function openAiKey(
  db: Kysely<DB>,
  keyring: MasterKeyring,
  row: AiSettingsRow,
): Promise<string | null> {
  if (!row.api_key) return null;
  return openSecret(db, keyring, aiKeySubject(row.phone_number_id), row.api_key);
}
