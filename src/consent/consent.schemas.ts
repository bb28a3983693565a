import { z } from 'zod';
import { ZTimestamp } from '../platform/http/api-schemas.ts';

export const ZConsentStateValue = z.enum(['opted_in', 'opted_out', 'none']);
export const ZConsentRecord = z.object({
  id: z.number().int(),
  scope: z.enum(['marketing', 'utility']),
  action: z.enum(['opt_in', 'opt_out']),
  source: z.enum([
    'keyword',
    'hosted_page',
    'csv_import',
    'agent',
    'api',
    'meta_user_preferences',
    'error_131050',
  ]),
  wording: z.string().nullable(),
  wording_sha256: z.string().nullable(),
  actor: z.object({ kind: z.enum(['user', 'token', 'system']), id: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  evidence: z.string().nullable(),
  at: ZTimestamp,
  recorded_at: ZTimestamp,
});
export const ZContactConsent = z.object({
  contact_id: z.string(),
  phone_number_id: z.string(),
  policy: z.enum(['opt_in_required', 'not_opted_out']),
  marketing: z.object({
    state: ZConsentStateValue,
    at: ZTimestamp.nullable(),
    source: z.string().nullable(),
  }),
  utility: z.object({ state: ZConsentStateValue, at: ZTimestamp.nullable(), source: z.string().nullable() }),
  history: z.array(ZConsentRecord),
});
export const ZRecordConsentRequest = z
  .object({
    scope: z.enum(['marketing', 'utility']).default('marketing'),
    action: z.enum(['opt_in', 'opt_out']),
    /** Required: how the customer gave or withdrew consent (an agent's note, a system reference). */
    note: z.string().trim().min(3).max(2000),
    /** The exact wording the customer agreed to, if any. */
    wording: z.string().max(5000).optional(),
    /** When the customer said so; now unless told. */
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const ZConsentPolicy = z.enum(['opt_in_required', 'not_opted_out']);
export const ZKeyword = z.string().trim().min(1).max(40);
export const ZConsentSettings = z.object({
  phone_number_id: z.string(),
  policy: ZConsentPolicy,
  opt_out_keywords: z.array(z.string()),
  opt_in_keywords: z.array(z.string()),
  custom_keywords: z.boolean(),
  opt_out_reply: z.string().nullable(),
  opt_in_reply: z.string().nullable(),
  page_wording: z.string(),
  /** The hosted opt-in page of the number (absolute path on the hub). */
  page_path: z.string(),
  defaults: z.array(
    z.object({
      language: z.string(),
      label: z.string(),
      opt_out: z.array(z.string()),
      opt_in: z.array(z.string()),
      opt_out_reply: z.string(),
      opt_in_reply: z.string(),
    }),
  ),
  updated_at: ZTimestamp.nullable(),
});
export const ZConsentSettingsPatch = z
  .object({
    policy: ZConsentPolicy.optional(),
    opt_out_keywords: z.array(ZKeyword).max(200).nullable().optional(),
    opt_in_keywords: z.array(ZKeyword).max(200).nullable().optional(),
    opt_out_reply: z.string().max(1024).nullable().optional(),
    opt_in_reply: z.string().max(1024).nullable().optional(),
    page_wording: z.string().trim().min(10).max(2000).nullable().optional(),
  })
  .strict();
export const ZNumberParams = z.object({ phone_number_id: z.string().min(1) });
export const ZExportQuery = z.object({
  phone_number_id: z.string().min(1).optional(),
  state: ZConsentStateValue.optional(),
});
