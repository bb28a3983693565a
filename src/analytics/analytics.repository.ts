import type { Kysely } from 'kysely';
import { schedulesOf } from '../automation/business-hours.ts';
import type { DB } from '../database.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import { parseJsonOr } from '../platform/json.ts';
import type { Schedule } from '../platform/schedule.ts';
import { hasOpenHours } from './business-time.ts';
import {
  type ConversationState,
  type FoldContext,
  type MessageInfo,
  messageIdsNeeded,
  type RollupDelta,
} from './metric-fold.ts';

const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The survey id and rating of a customer's answer to a CSAT survey, from its stored content. */
export function csatAnswerOf(type: string, contentJson: string): { surveyId: string; rating: number } | null {
  if (type !== 'interactive' && type !== 'button') return null;
  const c = parseJsonOr<Record<string, unknown>>(contentJson, {});
  const reply = (c.list_reply ?? c.button_reply) as { id?: unknown } | undefined;
  const id = type === 'button' ? c.payload : reply?.id;
  if (typeof id !== 'string') return null;
  const m = /^csat:([A-Za-z0-9-]{1,64}):([1-5])$/.exec(id);
  return m?.[1] && m[2] ? { surveyId: m[1], rating: Number(m[2]) } : null;
}

/** What the fold needs for these events, read in a few queries. */
export async function loadFoldLookups(
  db: Kysely<DB>,
  events: readonly StoredEvent[],
): Promise<{
  messages: Map<string, MessageInfo>;
  hours: Map<string, Schedule | null>;
  priced: Set<string>;
}> {
  const ids = [...new Set(events.flatMap(messageIdsNeeded))];
  const messages = new Map<string, MessageInfo>();
  const priced = new Set<string>();
  for (const part of chunks(ids)) {
    const rows = await db
      .selectFrom('messages as m')
      .leftJoin('outbound_costs as c', 'c.message_id', 'm.id')
      .select([
        'm.id',
        'm.origin',
        'm.author_user_id',
        'm.timestamp',
        'm.type',
        'm.direction',
        'm.content_json',
        'm.pricing_json',
        'c.country_code',
      ])
      .where('m.id', 'in', part)
      .execute();
    const surveys = new Set(
      (
        await db.selectFrom('csat_surveys').select('message_id').where('message_id', 'in', part).execute()
      ).map((r) => r.message_id),
    );
    for (const r of rows) {
      messages.set(r.id, {
        origin: r.origin,
        authorUserId: r.author_user_id,
        timestamp: Number(r.timestamp),
        type: r.type,
        pricing: parseJsonOr<Record<string, unknown> | null>(r.pricing_json, null),
        countryCode: r.country_code ?? '*',
        csatAnswer: r.direction === 'inbound' ? csatAnswerOf(r.type, r.content_json) : null,
        isSurvey: surveys.has(r.id),
      });
    }
    for (const p of await db
      .selectFrom('analytics_priced_messages')
      .select('message_id')
      .where('message_id', 'in', part)
      .execute())
      priced.add(p.message_id);
  }
  const numbers = [...new Set(events.map((e) => e.phoneNumberId).filter((n): n is string => n !== null))];
  const hours = new Map<string, Schedule | null>(numbers.map((n) => [n, null]));
  // The numbers' business hours (`automation/business-hours.ts`, the one store of them).
  for (const [id, schedule] of await schedulesOf(db, numbers)) {
    hours.set(id, hasOpenHours(schedule) ? schedule : null);
  }
  return { messages, hours, priced };
}

/** A fold context over loaded lookups; `claimed` collects the messages newly priced. */
export function foldContext(
  lookups: Awaited<ReturnType<typeof loadFoldLookups>>,
  claimed: Set<string>,
): FoldContext {
  return {
    message: (id) => lookups.messages.get(id),
    businessHours: (n) => lookups.hours.get(n) ?? null,
    claimPriced: (id) => {
      if (lookups.priced.has(id) || claimed.has(id)) return true;
      claimed.add(id);
      return false;
    },
  };
}

export async function loadStates(
  db: Kysely<DB>,
  ids: readonly string[],
): Promise<Map<string, ConversationState>> {
  const out = new Map<string, ConversationState>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db
      .selectFrom('analytics_conversations')
      .selectAll()
      .where('conversation_id', 'in', part)
      .execute();
    for (const r of rows) {
      out.set(r.conversation_id, {
        ...r,
        cycle_started_at: Number(r.cycle_started_at),
        frt_clock_at: r.frt_clock_at === null ? null : Number(r.frt_clock_at),
        first_response_at: r.first_response_at === null ? null : Number(r.first_response_at),
        waiting_since: r.waiting_since === null ? null : Number(r.waiting_since),
        handoff_at: r.handoff_at === null ? null : Number(r.handoff_at),
        csat_answered_at: r.csat_answered_at === null ? null : Number(r.csat_answered_at),
        updated_at: Number(r.updated_at),
      });
    }
  }
  return out;
}

