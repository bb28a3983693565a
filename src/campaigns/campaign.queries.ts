import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import type { CampaignRow } from './campaign.table.ts';
import type { ApiCampaign, CampaignProgress, CostEstimate } from './campaigns.schemas.ts';

const HOUR = 3_600_000;

function errorCodeOf(errorJson: string | null): string {
  const e = parseJsonOr<Record<string, unknown> | null>(errorJson, null);
  const code = e?.code ?? (e?.error as Record<string, unknown> | undefined)?.code;
  return code === undefined || code === null ? 'unknown' : String(code);
}

/** Live progress of a campaign: recipients by state, their messages by status, replies, later opt-outs. */
export async function campaignProgress(db: Kysely<DB>, c: CampaignRow): Promise<CampaignProgress> {
  const byState = await db
    .selectFrom('campaign_recipients')
    .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('campaign_id', '=', c.id)
    .groupBy('state')
    .execute();
  const states: Record<string, number> = {};
  for (const r of byState) states[r.state] = Number(r.n);
  const byStatus = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .select(['m.status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('r.campaign_id', '=', c.id)
    .groupBy('m.status')
    .execute();
  const status: Record<string, number> = {};
  for (const r of byStatus) status[r.status] = Number(r.n);
  const failedRows = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .select('m.error_json')
    .where('r.campaign_id', '=', c.id)
    .where('m.status', '=', 'failed')
    .execute();
  const failedByReason: Record<string, number> = {};
  for (const r of failedRows) {
    const code = errorCodeOf(r.error_json);
    failedByReason[code] = (failedByReason[code] ?? 0) + 1;
  }
  const refusedRows = await db
    .selectFrom('campaign_recipients')
    .select(['refusal_code', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('campaign_id', '=', c.id)
    .where('state', '=', 'refused')
    .groupBy('refusal_code')
    .execute();
  const refusedByReason: Record<string, number> = {};
  for (const r of refusedRows) refusedByReason[r.refusal_code ?? 'unknown'] = Number(r.n);
  const replies = await db
    .selectFrom('campaign_recipients')
    .select([
      (eb) => eb.fn.count<number | string>('replied_at').as('replied'),
      (eb) => eb.fn.count<number | string>('button_payload').as('taps'),
    ])
    .where('campaign_id', '=', c.id)
    .executeTakeFirstOrThrow();
  const optedOut = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('consent_states as s', (j) =>
      j.onRef('s.contact_id', '=', 'r.contact_id').on('s.scope', '=', 'marketing'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('r.campaign_id', '=', c.id)
    .where('r.state', '=', 'queued')
    .where('s.state', '=', 'opted_out')
    .whereRef('s.changed_at', '>=', 'r.queued_at')
    .executeTakeFirstOrThrow();
  const n = (k: string) => status[k] ?? 0;
  return {
    recipients: c.total_recipients,
    pending: states.pending ?? 0,
    queued: n('queued') + n('sending') + n('unknown'),
    sent: n('sent') + n('delivered') + n('read') + n('played'),
    delivered: n('delivered') + n('read') + n('played'),
    read: n('read') + n('played'),
    failed: n('failed'),
    refused: states.refused ?? 0,
    cancelled: states.cancelled ?? 0,
    replied: Number(replies.replied),
    button_taps: Number(replies.taps),
    opted_out_after: Number(optedOut.n),
    failed_by_reason: failedByReason,
    refused_by_reason: refusedByReason,
  };
}

export async function toApiCampaign(db: Kysely<DB>, c: CampaignRow): Promise<ApiCampaign> {
  const template = await db
    .selectFrom('campaigns as c')
    .innerJoin('templates as t', (j) =>
      j
        .onRef('t.waba_id', '=', 'c.waba_id')
        .onRef('t.name', '=', 'c.template_name')
        .onRef('t.language', '=', 'c.template_language'),
    )
    .select(['t.category', 't.status'])
    .where('c.id', '=', c.id)
    .executeTakeFirst();
  return {
    id: c.id,
    name: c.name,
    phone_number_id: c.phone_number_id,
    template: {
      name: c.template_name,
      language: c.template_language,
      category: template?.category ?? null,
      status: template?.status ?? null,
    },
    parameters: parseJsonOr<Record<string, unknown>>(c.parameters_json, {}),
    audience: parseJsonOr<Record<string, unknown>>(c.audience_json, {}),
    state: c.state,
    scheduled_at: isoOrNull(c.scheduled_at),
    time_zone: c.time_zone,
    estimate: parseJsonOr<CostEstimate | null>(c.estimate_json, null),
    started_at: isoOrNull(c.started_at),
    finished_at: isoOrNull(c.finished_at),
    created_by: c.created_by,
    created_at: new Date(c.created_at).toISOString(),
    progress: await campaignProgress(db, c),
  };
}

/** Sent, delivered, read and replied per UTC hour (from the messages' status times and the replies). */
export async function campaignTimeline(db: Kysely<DB>, campaignId: string) {
  const rows = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .select(['r.queued_at', 'r.replied_at', 'm.status', 'm.status_at'])
    .where('r.campaign_id', '=', campaignId)
    .execute();
  const hours = new Map<number, { sent: number; delivered: number; read: number; replied: number }>();
  const bump = (at: number | null, k: 'sent' | 'delivered' | 'read' | 'replied') => {
    if (at === null) return;
    const h = Math.floor(at / HOUR) * HOUR;
    const b = hours.get(h) ?? { sent: 0, delivered: 0, read: 0, replied: 0 };
    b[k]++;
    hours.set(h, b);
  };
  for (const r of rows) {
    if (['sent', 'delivered', 'read', 'played'].includes(r.status)) bump(r.queued_at, 'sent');
    if (['delivered', 'read', 'played'].includes(r.status)) bump(r.status_at ?? r.queued_at, 'delivered');
    if (['read', 'played'].includes(r.status)) bump(r.status_at ?? r.queued_at, 'read');
    bump(r.replied_at, 'replied');
  }
  return [...hours.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([h, b]) => ({ hour: new Date(h).toISOString(), ...b }));
}

export async function campaignButtons(db: Kysely<DB>, campaignId: string) {
  const rows = await db
    .selectFrom('campaign_recipients')
    .select(['button_payload', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('campaign_id', '=', campaignId)
    .where('button_payload', 'is not', null)
    .groupBy('button_payload')
    .execute();
  return rows.map((r) => ({ payload: r.button_payload ?? '', taps: Number(r.n) }));
}
