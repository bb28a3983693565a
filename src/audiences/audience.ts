import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';
import { parseJsonOr } from '../platform/json.ts';
import {
  attributesMatch,
  rangeBounds,
  type SegmentFilter,
  type SegmentRange,
  ZSegmentFilter,
} from './segment-filter.ts';

/**
 * Audiences: which contacts a segment (or a bare filter) selects, in pages ordered by contact id,
 * for the live count and for a campaign's fan-out. Everything but attribute conditions is one SQL
 * query per page (the same on SQLite and PostgreSQL); attribute conditions are applied to each
 * page's rows (attributes are free JSON).
 */

export type AudienceOptions = {
  /** Only contacts of numbers of these business accounts; null = all. */
  readonly wabaIds?: readonly string[] | null;
  /** Overrides (narrows to) the filter's number: a campaign sends from one number. */
  readonly numberId?: string | null;
  readonly now: number;
};

export type AudiencePage = {
  readonly contactIds: string[];
  /** Pass back as `after` for the next page; null when this was the last. */
  readonly next: string | null;
};

const SCAN = 1000;

/** The filter of a saved segment, or the filter given. */
export async function audienceFilter(
  db: Kysely<DB>,
  segment: string | SegmentFilter,
): Promise<SegmentFilter> {
  if (typeof segment !== 'string') return segment;
  const row = await db
    .selectFrom('segments')
    .select('filter_json')
    .where('id', '=', segment)
    .executeTakeFirst();
  if (!row) throw new Error(`no segment ${segment}`);
  return ZSegmentFilter.parse(parseJsonOr<unknown>(row.filter_json, {}));
}

function baseQuery(db: Kysely<DB>, filter: SegmentFilter, options: AudienceOptions) {
  let q = db
    .selectFrom('contacts as c')
    .innerJoin('phone_numbers as n', 'n.id', 'c.phone_number_id')
    .leftJoin('conversations as v', (j) =>
      j.onRef('v.contact_id', '=', 'c.id').onRef('v.phone_number_id', '=', 'c.phone_number_id'),
    )
    .leftJoin('consent_states as s', (j) =>
      j.onRef('s.contact_id', '=', 'c.id').on('s.scope', '=', 'marketing'),
    );
  if (options.wabaIds) {
    if (options.wabaIds.length === 0) q = q.where(sql<boolean>`1 = 0`);
    else q = q.where('n.waba_id', 'in', options.wabaIds);
  }
  if (filter.phone_number_id) q = q.where('c.phone_number_id', '=', filter.phone_number_id);
  if (options.numberId) q = q.where('c.phone_number_id', '=', options.numberId);
  if (filter.labels && filter.labels.length > 0) {
    const labels = filter.labels;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversation_labels as cl')
          .select('cl.label_id')
          .whereRef('cl.conversation_id', '=', 'v.id')
          .where('cl.label_id', 'in', labels),
      ),
    );
  }
  if (filter.consent && filter.consent.length > 0) {
    const states = filter.consent.filter((s) => s !== 'none') as ('opted_in' | 'opted_out')[];
    const none = filter.consent.includes('none');
    q = q.where((eb) =>
      eb.or([
        ...(states.length > 0 ? [eb('s.state', 'in', states)] : []),
        ...(none ? [eb('s.state', 'is', null)] : []),
      ]),
    );
  }
  if (filter.conversation_status && filter.conversation_status.length > 0)
    q = q.where('v.status', 'in', filter.conversation_status);
  const range = <R extends SegmentRange>(
    r: R | undefined,
    column: 'v.last_customer_message_at' | 'c.created_at',
  ) => {
    if (!r) return;
    if (r.never) {
      q = q.where(column, 'is', null);
      return;
    }
    const { from, to } = rangeBounds(r, options.now);
    if (from !== null) q = q.where(column, '>=', from);
    if (to !== null) q = q.where(column, '<', to);
  };
  range(filter.last_customer_message, 'v.last_customer_message_at');
  range(filter.created, 'c.created_at');
  if (filter.last_outbound) {
    const r = filter.last_outbound;
    const last = sql<
      number | null
    >`(select max(m.timestamp) from messages m where m.conversation_id = v.id and m.direction = 'outbound')`;
    if (r.never) q = q.where(sql<boolean>`${last} is null`);
    else {
      const { from, to } = rangeBounds(r, options.now);
      if (from !== null) q = q.where(sql<boolean>`${last} >= ${from}`);
      if (to !== null) q = q.where(sql<boolean>`${last} < ${to}`);
    }
  }
  return q;
}

/** One page of the audience, `size` contacts at most, after the contact id `after`. */
export async function resolveAudience(
  db: Kysely<DB>,
  segment: string | SegmentFilter,
  options: AudienceOptions & { after?: string | null; size?: number },
): Promise<AudiencePage> {
  const filter = await audienceFilter(db, segment);
  const size = Math.max(1, Math.min(options.size ?? 500, 5000));
  const conditions = filter.attributes ?? [];
  const out: string[] = [];
  let after = options.after ?? null;
  for (;;) {
    let q = baseQuery(db, filter, options).select(['c.id', 'c.attributes_json']).orderBy('c.id').limit(SCAN);
    if (after !== null) q = q.where('c.id', '>', after);
    const rows = await q.execute();
    for (const r of rows) {
      after = r.id;
      if (conditions.length > 0) {
        const attrs = parseJsonOr<Record<string, unknown>>(r.attributes_json, {});
        if (!attributesMatch(attrs && typeof attrs === 'object' ? attrs : {}, conditions)) continue;
      }
      out.push(r.id);
      if (out.length === size) return { contactIds: out, next: r.id };
    }
    if (rows.length < SCAN) return { contactIds: out, next: null };
  }
}

/** Every page of the audience in turn (a campaign's fan-out). */
export async function* audienceBatches(
  db: Kysely<DB>,
  segment: string | SegmentFilter,
  options: AudienceOptions & { size?: number },
): AsyncGenerator<string[]> {
  const filter = await audienceFilter(db, segment);
  let after: string | null = null;
  for (;;) {
    const page: AudiencePage = await resolveAudience(db, filter, { ...options, after });
    if (page.contactIds.length > 0) yield page.contactIds;
    if (page.next === null) return;
    after = page.next;
  }
}

/** How many contacts the audience selects now (the builder's live count). */
export async function countAudience(
  db: Kysely<DB>,
  segment: string | SegmentFilter,
  options: AudienceOptions,
): Promise<number> {
  const filter = await audienceFilter(db, segment);
  if (!filter.attributes || filter.attributes.length === 0) {
    const row = await baseQuery(db, filter, options)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
  let n = 0;
  for await (const batch of audienceBatches(db, filter, { ...options, size: 5000 })) n += batch.length;
  return n;
}
