import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { isHubWide, principalOf } from '../auth/principal.ts';
import { visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import type { EventTables, SubscriberFailureRow } from '../platform/events/event.table.ts';
import {
  findSubscriberFailure,
  listSubscriberFailures,
} from '../platform/events/subscriber-failure.queries.ts';
import { retrySubscriberFailure } from '../platform/events/subscriber-failure.repository.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { listJobFailures } from '../platform/jobs/job.queries.ts';
import { retryJob } from '../platform/jobs/job.repository.ts';
import type { JobRow, JobTables } from '../platform/jobs/job.table.ts';
import { recurringKey } from '../platform/jobs/job.ts';
import { iso, isoOrNull } from '../platform/time.ts';
import {
  ZListJobFailuresRequest,
  ZListJobFailuresResponse,
  ZListSubscriberFailuresRequest,
  ZListSubscriberFailuresResponse,
  ZRetryAcceptedResponse,
  ZSubscriberFailureParams,
} from './background-failures.schemas.ts';

function toApiSubscriberFailure(row: SubscriberFailureRow) {
  return {
    subscriber: row.subscriber,
    event_id: String(row.event_id),
    event_type: row.event_type,
    phone_number_id: row.phone_number_id,
    state: row.state,
    attempts: row.attempts,
    error: row.error,
    next_attempt_at: isoOrNull(row.next_attempt_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function toApiJobFailure(row: JobRow) {
  const recurring = row.key === recurringKey(row.name);
  return {
    id: row.id,
    job: row.name,
    state: row.state,
    recurring,
    attempts: row.attempts,
    error: row.last_error,
    failed_at: isoOrNull(row.failed_at),
    next_run_at: row.state === 'pending' ? iso(row.run_at) : null,
  };
}

/**
 * Background work that kept failing, beside the webhook failures of `GET /api/failures`:
 * `GET /api/failures/subscribers` (events a durable subscriber set aside or gave up on; filtered to
 * the caller's numbers), `POST /api/failures/subscribers/:subscriber/:event_id/retry`,
 * `GET /api/failures/jobs` and `POST /api/failures/jobs/:id/retry` (jobs are hub-wide: only a
 * caller who sees every number sees them).
 */
export function backgroundFailuresRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    // The hub's schema includes these tables; Kysely cannot see a schema as its subset.
    const events = deps.database.db as unknown as Kysely<EventTables>;
    const jobs = deps.database.db as unknown as Kysely<JobTables>;

    app.get(
      '/api/failures/subscribers',
      {
        schema: {
          querystring: ZListSubscriberFailuresRequest,
          response: { 200: ZListSubscriberFailuresResponse, ...errorResponses },
        },
      },
      async (request) => {
        const visible = await visibleNumberIds(deps.database.db, principalOf(request));
        const rows = await listSubscriberFailures(events, {
          state: request.query.state,
          limit: request.query.limit,
          phoneNumberIds: visible,
        });
        return { data: rows.map(toApiSubscriberFailure) };
      },
    );

    app.post(
      '/api/failures/subscribers/:subscriber/:event_id/retry',
      {
        schema: {
          params: ZSubscriberFailureParams,
          response: { 200: ZRetryAcceptedResponse, ...errorResponses },
        },
      },
      async (request) => {
        const visible = await visibleNumberIds(deps.database.db, principalOf(request));
        const eventId = Number(request.params.event_id);
        const row = await findSubscriberFailure(events, { subscriber: request.params.subscriber, eventId });
        // A hub-wide event (no number) is only for those who see every number, as in the list.
        const seen =
          row !== undefined &&
          (visible === null || (row.phone_number_id !== null && visible.includes(row.phone_number_id)));
        const now = deps.clock.now();
        if (!seen || !(await retrySubscriberFailure(events, { subscriber: row.subscriber, eventId, now }))) {
          throw new AppError('NOT_FOUND', 'No such open subscriber failure.');
        }
        deps.signals.emit('events');
        return { retrying: true as const };
      },
    );

    app.get(
      '/api/failures/jobs',
      {
        schema: {
          querystring: ZListJobFailuresRequest,
          response: { 200: ZListJobFailuresResponse, ...errorResponses },
        },
      },
      async (request) => {
        // Background work is the whole hub's: only for who sees all of it (`isHubWide`).
        if (!isHubWide(principalOf(request))) return { data: [] };
        return { data: (await listJobFailures(jobs, { limit: request.query.limit })).map(toApiJobFailure) };
      },
    );

    app.post(
      '/api/failures/jobs/:id/retry',
      { schema: { params: ZIdParams, response: { 200: ZRetryAcceptedResponse, ...errorResponses } } },
      async (request) => {
        const allowed = isHubWide(principalOf(request));
        if (!allowed || !(await retryJob(jobs, { id: request.params.id, now: deps.clock.now() }))) {
          throw new AppError('NOT_FOUND', 'No such failed job.');
        }
        deps.signals.emit('jobs');
        return { retrying: true as const };
      },
    );
  };
}
