import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';

/**
 * Prices per delivered message, by category and recipient country calling code, in millionths of
 * the currency unit. The default card carries approximate Meta list prices (USD, 2026); a business
 * overrides it with `<COEXIST_DATA_DIR>/rate-card.json` (same shape as {@link RateCard}) or with
 * rows in `rate_card_entries` (`PUT /api/costs/rate-card`), which win over the file.
 */
export type RateCard = {
  readonly currency: string;
  /** From this time non-template (service) messages are charged, at the `service` price (Oct 1, 2026). */
  readonly serviceChargedFrom: number;
  /** From this time utility templates inside an open window are charged (Oct 1, 2026). */
  readonly utilityInWindowChargedFrom: number;
  /** category → country calling code (or `*`) → price in micros. */
  readonly prices: Readonly<Record<string, Readonly<Record<string, number>>>>;
};

const usd = (dollars: number) => Math.round(dollars * 1_000_000);

export const DEFAULT_RATE_CARD: RateCard = {
  currency: 'USD',
  serviceChargedFrom: Date.UTC(2026, 9, 1),
  utilityInWindowChargedFrom: Date.UTC(2026, 9, 1),
  prices: {
    marketing: {
      '*': usd(0.0604),
      '1': usd(0.025),
      '52': usd(0.0305),
      '55': usd(0.0625),
      '57': usd(0.0125),
      '54': usd(0.0618),
      '91': usd(0.0107),
      '44': usd(0.0529),
      '49': usd(0.1365),
      '34': usd(0.0615),
      '33': usd(0.0859),
      '39': usd(0.0691),
    },
    utility: {
      '*': usd(0.0077),
      '1': usd(0.004),
      '52': usd(0.0085),
      '55': usd(0.0068),
      '57': usd(0.0008),
      '54': usd(0.026),
      '91': usd(0.0014),
      '44': usd(0.022),
      '49': usd(0.055),
      '34': usd(0.02),
      '33': usd(0.03),
      '39': usd(0.03),
    },
    authentication: {
      '*': usd(0.0077),
      '1': usd(0.004),
      '52': usd(0.0085),
      '55': usd(0.0068),
      '91': usd(0.0014),
      '44': usd(0.022),
      '49': usd(0.055),
      '34': usd(0.02),
    },
    authentication_international: { '*': usd(0.0225), '91': usd(0.028) },
    // Service messages are charged like utility from Oct 1, 2026 (cloud-api.md §6.4).
    service: {
      '*': usd(0.0077),
      '1': usd(0.004),
      '52': usd(0.0085),
      '55': usd(0.0068),
      '91': usd(0.0014),
      '44': usd(0.022),
      '49': usd(0.055),
      '34': usd(0.02),
    },
  },
};

/** Meta spells some categories with `-` and some with `_`; match on one spelling. */
export function normalizeCategory(category: string): string {
  return category.toLowerCase().replace(/-/g, '_');
}

function mergeCard(base: RateCard, override: Partial<RateCard>): RateCard {
  const prices: Record<string, Record<string, number>> = {};
  for (const [cat, byCc] of Object.entries(base.prices)) prices[cat] = { ...byCc };
  for (const [cat, byCc] of Object.entries(override.prices ?? {})) {
    const key = normalizeCategory(cat);
    prices[key] = { ...(prices[key] ?? {}), ...byCc };
  }
  return {
    currency: override.currency ?? base.currency,
    serviceChargedFrom: override.serviceChargedFrom ?? base.serviceChargedFrom,
    utilityInWindowChargedFrom: override.utilityInWindowChargedFrom ?? base.utilityInWindowChargedFrom,
    prices,
  };
}

const cache = new WeakMap<object, { at: number; card: RateCard }>();

/** Forgets the cached card of a database (after the rate card is changed). */
export function invalidateRateCard(db: Kysely<DB>): void {
  cache.delete(db);
}

/** The rate card in force: the table's rows over the JSON file over the default card. Cached 10 s. */
export async function loadRateCard(deps: {
  db: Kysely<DB>;
  dataDir: string;
  now: number;
}): Promise<RateCard> {
  const hit = cache.get(deps.db);
  if (hit && deps.now - hit.at < 10_000 && deps.now >= hit.at) return hit.card;
  let card = DEFAULT_RATE_CARD;
  const file = join(deps.dataDir, 'rate-card.json');
  if (existsSync(file)) {
    try {
      card = mergeCard(card, JSON.parse(readFileSync(file, 'utf8')) as Partial<RateCard>);
    } catch {
      // A broken override file must not stop sending; the default card stays in force.
    }
  }
  const rows = await deps.db.selectFrom('rate_card_entries').selectAll().execute();
  if (rows.length > 0) {
    const prices: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      const byCc = prices[r.category] ?? {};
      byCc[r.country_code] = r.price_micros;
      prices[r.category] = byCc;
    }
    card = mergeCard(card, { prices, currency: rows[0]?.currency ?? card.currency });
  }
  cache.set(deps.db, { at: deps.now, card });
  return card;
}

/** The longest country calling code of the card that prefixes the number, or `*`. */
export function countryCodeOf(card: RateCard, waId: string | null): string {
  if (!waId) return '*';
  const codes = new Set(Object.values(card.prices).flatMap((byCc) => Object.keys(byCc)));
  for (let len = 4; len >= 1; len--) {
    const prefix = waId.slice(0, len);
    if (codes.has(prefix)) return prefix;
  }
  return '*';
}

export function priceOf(card: RateCard, category: string, countryCode: string): number {
  const byCc = card.prices[normalizeCategory(category)];
  if (!byCc) return 0;
  return byCc[countryCode] ?? byCc['*'] ?? 0;
}

export type CostEstimate = {
  readonly category: string;
  readonly pricingType: 'regular' | 'free_customer_service' | 'free_entry_point';
  readonly countryCode: string;
  readonly micros: number;
  readonly currency: string;
};

/** What a send will cost when delivered, under Meta's per-message pricing (cloud-api.md §6). */
export function estimateSend(
  card: RateCard,
  input: {
    templateCategory: string | null;
    windowOpen: boolean;
    fepOpen: boolean;
    waId: string | null;
    now: number;
  },
): CostEstimate {
  const countryCode = countryCodeOf(card, input.waId);
  const category = input.templateCategory ? normalizeCategory(input.templateCategory) : 'service';
  const make = (pricingType: CostEstimate['pricingType'], micros: number): CostEstimate => ({
    category,
    pricingType,
    countryCode,
    micros,
    currency: card.currency,
  });
  if (input.fepOpen) return make('free_entry_point', 0);
  if (category === 'service') {
    return input.now >= card.serviceChargedFrom
      ? make('regular', priceOf(card, 'service', countryCode))
      : make('free_customer_service', 0);
  }
  if (category === 'utility' && input.windowOpen && input.now < card.utilityInWindowChargedFrom) {
    return make('free_customer_service', 0);
  }
  return make('regular', priceOf(card, category, countryCode));
}

/** The cost of a delivered message from the `pricing` object of its status webhook. */
export function actualCost(
  card: RateCard,
  pricing: { type?: unknown; category?: unknown; billable?: unknown },
  countryCode: string,
): { category: string; micros: number } {
  const category = typeof pricing.category === 'string' ? normalizeCategory(pricing.category) : 'unknown';
  const type = typeof pricing.type === 'string' ? pricing.type : null;
  const charged = type === null ? pricing.billable === true : type === 'regular';
  return { category, micros: charged ? priceOf(card, category, countryCode) : 0 };
}
