import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { ErrorCode } from '../platform/errors.ts';
import type { ConsentPolicy } from './consent.table.ts';
import { type ConsentStateValue, consentStates } from './consent-ledger.ts';

/**
 * The consent rule of the one send policy (`outbound/send-policy.ts`): a marketing template goes
 * only to a contact whose consent allows it under the number's policy. `opt_in_required` (the
 * default): the ledger's latest marketing record must be an opt-in. `not_opted_out`: anything but
 * an opt-out. Asked at enqueue and again at dispatch, whatever the origin.
 */

export const DEFAULT_CONSENT_POLICY: ConsentPolicy = 'opt_in_required';
export const consentPolicies = [
  'opt_in_required',
  'not_opted_out',
] as const satisfies readonly ConsentPolicy[];

/** What the send policy knows about consent for one contact (marketing scope). */
export type ConsentFacts = {
  readonly policy: ConsentPolicy;
  readonly state: ConsentStateValue;
  /** When the deciding record says so; null for `none`. */
  readonly at: number | null;
};

export type ConsentRefusal = {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Record<string, unknown>;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Decides a marketing send. `legacyOptOut` is the contact's `marketing_opt_out` flag (kept in step
 * with the ledger); either says opted out, the message does not go.
 */
export function decideMarketingConsent(
  contactId: string,
  consent: ConsentFacts,
  legacyOptOut: { marketing_opt_out: number; marketing_opt_out_at: number | null },
  stage: 'enqueue' | 'dispatch',
): ConsentRefusal | null {
  if (consent.state === 'opted_out' || legacyOptOut.marketing_opt_out === 1) {
    return {
      code: 'CONTACT_OPTED_OUT',
      message:
        stage === 'dispatch'
          ? 'The contact opted out of marketing messages after this one was queued.'
          : 'The contact opted out of marketing messages.',
      details: {
        contact_id: contactId,
        opted_out_at: iso(consent.state === 'opted_out' ? consent.at : legacyOptOut.marketing_opt_out_at),
        policy: consent.policy,
      },
    };
  }
  if (consent.policy === 'opt_in_required' && consent.state !== 'opted_in') {
    return {
      code: 'CONTACT_NOT_OPTED_IN',
      message:
        stage === 'dispatch'
          ? "The contact's marketing opt-in is no longer on record; the number requires one."
          : 'The contact has not opted in to marketing messages, and this number requires an opt-in.',
      details: {
        contact_id: contactId,
        policy: consent.policy,
        hint: 'Record an opt-in (hosted page, CSV import with evidence, agent, API) or change the number policy to not_opted_out.',
      },
    };
  }
  return null;
}

/** The number's marketing consent policy (the default when the number has no settings row). */
export async function consentPolicyOf(db: Kysely<DB>, numberId: string): Promise<ConsentPolicy> {
  const row = await db
    .selectFrom('consent_settings')
    .select('policy')
    .where('phone_number_id', '=', numberId)
    .executeTakeFirst();
  return row?.policy ?? DEFAULT_CONSENT_POLICY;
}

/** Consent facts for many contacts of one number (one query for the policy, batched states). */
export async function loadConsentFacts(
  db: Kysely<DB>,
  numberId: string,
  contactIds: readonly string[],
): Promise<Map<string, ConsentFacts>> {
  const policy = await consentPolicyOf(db, numberId);
  const states = await consentStates(db, { contactIds, numberId, scope: 'marketing' });
  const out = new Map<string, ConsentFacts>();
  for (const id of contactIds) {
    const s = states.get(id);
    out.set(id, { policy, state: s?.state ?? 'none', at: s?.at ?? null });
  }
  return out;
}

/** Facts for a contact whose consent was not loaded: the strictest reading (no record, default policy). */
export const UNKNOWN_CONSENT: ConsentFacts = { policy: DEFAULT_CONSENT_POLICY, state: 'none', at: null };
