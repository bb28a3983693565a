import type { Kysely } from 'kysely';
import { campaignProgress } from '../campaigns/campaign.queries.ts';
import { campaignCosts } from '../campaigns/campaign-cost.ts';
import type { RateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import type { ReportScope } from './rollup.queries.ts';

/** The most campaigns one report lists (newest first). */
const LIMIT = 200;

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

/**
 * Campaign results and costs: every campaign of the scope's numbers that started (or, not started
 * yet, was created) in the range, with its delivery funnel and replies (the campaign feature's own
 * progress query) and its cost by pricing category, estimated when queued and actual from Meta's
 * `pricing` (the campaign feature's cost query). Both read a campaign's recipients, never the
 * messages table as a whole, so the report grows with the campaigns in the range.
 */
export async function campaignsReport(db: Kysely<DB>, scope: ReportScope, card: RateCard) {
  if (scope.numbers.length === 0) return { currency: card.currency, data: [] };
  const campaigns = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('phone_number_id', 'in', [...scope.numbers])
    .where((eb) =>
      eb.or([
        eb.and([eb('started_at', '>=', scope.from), eb('started_at', '<', scope.to)]),
        eb.and([
          eb('started_at', 'is', null),
          eb('created_at', '>=', scope.from),
          eb('created_at', '<', scope.to),
        ]),
      ]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(LIMIT)
    .execute();
  const data = [];
  for (const c of campaigns) {
    const p = await campaignProgress(db, c);
    const costs = await campaignCosts(db, c.id, card);
    data.push({
      id: c.id,
      name: c.name,
      phone_number_id: c.phone_number_id,
      template_name: c.template_name,
      template_language: c.template_language,
      state: c.state,
      started_at: c.started_at === null ? null : new Date(Number(c.started_at)).toISOString(),
      finished_at: c.finished_at === null ? null : new Date(Number(c.finished_at)).toISOString(),
      recipients: p.recipients,
      sent: p.sent,
      delivered: p.delivered,
      read: p.read,
      failed: p.failed,
      refused: p.refused,
      replied: p.replied,
      button_taps: p.button_taps,
      opted_out_after: p.opted_out_after,
      delivery_rate: ratio(p.delivered, p.sent + p.failed),
      read_rate: ratio(p.read, p.delivered),
      reply_rate: ratio(p.replied, p.delivered),
      cost_estimated: costs.estimated,
      cost_actual: costs.actual,
      priced_messages: costs.priced_messages,
      costs_by_category: costs.by_category.map((b) => ({
        category: b.category,
        messages: b.messages,
        estimated: b.estimated,
        actual: b.actual,
      })),
    });
  }
  return { currency: card.currency, data };
}
