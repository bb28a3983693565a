import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { principalOf } from '../auth/principal.ts';
import { saveSchedule, schedulesOf } from '../automation/business-hours.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import type { Schedule } from '../platform/schedule.ts';
import { iso } from '../platform/time.ts';
import type { AnalyticsNumberSettingsRow } from './analytics.table.ts';
import { hasOpenHours, intervalsOf, isTimeZone, scheduleOf } from './business-time.ts';
import { visibleNumbers } from './reports.routes.ts';
import {
  ZNumberParams,
  type ZNumberSettings,
  ZNumberSettingsList,
  ZSetNumberSettings,
  ZSlaBreachesRequest,
  ZSlaBreachesResponse,
} from './reports.schemas.ts';

const MIN = 60_000;

/** A number's settings as the API shows them; its business hours are the number's one schedule. */
function toApi(
  id: string,
  row: AnalyticsNumberSettingsRow | undefined,
  stored: Schedule | undefined,
): z.infer<typeof ZNumberSettings> {
  const schedule = stored && hasOpenHours(stored) ? stored : null;
  return {
    phone_number_id: id,
    time_zone: stored?.timeZone ?? row?.time_zone ?? 'UTC',
    business_hours: schedule ? intervalsOf(schedule.weekly) : null,
    holidays: schedule ? [...(schedule.holidays ?? [])] : [],
    first_response_target_minutes:
      row?.first_response_target_ms != null ? Math.round(Number(row.first_response_target_ms) / MIN) : null,
    resolution_target_minutes:
      row?.resolution_target_ms != null ? Math.round(Number(row.resolution_target_ms) / MIN) : null,
    csat_enabled: row?.csat_enabled === 1,
    csat_question: row?.csat_question ?? null,
    csat_template:
      row?.csat_template_name && row.csat_template_language
        ? { name: row.csat_template_name, language: row.csat_template_language }
        : null,
  };
}

/**
 * Per-number report settings (time zone and business hours, first-response and resolution targets,
 * the CSAT survey): `GET /api/reports/settings`, `PUT /api/reports/settings/:phone_number_id`
 * (admins). And the SLA breaches: `GET /api/reports/sla-breaches`.
 */
export function numberSettingsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/reports/settings',
      { schema: { response: { 200: ZNumberSettingsList, ...errorResponses } } },
      async (request) => {
        const numbers = await visibleNumbers(deps, principalOf(request));
        const rows =
          numbers.length === 0
            ? []
            : await db
                .selectFrom('analytics_number_settings')
                .selectAll()
                .where('phone_number_id', 'in', numbers)
                .execute();
        const schedules = await schedulesOf(db, numbers);
        return {
          data: numbers.map((id) =>
            toApi(
              id,
              rows.find((r) => r.phone_number_id === id),
              schedules.get(id),
            ),
          ),
        };
      },
    );

    app.put(
      '/api/reports/settings/:phone_number_id',
      {
        schema: {
          params: ZNumberParams,
          body: ZSetNumberSettings,
          response: { 200: ZNumberSettingsList.shape.data.element, ...errorResponses },
        },
      },
      async (request) => {
        const id = request.params.phone_number_id;
        await visibleNumbers(deps, principalOf(request), id);
        const b = request.body;
        if (!isTimeZone(b.time_zone))
          throw new AppError('VALIDATION_FAILED', `Unknown time zone ${b.time_zone}.`);
        for (const iv of b.business_hours ?? []) {
          if (iv.start >= iv.end)
            throw new AppError('VALIDATION_FAILED', 'A business-hours interval must end after it starts.');
        }
        // The number's one schedule (`automation/business-hours.ts`: the out-of-hours reply and the
        // automation's business-hours conditions read the same hours), as `platform/schedule.ts`'s model.
        const schedule =
          b.business_hours && b.business_hours.length > 0
            ? scheduleOf({ timeZone: b.time_zone, intervals: b.business_hours, holidays: b.holidays })
            : null;
        const values = {
          time_zone: b.time_zone,
          first_response_target_ms:
            b.first_response_target_minutes === null ? null : b.first_response_target_minutes * MIN,
          resolution_target_ms:
            b.resolution_target_minutes === null ? null : b.resolution_target_minutes * MIN,
          csat_enabled: b.csat_enabled ? 1 : 0,
          csat_question: b.csat_question,
          csat_template_name: b.csat_template?.name ?? null,
          csat_template_language: b.csat_template?.language ?? null,
          updated_at: deps.clock.now(),
        };
        const principal = principalOf(request);
        await withEvents(deps, async (trx) => {
          await trx
            .insertInto('analytics_number_settings')
            .values({ phone_number_id: id, ...values })
            .onConflict((oc) => oc.column('phone_number_id').doUpdateSet(values))
            .execute();
          await saveSchedule(trx, { phoneNumberId: id, schedule, now: values.updated_at });
          await recordEvent(
            trx,
            {
              type: 'number.changed',
              phoneNumberId: id,
              payload: { phone_number_id: id, change: 'report_settings', actor: actorOf(principal) },
            },
            values.updated_at,
          );
        });
        const row = await db
          .selectFrom('analytics_number_settings')
          .selectAll()
          .where('phone_number_id', '=', id)
          .executeTakeFirst();
        return toApi(id, row, (await schedulesOf(db, [id])).get(id));
      },
    );

    app.get(
      '/api/reports/sla-breaches',
      {
        schema: {
          querystring: ZSlaBreachesRequest,
          response: { 200: ZSlaBreachesResponse, ...errorResponses },
        },
      },
      async (request) => {
        const numbers = await visibleNumbers(deps, principalOf(request), request.query.phone_number_id);
        if (numbers.length === 0) return { data: [] };
        let q = db
          .selectFrom('sla_breaches')
          .selectAll()
          .where('phone_number_id', 'in', numbers)
          .orderBy('created_at', 'desc')
          .limit(request.query.limit);
        if (request.query.from) q = q.where('created_at', '>=', Date.parse(request.query.from) || 0);
        if (request.query.to)
          q = q.where('created_at', '<', Date.parse(request.query.to) || Number.MAX_SAFE_INTEGER);
        const rows = await q.execute();
        return {
          data: rows.map((r) => ({
            id: r.id,
            conversation_id: r.conversation_id,
            phone_number_id: r.phone_number_id,
            kind: r.kind,
            target_ms: Number(r.target_ms),
            due_at: iso(Number(r.due_at)),
            assignee_user_id: r.assignee_user_id,
            team_id: r.team_id,
            created_at: iso(Number(r.created_at)),
          })),
        };
      },
    );
  };
}
