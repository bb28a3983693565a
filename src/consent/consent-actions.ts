import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { canSeeNumber, visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import type { ConsentRecordRow } from './consent.table.ts';
import { defaultKeywords } from './consent-keywords.ts';
import { consentHistory, consentState, recordConsent } from './consent-ledger.ts';
import { consentPolicyOf } from './consent-policy.ts';
import { type ConsentSettingsPatch, consentSettingsOf, writeConsentSettings } from './consent-settings.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function toApiRecord(r: ConsentRecordRow) {
  return {
    id: Number(r.id),
    scope: r.scope,
    action: r.action,
    source: r.source,
    wording: r.wording,
    wording_sha256: r.wording_sha256,
    actor: r.actor_kind ? { kind: r.actor_kind, id: r.actor_id } : null,
    ip: r.ip,
    user_agent: r.user_agent,
    evidence: r.evidence,
    at: new Date(Number(r.at)).toISOString(),
    recorded_at: new Date(Number(r.recorded_at)).toISOString(),
  };
}

async function visibleContact(deps: AppDeps, principal: Principal, contactId: string) {
  const { db } = deps.database;
  const contact = await db
    .selectFrom('contacts')
    .select(['id', 'phone_number_id'])
    .where('id', '=', contactId)
    .executeTakeFirst();
  const visible = await visibleNumberIds(db, principal);
  if (!contact || !canSeeNumber(visible, contact.phone_number_id))
    throw new AppError('NOT_FOUND', 'No such contact.');
  return contact;
}

/** The contact panel's view: current state per scope, the number's policy, the ledger newest first. */
export async function contactConsent(deps: AppDeps, principal: Principal, contactId: string) {
  const contact = await visibleContact(deps, principal, contactId);
  const { db } = deps.database;
  const [marketing, utility, history, policy] = await Promise.all([
    consentState(db, { contactId, numberId: contact.phone_number_id, scope: 'marketing' }),
    consentState(db, { contactId, numberId: contact.phone_number_id, scope: 'utility' }),
    consentHistory(db, { contactId }),
    consentPolicyOf(db, contact.phone_number_id),
  ]);
  const view = (s: typeof marketing) => ({ state: s.state, at: iso(s.at), source: s.source });
  return {
    contact_id: contactId,
    phone_number_id: contact.phone_number_id,
    policy,
    marketing: view(marketing),
    utility: view(utility),
    history: history.map(toApiRecord),
  };
}

/** An agent (with a note) or an API token records consent for a contact. */
export async function recordConsentBy(
  deps: AppDeps,
  input: {
    principal: Principal;
    contactId: string;
    scope: 'marketing' | 'utility';
    action: 'opt_in' | 'opt_out';
    note: string;
    wording?: string | undefined;
    at?: string | undefined;
  },
) {
  const contact = await visibleContact(deps, input.principal, input.contactId);
  const now = deps.clock.now();
  const at = input.at ? Date.parse(input.at) : now;
  if (at > now + 60_000) throw new AppError('VALIDATION_FAILED', 'The consent time is in the future.');
  await withEvents(deps, (trx) =>
    recordConsent(trx, {
      contactId: contact.id,
      numberId: contact.phone_number_id,
      scope: input.scope,
      action: input.action,
      source: input.principal.kind === 'token' ? 'api' : 'agent',
      wording: input.wording ?? null,
      evidence: input.note,
      actor: actorOf(input.principal),
      at,
      now,
    }),
  );
  return contactConsent(deps, input.principal, input.contactId);
}

async function visibleNumber(deps: AppDeps, principal: Principal, phoneNumberId: string) {
  const { db } = deps.database;
  const visible = await visibleNumberIds(db, principal);
  const number = await db
    .selectFrom('phone_numbers')
    .select(['id'])
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!number || !canSeeNumber(visible, phoneNumberId))
    throw new AppError('NOT_FOUND', `No phone number ${phoneNumberId}.`);
}

