import type { Kysely } from 'kysely';
import { decideMarketingConsent, loadConsentFacts, UNKNOWN_CONSENT } from '../consent/consent-policy.ts';
import { isFepOpen, isWindowOpen } from '../conversations/window.ts';
import { actualCost, estimateSend, normalizeCategory, type RateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { isMarketingCategory } from '../outbound/send-policy.ts';
import { parseJsonOr } from '../platform/json.ts';
import type { CostEstimate } from './campaigns.schemas.ts';

const money = (micros: number) => Math.round(micros) / 1_000_000;

/**
 * The cost estimate of sending a template to these contacts at `at`, line by line (category,
 * recipient country, pricing type) from the rate card under Meta's per-message pricing: a charge per
 * delivered template by category and country; free inside an open free-entry-point window, and a
 * utility template inside an open service window while that is free (cloud-api.md §6). Recipients
 * the send policy will refuse for consent now are counted apart and cost nothing.
 */
export async function estimateCampaignCost(
  db: Kysely<DB>,
  input: {
    numberId: string;
    category: string | null;
    contactIds: readonly string[];
    card: RateCard;
    at: number;
  },
): Promise<CostEstimate> {
  const lines = new Map<
    string,
    {
      category: string;
      country_code: string;
      pricing_type: string;
      messages: number;
      micros: number;
      unit: number;
    }
  >();
  const excluded: Record<string, number> = {};
  let billable = 0;
  let total = 0;
  const marketing = isMarketingCategory(input.category);
  for (let i = 0; i < input.contactIds.length; i += 500) {
    const ids = input.contactIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('contacts as c')
      .leftJoin('conversations as v', (j) =>
        j.onRef('v.contact_id', '=', 'c.id').onRef('v.phone_number_id', '=', 'c.phone_number_id'),
      )
      .select([
        'c.id',
        'c.wa_id',
        'c.marketing_opt_out',
        'c.marketing_opt_out_at',
        'v.window_expires_at',
        'v.fep_expires_at',
      ])
      .where('c.id', 'in', ids)
      .execute();
    const consent = marketing ? await loadConsentFacts(db, input.numberId, ids) : new Map();
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      if (marketing) {
        const refusal = decideMarketingConsent(r.id, consent.get(r.id) ?? UNKNOWN_CONSENT, r, 'enqueue');
        if (refusal) {
          excluded[refusal.code] = (excluded[refusal.code] ?? 0) + 1;
          continue;
        }
      }
      const conv = {
        window_expires_at: r.window_expires_at ?? null,
        fep_expires_at: r.fep_expires_at ?? null,
      };
      const cost = estimateSend(input.card, {
        templateCategory: input.category,
        windowOpen: isWindowOpen(conv, input.at),
        fepOpen: isFepOpen(conv, input.at),
        waId: r.wa_id,
        now: input.at,
      });
      const key = `${cost.category}|${cost.countryCode}|${cost.pricingType}`;
      const line = lines.get(key) ?? {
        category: cost.category,
        country_code: cost.countryCode,
        pricing_type: cost.pricingType,
        messages: 0,
        micros: 0,
        unit: cost.micros,
      };
      line.messages++;
      line.micros += cost.micros;
      lines.set(key, line);
      if (cost.micros > 0) billable++;
      total += cost.micros;
    }
  }
  return {
    currency: input.card.currency,
    recipients: input.contactIds.length,
    excluded,
    billable_messages: billable,
    total: money(total),
    lines: [...lines.values()]
      .sort((a, b) => b.micros - a.micros || a.country_code.localeCompare(b.country_code))
      .map((l) => ({
        category: l.category,
        country_code: l.country_code,
        pricing_type: l.pricing_type,
        messages: l.messages,
        unit_price: money(l.unit),
        amount: money(l.micros),
      })),
    at: new Date(input.at).toISOString(),
  };
}

/**
 * What the campaign's messages cost: estimated when queued (`outbound_costs`) and actual from the
 * `pricing` of their status webhooks (charged per delivered template; failed messages cost nothing).
 */
export async function campaignCosts(db: Kysely<DB>, campaignId: string, card: RateCard) {
  const rows = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('outbound_costs as oc', 'oc.message_id', 'r.message_id')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .select(['oc.category', 'oc.country_code', 'oc.estimated_micros', 'm.pricing_json', 'm.status'])
    .where('r.campaign_id', '=', campaignId)
    .execute();
  const by = new Map<string, { category: string; messages: number; estimated: number; actual: number }>();
  let estimated = 0;
  let actual = 0;
  let priced = 0;
  for (const r of rows) {
    if (r.status === 'failed') continue;
    const pricing = parseJsonOr<Record<string, unknown> | null>(r.pricing_json, null);
    const act = pricing ? actualCost(card, pricing, r.country_code) : null;
    const category = normalizeCategory(r.category);
    const b = by.get(category) ?? { category, messages: 0, estimated: 0, actual: 0 };
    b.messages++;
    b.estimated += r.estimated_micros;
    estimated += r.estimated_micros;
    if (act) {
      b.actual += act.micros;
      actual += act.micros;
      priced++;
    }
    by.set(category, b);
  }
  return {
    currency: card.currency,
    estimated: money(estimated),
    actual: money(actual),
    priced_messages: priced,
    by_category: [...by.values()].map((b) => ({
      ...b,
      estimated: money(b.estimated),
      actual: money(b.actual),
    })),
  };
}