const STATE_COLUMNS = [
  'phone_number_id',
  'team_id',
  'assignee_user_id',
  'state',
  'cycle_started_at',
  'cycle',
  'frt_clock_at',
  'first_response_at',
  'waiting_since',
  'bot_replied',
  'human_replied',
  'handoff_at',
  'csat_answered_at',
  'updated_at',
] as const;

/** Writes states (insert or update). */
export async function saveStates(db: Kysely<DB>, states: readonly ConversationState[]): Promise<void> {
  for (const part of chunks(states, 200)) {
    await db
      .insertInto('analytics_conversations')
      .values(part)
      .onConflict((oc) =>
        oc.column('conversation_id').doUpdateSet((eb) => {
          const set: Record<string, unknown> = {};
          for (const c of STATE_COLUMNS) set[c] = eb.ref(`excluded.${c}`);
          return set;
        }),
      )
      .execute();
  }
}

const ROLLUP_KEY = ['metric', 'bucket_at', 'phone_number_id', 'team_id', 'user_id', 'kind', 'bin'] as const;

/** Merges increments with the same rollup row. */
export function mergeDeltas(
  deltas: Iterable<RollupDelta>,
  into = new Map<string, RollupDelta>(),
): Map<string, RollupDelta> {
  for (const d of deltas) {
    const key = ROLLUP_KEY.map((k) => d[k]).join('\u0000');
    const hit = into.get(key);
    if (hit) {
      hit.count += d.count;
      hit.total += d.total;
    } else into.set(key, { ...d });
  }
  return into;
}

const DAY_MS = 86_400_000;

/**
 * Adds increments to the rollups: the 15-minute rows, the same by UTC day (with every dimension,
 * and by number only), and each number's 15-minute series (one upsert per chunk of rows of each).
 */
export async function addToRollups(db: Kysely<DB>, deltas: Iterable<RollupDelta>): Promise<void> {
  const list = [...deltas];
  const fine = [...mergeDeltas(list).values()];
  const daily = [
    ...mergeDeltas(
      list.map((d) => ({ ...d, bucket_at: Math.floor(d.bucket_at / DAY_MS) * DAY_MS })),
    ).values(),
  ];
  const byNumber = new Map<
    string,
    {
      bucket_at: number;
      phone_number_id: string;
      kind: string;
      metric: string;
      bin: number;
      count: number;
      total: number;
    }
  >();
  for (const d of daily) {
    const key = `${d.metric}\u0000${d.bucket_at}\u0000${d.phone_number_id}\u0000${d.kind}\u0000${d.bin}`;
    const hit = byNumber.get(key);
    if (hit) {
      hit.count += d.count;
      hit.total += d.total;
    } else
      byNumber.set(key, {
        bucket_at: d.bucket_at,
        phone_number_id: d.phone_number_id,
        kind: d.kind,
        metric: d.metric,
        bin: d.bin,
        count: d.count,
        total: d.total,
      });
  }
  const series = new Map<
    string,
    { bucket_at: number; phone_number_id: string; metric: string; count: number; total: number }
  >();
  for (const d of list) {
    const key = `${d.metric}\u0000${d.bucket_at}\u0000${d.phone_number_id}`;
    const hit = series.get(key);
    if (hit) {
      hit.count += d.count;
      hit.total += d.total;
    } else
      series.set(key, {
        bucket_at: d.bucket_at,
        phone_number_id: d.phone_number_id,
        metric: d.metric,
        count: d.count,
        total: d.total,
      });
  }
  for (const table of ['analytics_rollups', 'analytics_rollups_daily'] as const) {
    for (const part of chunks(table === 'analytics_rollups' ? fine : daily, 400)) {
      await db
        .insertInto(table)
        .values(part)
        .onConflict((oc) =>
          oc.columns([...ROLLUP_KEY]).doUpdateSet((eb) => ({
            count: eb(`${table}.count`, '+', eb.ref('excluded.count')),
            total: eb(`${table}.total`, '+', eb.ref('excluded.total')),
          })),
        )
        .execute();
    }
  }
  for (const part of chunks([...byNumber.values()], 400)) {
    await db
      .insertInto('analytics_rollups_number_daily')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['metric', 'bucket_at', 'phone_number_id', 'kind', 'bin']).doUpdateSet((eb) => ({
          count: eb('analytics_rollups_number_daily.count', '+', eb.ref('excluded.count')),
          total: eb('analytics_rollups_number_daily.total', '+', eb.ref('excluded.total')),
        })),
      )
      .execute();
  }
  for (const part of chunks([...series.values()], 400)) {
    await db
      .insertInto('analytics_series')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['metric', 'bucket_at', 'phone_number_id']).doUpdateSet((eb) => ({
          count: eb('analytics_series.count', '+', eb.ref('excluded.count')),
          total: eb('analytics_series.total', '+', eb.ref('excluded.total')),
        })),
      )
      .execute();
  }
}

export async function markPriced(db: Kysely<DB>, ids: Iterable<string>): Promise<void> {
  for (const part of chunks([...ids])) {
    await db
      .insertInto('analytics_priced_messages')
      .values(part.map((message_id) => ({ message_id })))
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
  }
}
