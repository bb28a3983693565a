import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';
import { type Distribution, summarize } from './histogram.ts';
import { BUCKET_MS } from './metric-fold.ts';

/** A report's scope: a time range (aligned down to 15-minute buckets) and the numbers it covers. */
export type ReportScope = {
  readonly from: number;
  readonly to: number;
  /** The numbers the caller may see (and asked for); an empty list means nothing. */
  readonly numbers: readonly string[];
};

export type RollupDim = 'phone_number_id' | 'team_id' | 'user_id' | 'kind' | 'bucket_at';

/** One aggregated group: its dimension values, and per metric the bins (or bin 0 for counters). */
export type RollupGroup = {
  readonly key: Readonly<Record<RollupDim, string | number>>;
  readonly metrics: Map<string, { bins: Map<number, number>; count: number; total: number }>;
};

export const alignDown = (at: number) => Math.floor(at / BUCKET_MS) * BUCKET_MS;
export const alignUp = (at: number) => Math.ceil(at / BUCKET_MS) * BUCKET_MS;

const DAY_MS = 86_400_000;

type Row = Record<string, string | number> & {
  metric: string;
  n: string | number;
  t: string | number;
  bin?: number;
};

/** Grouped sums of one rollup table over `[lo, hi)`. */
async function sumTable(
  db: Kysely<DB>,
  table:
    | 'analytics_rollups'
    | 'analytics_rollups_daily'
    | 'analytics_rollups_number_daily'
    | 'analytics_series',
  scope: ReportScope,
  input: { metrics: readonly string[]; dims: readonly RollupDim[]; bins: boolean; lo: number; hi: number },
): Promise<Row[]> {
  if (!(input.hi > input.lo)) return [];
  // biome-ignore lint/suspicious/noExplicitAny: the three tables share the columns used here.
  let q: any = (db as Kysely<any>)
    .selectFrom(table)
    .select([
      'metric',
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      (eb: any) => eb.fn.sum('count').as('n'),
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      (eb: any) => eb.fn.sum('total').as('t'),
    ])
    .where('metric', 'in', [...input.metrics])
    .where('bucket_at', '>=', input.lo)
    .where('bucket_at', '<', input.hi)
    .where('phone_number_id', 'in', [...scope.numbers])
    .groupBy('metric');
  for (const d of input.dims) q = q.select(d).groupBy(d);
  if (input.bins) q = q.select('bin').groupBy('bin');
  return (await q.execute()) as Row[];
}

/**
 * Sums the rollups of `metrics` in the scope, grouped by `dims` (and by bin). Grouping by
 * `bucket_at` reads each number's 15-minute series (no other dimension). Otherwise the whole UTC
 * days inside the range come from the daily rollups and the edges from the 15-minute ones, so the
 * rows read grow with the days covered, not with the messages. Each is a range scan of a primary
 * key that starts with (metric, bucket_at).
 */
export async function sumRollups(
  db: Kysely<DB>,
  scope: ReportScope,
  input: { metrics: readonly string[]; dims: readonly RollupDim[]; bins?: boolean },
): Promise<RollupGroup[]> {
  if (scope.numbers.length === 0 || input.metrics.length === 0) return [];
  const lo = alignDown(scope.from);
  const hi = alignUp(scope.to);
  let rows: Row[];
  if (input.dims.includes('bucket_at')) {
    if (input.dims.some((d) => d !== 'bucket_at' && d !== 'phone_number_id'))
      throw new Error('a series groups by bucket_at and phone_number_id only');
    rows = await sumTable(db, 'analytics_series', scope, { ...input, bins: false, lo, hi });
  } else {
    const bins = input.bins !== false;
    const dayLo = Math.ceil(lo / DAY_MS) * DAY_MS;
    const dayHi = Math.floor(hi / DAY_MS) * DAY_MS;
    const args = { metrics: input.metrics, dims: input.dims, bins };
    // Without a team or agent split, whole days come from the per-number daily rollups (a few
    // rows per day and metric, whatever the number of agents).
    const daily = input.dims.every((d) => d === 'phone_number_id' || d === 'kind')
      ? 'analytics_rollups_number_daily'
      : 'analytics_rollups_daily';
    rows =
      dayLo < dayHi
        ? [
            ...(await sumTable(db, 'analytics_rollups', scope, { ...args, lo, hi: dayLo })),
            ...(await sumTable(db, daily, scope, { ...args, lo: dayLo, hi: dayHi })),
            ...(await sumTable(db, 'analytics_rollups', scope, { ...args, lo: dayHi, hi })),
          ]
        : await sumTable(db, 'analytics_rollups', scope, { ...args, lo, hi });
  }
  const withBins = input.bins !== false && !input.dims.includes('bucket_at');
  const groups = new Map<string, RollupGroup>();
  for (const r of rows) {
    const key = {} as Record<RollupDim, string | number>;
    for (const d of input.dims) key[d] = d === 'bucket_at' ? Number(r[d]) : String(r[d]);
    const id = input.dims.map((d) => key[d]).join('\u0000');
    let g = groups.get(id);
    if (!g) {
      g = { key, metrics: new Map() };
      groups.set(id, g);
    }
    let m = g.metrics.get(r.metric);
    if (!m) {
      m = { bins: new Map(), count: 0, total: 0 };
      g.metrics.set(r.metric, m);
    }
    const n = Number(r.n);
    const bin = withBins ? Number(r.bin) : 0;
    m.bins.set(bin, (m.bins.get(bin) ?? 0) + n);
    m.count += n;
    m.total += Number(r.t);
  }
  return [...groups.values()];
}

