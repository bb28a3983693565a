import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { loadRateCard } from '../costs/rate-card.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { iso } from '../platform/time.ts';
import { isTimeZone } from './business-time.ts';
import { campaignsReport } from './campaign-report.ts';
import { recomputeAnalytics } from './recompute.ts';
import {
  type ReportRequest,
  ZBusiestHoursResponse,
  ZCampaignsReportResponse,
  ZCostsReportResponse,
  ZGroupedResponse,
  ZOverviewResponse,
  ZRecomputeResponse,
  ZReportRequest,
  ZRespondersResponse,
} from './reports.schemas.ts';
import {
  busiestHoursReport,
  costsReport,
  groupedReport,
  overviewReport,
  type ReportOptions,
  respondersReport,
} from './reports.ts';

const DAY = 86_400_000;
/** The longest range one report covers. */
const MAX_RANGE = 400 * DAY;

function parseTime(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION_FAILED', `${name} is not a date: ${value}`);
  return ms;
}

/** The numbers a principal may report on (within its business accounts), narrowed to one if asked. */
export async function visibleNumbers(deps: AppDeps, principal: Principal, only?: string): Promise<string[]> {
  let q = deps.database.db.selectFrom('phone_numbers').select('id');
  if (principal.wabaIds !== null) q = q.where('waba_id', 'in', [...principal.wabaIds, '']);
  if (only !== undefined) q = q.where('id', '=', only);
  const ids = (await q.execute()).map((r) => r.id);
  if (only !== undefined && ids.length === 0) throw new AppError('NOT_FOUND', `No phone number ${only}.`);
  return ids;
}

async function optionsOf(deps: AppDeps, principal: Principal, query: ReportRequest): Promise<ReportOptions> {
  const now = deps.clock.now();
  const to = parseTime(query.to, now, 'to');
  const from = parseTime(query.from, to - 30 * DAY, 'from');
  if (!(from < to)) throw new AppError('VALIDATION_FAILED', '`from` must be before `to`.');
  if (to - from > MAX_RANGE) throw new AppError('VALIDATION_FAILED', 'A report covers at most 400 days.');
  if (!isTimeZone(query.time_zone))
    throw new AppError('VALIDATION_FAILED', `Unknown time zone ${query.time_zone}.`);
  return {
    from,
    to,
    numbers: await visibleNumbers(deps, principal, query.phone_number_id),
    timeZone: query.time_zone,
    businessHours: query.business_hours === 'true',
  };
}

const rangeOf = (o: ReportOptions) => ({
  from: iso(o.from),
  to: iso(o.to),
  time_zone: o.timeZone,
  business_hours: o.businessHours,
});

async function namesOf(deps: AppDeps, dim: 'user_id' | 'team_id' | 'phone_number_id', ids: string[]) {
  const wanted = ids.filter((id) => id !== '');
  const names = new Map<string, string>();
  if (wanted.length === 0) return names;
  const db = deps.database.db;
  if (dim === 'user_id') {
    for (const r of await db.selectFrom('users').select(['id', 'name']).where('id', 'in', wanted).execute())
      names.set(r.id, r.name);
  } else if (dim === 'team_id') {
    for (const r of await db.selectFrom('teams').select(['id', 'name']).where('id', 'in', wanted).execute())
      names.set(r.id, r.name);
  } else {
    for (const r of await db
      .selectFrom('phone_numbers')
      .select(['id', 'display_phone_number', 'verified_name'])
      .where('id', 'in', wanted)
      .execute())
      names.set(
        r.id,
        r.verified_name ? `${r.verified_name} (${r.display_phone_number})` : r.display_phone_number,
      );
  }
  return names;
}

/**
 * `GET /api/reports/*`: the analytics reports, read from the rollups (supervisors and up), and
 * `POST /api/reports/recompute` (admins), which rebuilds them from the event log.
 */
export function reportsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/reports/overview',
      { schema: { querystring: ZReportRequest, response: { 200: ZOverviewResponse, ...errorResponses } } },
      async (request) => {
        const o = await optionsOf(deps, principalOf(request), request.query);
        return { ...rangeOf(o), ...(await overviewReport(db, o)) };
      },
    );

    for (const [path, dim] of [
      ['/api/reports/agents', 'user_id'],
      ['/api/reports/teams', 'team_id'],
      ['/api/reports/numbers', 'phone_number_id'],
    ] as const) {
      app.get(
        path,
        { schema: { querystring: ZReportRequest, response: { 200: ZGroupedResponse, ...errorResponses } } },
        async (request) => {
          const o = await optionsOf(deps, principalOf(request), request.query);
          const rows = await groupedReport(db, o, dim);
          const names = await namesOf(
            deps,
            dim,
            rows.map((r) => r.key),
          );
          return {
            ...rangeOf(o),
            data: rows.map((r) => ({ id: r.key, name: names.get(r.key) ?? null, metrics: r.core })),
          };
        },
      );
    }

    app.get(
      '/api/reports/responders',
      { schema: { querystring: ZReportRequest, response: { 200: ZRespondersResponse, ...errorResponses } } },
      async (request) => {
        const o = await optionsOf(deps, principalOf(request), request.query);
        return { ...rangeOf(o), data: await respondersReport(db, o) };
      },
    );

    app.get(
      '/api/reports/busiest-hours',
      {
        schema: { querystring: ZReportRequest, response: { 200: ZBusiestHoursResponse, ...errorResponses } },
      },
      async (request) => {
        const o = await optionsOf(deps, principalOf(request), request.query);
        return { ...rangeOf(o), data: await busiestHoursReport(db, o) };
      },
    );

    app.get(
      '/api/reports/costs',
      { schema: { querystring: ZReportRequest, response: { 200: ZCostsReportResponse, ...errorResponses } } },
      async (request) => {
        const o = await optionsOf(deps, principalOf(request), request.query);
        const card = await loadRateCard({ db, dataDir: deps.config.dataDir, now: deps.clock.now() });
        const report = await costsReport(db, o, card);
        return {
          ...rangeOf(o),
          currency: report.currency,
          free_service_window_share: report.free_service_window_share,
          rows: report.rows.map(({ cost_micros: _, ...r }) => r),
        };
      },
    );

    app.get(
      '/api/reports/campaigns',
      {
        schema: {
          querystring: ZReportRequest,
          response: { 200: ZCampaignsReportResponse, ...errorResponses },
        },
      },
      async (request) => {
        const o = await optionsOf(deps, principalOf(request), request.query);
        const card = await loadRateCard({ db, dataDir: deps.config.dataDir, now: deps.clock.now() });
        return { ...rangeOf(o), ...(await campaignsReport(db, o, card)) };
      },
    );

    app.post(
      '/api/reports/recompute',
      { schema: { response: { 200: ZRecomputeResponse, ...errorResponses } } },
      async () => {
        const r = await recomputeAnalytics(db, { dialect: deps.database.dialect, now: deps.clock.now() });
        return {
          events: r.events,
          from_id: r.fromId,
          to_id: r.toId,
          since: r.since === null ? null : iso(r.since),
          rollup_rows: r.rollupRows,
          conversations: r.conversations,
        };
      },
    );
  };
}
