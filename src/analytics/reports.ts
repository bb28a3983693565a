import type { Kysely } from 'kysely';
import type { RateCard } from '../costs/rate-card.ts';
import { priceOf } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { offsetSpans } from './business-time.ts';
import type { Distribution } from './histogram.ts';
import {
  countOf,
  distributionOf,
  mergeGroups,
  type ReportScope,
  type RollupGroup,
  sumRollups,
  sumSeriesLocal,
} from './rollup.queries.ts';

/**
 * The reports of `docs/metrics.md`, read from the rollups only (never from messages), so each is a
 * few grouped range scans whatever the message count.
 */

export type ReportOptions = ReportScope & { readonly timeZone: string; readonly businessHours: boolean };

const dur = (name: string, bh: boolean) => (bh ? `${name}.bh` : name);
const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

export type CsatSummary = {
  sent: number;
  responses: number;
  /** Share of ratings that are 4 or 5, 0-1. */
  score: number | null;
  /** Responses ÷ surveys sent, 0-1. */
  response_rate: number | null;
  average: number | null;
  /** Count of each rating, 1 to 5. */
  distribution: number[];
};

function csatOf(g: RollupGroup | undefined): CsatSummary {
  const rating = g?.metrics.get('csat.rating');
  const distribution = [1, 2, 3, 4, 5].map((r) => rating?.bins.get(r) ?? 0);
  const responses = rating?.count ?? 0;
  const sent = countOf(g, 'csat.sent');
  return {
    sent,
    responses,
    score: ratio((distribution[3] ?? 0) + (distribution[4] ?? 0), responses),
    response_rate: ratio(responses, sent),
    average: responses > 0 ? (rating?.total ?? 0) / responses : null,
    distribution,
  };
}

export type CoreMetrics = {
  conversations_opened: number;
  conversations_reopened: number;
  conversations_resolved: number;
  messages_received: number;
  messages_sent: number;
  first_response_time: Distribution;
  reply_time: Distribution;
  resolution_time: Distribution;
  bot_engaged: number;
  bot_handoffs: number;
  handoff_rate: number | null;
  bot_resolved: number;
  bot_contained: number;
  bot_containment: number | null;
  csat: CsatSummary;
};

const CORE_METRICS = (bh: boolean) => [
  'conversations.opened',
  'conversations.reopened',
  'conversations.resolved',
  'messages.received',
  'messages.sent',
  dur('first_response_time', bh),
  dur('reply_time', bh),
  dur('resolution_time', bh),
  'bot.engaged',
  'bot.handoff',
  'bot.resolved',
  'bot.contained',
  'csat.sent',
  'csat.rating',
];

/** The core metrics of a group; `humanOnly` limits reply time to human replies (agents and the app). */
function coreOf(all: RollupGroup | undefined, bh: boolean, human: RollupGroup | undefined): CoreMetrics {
  const engaged = countOf(all, 'bot.engaged');
  const handoffs = countOf(all, 'bot.handoff');
  const botResolved = countOf(all, 'bot.resolved');
  const contained = countOf(all, 'bot.contained');
  return {
    conversations_opened: countOf(all, 'conversations.opened'),
    conversations_reopened: countOf(all, 'conversations.reopened'),
    conversations_resolved: countOf(all, 'conversations.resolved'),
    messages_received: countOf(all, 'messages.received'),
    messages_sent: countOf(all, 'messages.sent'),
    first_response_time: distributionOf(all, dur('first_response_time', bh)),
    reply_time: distributionOf(human, dur('reply_time', bh)),
    resolution_time: distributionOf(all, dur('resolution_time', bh)),
    bot_engaged: engaged,
    bot_handoffs: handoffs,
    handoff_rate: ratio(handoffs, engaged),
    bot_resolved: botResolved,
    bot_contained: contained,
    bot_containment: ratio(contained, botResolved),
    csat: csatOf(all),
  };
}

/** Groups by `dim`, also keeping the human-replies-only reply time of each group. */
async function coreBy(
  db: Kysely<DB>,
  o: ReportOptions,
  dim: 'phone_number_id' | 'team_id' | 'user_id' | null,
) {
  const dims = dim ? [dim] : [];
  const all = await sumRollups(db, o, { metrics: CORE_METRICS(o.businessHours), dims });
  const replies = await sumRollups(db, o, {
    metrics: [dur('reply_time', o.businessHours)],
    dims: [...dims, 'kind'],
  });
  const keyOf = (g: RollupGroup) => (dim ? String(g.key[dim]) : '');
  const human = new Map<string, RollupGroup[]>();
  for (const g of replies) {
    if (g.key.kind !== 'agent' && g.key.kind !== 'business_app') continue;
    human.set(keyOf(g), [...(human.get(keyOf(g)) ?? []), g]);
  }
  return all.map((g) => ({
    key: keyOf(g),
    core: coreOf(g, o.businessHours, mergeGroups(human.get(keyOf(g)) ?? [])),
  }));
}