export async function consentSettingsView(deps: AppDeps, principal: Principal, phoneNumberId: string) {
  await visibleNumber(deps, principal, phoneNumberId);
  const s = await consentSettingsOf(deps.database.db, phoneNumberId);
  return {
    phone_number_id: phoneNumberId,
    policy: s.policy,
    opt_out_keywords: [...s.keywords.optOut],
    opt_in_keywords: [...s.keywords.optIn],
    custom_keywords: s.customKeywords,
    opt_out_reply: s.optOutReply,
    opt_in_reply: s.optInReply,
    page_wording: s.pageWording,
    page_path: `/optin/${encodeURIComponent(phoneNumberId)}`,
    defaults: defaultKeywords.map((l) => ({
      language: l.language,
      label: l.label,
      opt_out: [...l.optOut],
      opt_in: [...l.optIn],
      opt_out_reply: l.optOutReply,
      opt_in_reply: l.optInReply,
    })),
    updated_at: iso(s.updatedAt),
  };
}

/** Changes a number's consent settings; recorded as `number.changed` (`consent_settings`, who). */
export async function updateConsentSettings(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string; patch: ConsentSettingsPatch },
) {
  await visibleNumber(deps, input.principal, input.phoneNumberId);
  await withEvents(deps, async (trx) => {
    await writeConsentSettings(trx, {
      phoneNumberId: input.phoneNumberId,
      patch: input.patch,
      by: input.principal.id,
      now: deps.clock.now(),
    });
    await recordEvent(
      trx,
      {
        type: 'number.changed',
        phoneNumberId: input.phoneNumberId,
        payload: {
          phone_number_id: input.phoneNumberId,
          change: 'consent_settings',
          actor: actorOf(input.principal),
        },
      },
      deps.clock.now(),
    );
  });
  return consentSettingsView(deps, input.principal, input.phoneNumberId);
}

const csvCell = (v: string | number | null) => {
  let s = v === null ? '' : String(v);
  if (/^[=@\t\r]/.test(s) || /^[+-][^\d\s(]/.test(s)) s = `'${s}`;
  return /[",\n\r']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The consent export: one line per contact with its marketing state and the deciding record. */
export async function exportConsentCsv(
  deps: AppDeps,
  input: {
    principal: Principal;
    phoneNumberId?: string | undefined;
    state?: 'opted_in' | 'opted_out' | 'none' | undefined;
  },
): Promise<string> {
  const { db } = deps.database;
  const visible = await visibleNumberIds(db, input.principal);
  if (input.phoneNumberId && !canSeeNumber(visible, input.phoneNumberId))
    throw new AppError('NOT_FOUND', 'No such number.');
  let q = db
    .selectFrom('contacts as c')
    .leftJoin('consent_states as s', (j) =>
      j.onRef('s.contact_id', '=', 'c.id').on('s.scope', '=', 'marketing'),
    )
    .leftJoin('consent_records as r', 'r.id', 's.record_id')
    .select([
      'c.id',
      'c.phone_number_id',
      'c.wa_id',
      'c.profile_name',
      'c.address_book_name',
      's.state',
      'r.at',
      'r.source',
      'r.wording',
      'r.wording_sha256',
      'r.evidence',
      'r.ip',
      'r.user_agent',
      'r.actor_kind',
      'r.actor_id',
    ])
    .orderBy('c.id');
  if (visible !== null)
    q = visible.length ? q.where('c.phone_number_id', 'in', visible) : q.where('c.id', '=', '');
  if (input.phoneNumberId) q = q.where('c.phone_number_id', '=', input.phoneNumberId);
  if (input.state === 'none') q = q.where('s.state', 'is', null);
  else if (input.state) q = q.where('s.state', '=', input.state);
  const rows = await q.execute();
  const header = [
    'contact_id',
    'phone_number_id',
    'wa_id',
    'name',
    'marketing_consent',
    'at',
    'source',
    'wording',
    'wording_sha256',
    'evidence',
    'ip',
    'user_agent',
    'actor',
  ];
  const lines = [header.join(',')];
  for (const r of rows)
    lines.push(
      [
        r.id,
        r.phone_number_id,
        r.wa_id,
        r.address_book_name ?? r.profile_name,
        r.state ?? 'none',
        r.at === null ? null : new Date(Number(r.at)).toISOString(),
        r.source,
        r.wording,
        r.wording_sha256,
        r.evidence,
        r.ip,
        r.user_agent,
        r.actor_kind ? `${r.actor_kind}:${r.actor_id ?? ''}` : null,
      ]
        .map(csvCell)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