/** A metric's count in a group (0 when absent). */
export function countOf(group: RollupGroup | undefined, metric: string): number {
  return group?.metrics.get(metric)?.count ?? 0;
}

/** A duration metric's distribution in a group. */
export function distributionOf(group: RollupGroup | undefined, metric: string): Distribution {
  const m = group?.metrics.get(metric);
  return m ? summarize(m.bins, m.total) : { count: 0, mean: null, median: null, p90: null };
}

/** Merges groups into one (totals across the dimension values). */
export function mergeGroups(groups: readonly RollupGroup[]): RollupGroup {
  const metrics: RollupGroup['metrics'] = new Map();
  for (const g of groups) {
    for (const [name, m] of g.metrics) {
      let into = metrics.get(name);
      if (!into) {
        into = { bins: new Map(), count: 0, total: 0 };
        metrics.set(name, into);
      }
      for (const [bin, c] of m.bins) into.bins.set(bin, (into.bins.get(bin) ?? 0) + c);
      into.count += m.count;
      into.total += m.total;
    }
  }
  return { key: {} as RollupGroup['key'], metrics };
}

/** Every rollup table as plain rows, ordered: what a recompute must reproduce exactly (tests). */
export async function rollupSnapshot(db: Kysely<DB>): Promise<string[]> {
  const out: string[] = [];
  for (const table of ['analytics_rollups', 'analytics_rollups_daily'] as const) {
    const rows = await db
      .selectFrom(table)
      .select([
        'metric',
        'bucket_at',
        'phone_number_id',
        'team_id',
        'user_id',
        'kind',
        'bin',
        'count',
        'total',
      ])
      .orderBy(['metric', 'bucket_at', 'phone_number_id', 'team_id', 'user_id', 'kind', 'bin'])
      .execute();
    for (const r of rows)
      out.push(
        `${table}|${r.metric}|${Number(r.bucket_at)}|${r.phone_number_id}|${r.team_id}|${r.user_id}|${r.kind}|${r.bin}|${Number(r.count)}|${Number(r.total)}`,
      );
  }
  const byNumber = await db
    .selectFrom('analytics_rollups_number_daily')
    .selectAll()
    .orderBy('metric')
    .orderBy('bucket_at')
    .orderBy('phone_number_id')
    .orderBy('kind')
    .orderBy('bin')
    .execute();
  for (const r of byNumber)
    out.push(
      `number_daily|${r.metric}|${Number(r.bucket_at)}|${r.phone_number_id}|${r.kind}|${r.bin}|${Number(r.count)}|${Number(r.total)}`,
    );
  const series = await db
    .selectFrom('analytics_series')
    .selectAll()
    .orderBy(['metric', 'bucket_at', 'phone_number_id'])
    .execute();
  for (const r of series)
    out.push(
      `series|${r.metric}|${Number(r.bucket_at)}|${r.phone_number_id}|${Number(r.count)}|${Number(r.total)}`,
    );
  return out;
}

/** How a series is placed in local time: by local day, or by local weekday and hour. */
export type LocalGrouping = 'day' | 'weekday_hour';

/**
 * Sums each number's 15-minute series of `metrics` in the scope by local day (`key` = days since
 * 1970-01-01 in local time) or by local weekday and hour (`key` = weekday × 24 + hour, Sunday =
 * 0). The range is cut where the zone's offset changes, and in each span the database places
 * the buckets with integer arithmetic, so a 90-day range returns a few hundred rows, not every
 * bucket.
 */
export async function sumSeriesLocal(
  db: Kysely<DB>,
  scope: ReportScope,
  input: {
    metrics: readonly string[];
    grouping: LocalGrouping;
    spans: readonly { from: number; to: number; offset: number }[];
  },
): Promise<Map<number, Map<string, { count: number; total: number }>>> {
  const out = new Map<number, Map<string, { count: number; total: number }>>();
  if (scope.numbers.length === 0 || input.metrics.length === 0) return out;
  const lo = alignDown(scope.from);
  const hi = alignUp(scope.to);
  for (const span of input.spans) {
    const from = Math.max(lo, span.from);
    const to = Math.min(hi, span.to);
    if (!(to > from)) continue;
    // Integers only (the offset is a whole number of ms), so the raw SQL stays safe.
    const off = Math.trunc(span.offset);
    const local = `(bucket_at + ${off})`;
    const key =
      input.grouping === 'day'
        ? sql.raw(`${local} / ${DAY_MS}`)
        : sql.raw(`((${local} / ${DAY_MS} + 4) % 7) * 24 + (${local} / 3600000) % 24`);
    const rows = await db
      .selectFrom('analytics_series')
      .select([
        'metric',
        key.as('k'),
        (eb) => eb.fn.sum<number | string>('count').as('n'),
        (eb) => eb.fn.sum<number | string>('total').as('t'),
      ])
      .where('metric', 'in', [...input.metrics])
      .where('bucket_at', '>=', from)
      .where('bucket_at', '<', to)
      .where('phone_number_id', 'in', [...scope.numbers])
      .groupBy(['metric', key])
      .execute();
    for (const r of rows) {
      const k = Number(r.k);
      let m = out.get(k);
      if (!m) {
        m = new Map();
        out.set(k, m);
      }
      const hit = m.get(r.metric) ?? { count: 0, total: 0 };
      hit.count += Number(r.n);
      hit.total += Number(r.t);
      m.set(r.metric, hit);
    }
  }
  return out;
}