export async function overviewReport(db: Kysely<DB>, o: ReportOptions) {
  const [total] = await coreBy(db, o, null);
  const fr = dur('first_response_time', o.businessHours);
  const rt = dur('resolution_time', o.businessHours);
  const days = await sumSeriesLocal(db, o, {
    metrics: ['conversations.opened', 'conversations.resolved', 'messages.received', 'messages.sent', fr, rt],
    grouping: 'day',
    spans: offsetSpans(o.timeZone, o.from, o.to),
  });
  const series = [...days.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([day, m]) => {
      const count = (name: string) => m.get(name)?.count ?? 0;
      const mean = (name: string) => {
        const x = m.get(name);
        return x && x.count > 0 ? Math.round(x.total / x.count) : null;
      };
      return {
        day: new Date(day * 86_400_000).toISOString().slice(0, 10),
        conversations_opened: count('conversations.opened'),
        conversations_resolved: count('conversations.resolved'),
        messages_received: count('messages.received'),
        messages_sent: count('messages.sent'),
        first_response_time_mean: mean(fr),
        resolution_time_mean: mean(rt),
      };
    });
  return { totals: total?.core ?? coreOf(undefined, o.businessHours, undefined), series };
}

export async function groupedReport(
  db: Kysely<DB>,
  o: ReportOptions,
  dim: 'phone_number_id' | 'team_id' | 'user_id',
) {
  const rows = await coreBy(db, o, dim);
  return rows.sort(
    (a, b) => b.core.conversations_resolved - a.core.conversations_resolved || a.key.localeCompare(b.key),
  );
}

export async function respondersReport(db: Kysely<DB>, o: ReportOptions) {
  const groups = await sumRollups(db, o, {
    metrics: [
      'messages.sent',
      dur('first_response_time', o.businessHours),
      dur('reply_time', o.businessHours),
    ],
    dims: ['kind'],
  });
  const firstResponses = groups.reduce(
    (n, g) => n + countOf(g, dur('first_response_time', o.businessHours)),
    0,
  );
  return ['agent', 'business_app', 'bot', 'api', 'campaign'].map((kind) => {
    const g = groups.find((x) => x.key.kind === kind);
    const frt = distributionOf(g, dur('first_response_time', o.businessHours));
    return {
      responder: kind as 'agent' | 'business_app' | 'bot' | 'api' | 'campaign',
      messages_sent: countOf(g, 'messages.sent'),
      first_responses: frt.count,
      first_response_share: ratio(frt.count, firstResponses),
      first_response_time: frt,
      reply_time: distributionOf(g, dur('reply_time', o.businessHours)),
    };
  });
}

export async function busiestHoursReport(db: Kysely<DB>, o: ReportOptions) {
  const cells = await sumSeriesLocal(db, o, {
    metrics: ['messages.received'],
    grouping: 'weekday_hour',
    spans: offsetSpans(o.timeZone, o.from, o.to),
  });
  return Array.from({ length: 7 * 24 }, (_, k) => ({
    weekday: Math.floor(k / 24),
    hour: k % 24,
    messages: cells.get(k)?.get('messages.received')?.count ?? 0,
  }));
}

const PRICING_TYPES = ['regular', 'free_customer_service', 'free_entry_point'] as const;

export async function costsReport(db: Kysely<DB>, o: ReportOptions, card: RateCard) {
  const groups = await sumRollups(db, o, { metrics: ['cost'], dims: ['phone_number_id', 'kind'] });
  type Row = {
    phone_number_id: string;
    category: string;
    messages: number;
    charged: number;
    free_customer_service: number;
    free_entry_point: number;
    cost_micros: number;
  };
  const rows = new Map<string, Row>();
  for (const g of groups) {
    const [category = 'unknown', countryCode = '*'] = String(g.key.kind).split('|');
    const number = String(g.key.phone_number_id);
    const key = `${number}|${category}`;
    const row = rows.get(key) ?? {
      phone_number_id: number,
      category,
      messages: 0,
      charged: 0,
      free_customer_service: 0,
      free_entry_point: 0,
      cost_micros: 0,
    };
    const m = g.metrics.get('cost');
    for (const [bin, n] of m?.bins ?? []) {
      row.messages += n;
      const type = PRICING_TYPES[bin] ?? 'regular';
      if (type === 'regular') {
        row.charged += n;
        row.cost_micros += n * priceOf(card, category, countryCode);
      } else row[type] += n;
    }
    rows.set(key, row);
  }
  const data = [...rows.values()].sort(
    (a, b) => a.phone_number_id.localeCompare(b.phone_number_id) || a.category.localeCompare(b.category),
  );
  const all = data.reduce((n, r) => n + r.messages, 0);
  const free = data.reduce((n, r) => n + r.free_customer_service, 0);
  return {
    currency: card.currency,
    free_service_window_share: ratio(free, all),
    rows: data.map((r) => ({
      ...r,
      cost: Math.round(r.cost_micros) / 1_000_000,
      free_service_window_share: ratio(r.free_customer_service, r.messages),
    })),
  };
}
