import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { parseJsonOr } from '../platform/json.ts';
import type { ConsentPolicy } from './consent.table.ts';
import { defaultKeywordLists, type KeywordLists } from './consent-keywords.ts';
import { DEFAULT_CONSENT_POLICY } from './consent-policy.ts';

/** A number's consent settings with the defaults filled in (`custom_*` say what was changed). */
export type ConsentSettings = {
  readonly phoneNumberId: string;
  readonly policy: ConsentPolicy;
  readonly keywords: KeywordLists;
  readonly customKeywords: boolean;
  /** null = the default confirmation in the keyword's language; '' = no confirmation. */
  readonly optOutReply: string | null;
  readonly optInReply: string | null;
  readonly pageWording: string;
  readonly updatedAt: number | null;
};

export const DEFAULT_PAGE_WORDING =
  'I agree to receive marketing messages (offers, news) from {business} on WhatsApp. I can reply STOP at any time to stop them.';

const list = (json: string | null): string[] | null => {
  const v = parseJsonOr<unknown>(json, null);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
};

export async function consentSettingsOf(db: Kysely<DB>, phoneNumberId: string): Promise<ConsentSettings> {
  const row = await db
    .selectFrom('consent_settings')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  const defaults = defaultKeywordLists();
  const optOut = list(row?.opt_out_keywords_json ?? null);
  const optIn = list(row?.opt_in_keywords_json ?? null);
  return {
    phoneNumberId,
    policy: row?.policy ?? DEFAULT_CONSENT_POLICY,
    keywords: { optOut: optOut ?? defaults.optOut, optIn: optIn ?? defaults.optIn },
    customKeywords: optOut !== null || optIn !== null,
    optOutReply: row?.opt_out_reply ?? null,
    optInReply: row?.opt_in_reply ?? null,
    pageWording: row?.page_wording ?? DEFAULT_PAGE_WORDING,
    updatedAt: row ? Number(row.updated_at) : null,
  };
}

export type ConsentSettingsPatch = {
  readonly policy?: ConsentPolicy;
  /** null = back to the defaults. */
  readonly optOutKeywords?: readonly string[] | null;
  readonly optInKeywords?: readonly string[] | null;
  readonly optOutReply?: string | null;
  readonly optInReply?: string | null;
  readonly pageWording?: string | null;
};

/** Writes the changed fields (a row is created on first change). */
export async function writeConsentSettings(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; patch: ConsentSettingsPatch; by: string | null; now: number },
): Promise<void> {
  const { patch } = input;
  const current = await trx
    .selectFrom('consent_settings')
    .selectAll()
    .where('phone_number_id', '=', input.phoneNumberId)
    .executeTakeFirst();
  const json = (v: readonly string[] | null | undefined, old: string | null) =>
    v === undefined
      ? old
      : v === null
        ? null
        : JSON.stringify([...new Set(v.map((k) => k.trim()).filter(Boolean))]);
  const pick = <T>(v: T | undefined, old: T) => (v === undefined ? old : v);
  const row = {
    phone_number_id: input.phoneNumberId,
    policy: patch.policy ?? current?.policy ?? DEFAULT_CONSENT_POLICY,
    opt_out_keywords_json: json(patch.optOutKeywords, current?.opt_out_keywords_json ?? null),
    opt_in_keywords_json: json(patch.optInKeywords, current?.opt_in_keywords_json ?? null),
    opt_out_reply: pick(patch.optOutReply, current?.opt_out_reply ?? null),
    opt_in_reply: pick(patch.optInReply, current?.opt_in_reply ?? null),
    page_wording: pick(patch.pageWording, current?.page_wording ?? null),
    updated_at: input.now,
    updated_by: input.by,
  };
  if (current)
    await trx
      .updateTable('consent_settings')
      .set(row)
      .where('phone_number_id', '=', input.phoneNumberId)
      .execute();
  else await trx.insertInto('consent_settings').values(row).execute();
}
