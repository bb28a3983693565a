import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../app-deps.ts';
import { type Principal, principalOf } from '../../auth/principal.ts';
import { seesSharedRows } from '../../auth/scope.ts';
import { AppError } from '../../platform/errors.ts';
import { eventCatalogue, eventTypes } from '../../platform/events/catalogue.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../../platform/http/api-schemas.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.ts';
import { isoOrNull } from '../../platform/time.ts';
import { recoverSince, resendDelivery } from './delivery.repository.ts';
import { assertUrlAllowed, EgressRefusedError } from './egress.ts';
import { findEndpoint, listEndpoints } from './endpoint.queries.ts';
import { createEndpoint, deleteEndpoint, rotateSecret, updateEndpoint } from './endpoint.repository.ts';
import { attemptToApi, deliveryToApi, endpointToApi } from './outbound-webhooks.mapper.ts';
import {
  ZDeliveryDetail,
  ZDeliveryList,
  ZDeliveryParams,
  ZDeliveryQuery,
  ZEndpoint,
  ZEndpointCreate,
  ZEndpointList,
  ZEndpointUpdate,
  ZEndpointWithSecret,
  ZEventTypeList,
  ZRecoverRequest,
  ZRecoverResponse,
  ZResendResponse,
  ZRotateRequest,
  ZRotateResponse,
} from './outbound-webhooks.schemas.ts';
import { secretStoreFor } from './secret-store.ts';

const BASE = '/api/integrations/webhooks';

/**
 * Outbound webhooks' API (`docs/integrations.md`): endpoints (create, list, change, delete, rotate
 * the secret), each endpoint's delivery log with request and response, resend, and recover
 * everything since a time. Admins only (`integrations` in the policy table); a caller scoped to
 * business accounts sees and creates only endpoints of those.
 */
export function outboundWebhooksRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const { db } = deps.database;
    const policy = { allow: deps.config.webhookEgressAllow };
    const store = secretStoreFor(deps.config.masterKeys);

    const checkUrl = (url: string) => {
      try {
        assertUrlAllowed(url, policy);
      } catch (error) {
        if (error instanceof EgressRefusedError)
          throw new AppError('WEBHOOK_URL_REFUSED', undefined, { reason: error.message });
        throw error;
      }
    };
    const endpointOr404 = async (principal: Principal, id: string) => {
      const row = await findEndpoint(db, {
        id,
        wabaIds: principal.wabaIds,
        shared: seesSharedRows(principal),
      });
      if (!row) throw new AppError('NOT_FOUND', 'No such webhook endpoint.');
      return row;
    };

    app.get(
      '/api/integrations/event-types',
      { schema: { response: { 200: ZEventTypeList, ...errorResponses } } },
      async () => ({
        data: eventTypes.map((type) => ({ type, description: eventCatalogue[type].description })),
      }),
    );

    app.get(BASE, { schema: { response: { 200: ZEndpointList, ...errorResponses } } }, async (request) => {
      const principal = principalOf(request);
      const rows = await listEndpoints(db, { wabaIds: principal.wabaIds, shared: seesSharedRows(principal) });
      const now = deps.clock.now();
      return { data: rows.map((row) => endpointToApi(row, now)) };
    });

    app.post(
      BASE,
      { schema: { body: ZEndpointCreate, response: { 201: ZEndpointWithSecret, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        const { url, description, event_types, waba_id, ed25519 } = request.body;
        checkUrl(url);
        if (principal.wabaIds !== null && (waba_id === undefined || !principal.wabaIds.includes(waba_id)))
          throw new AppError('VALIDATION_FAILED', 'waba_id must name one of your business accounts.');
        const now = deps.clock.now();
        const { row, secret } = await createEndpoint(db, {
          url,
          description,
          eventTypes: event_types,
          wabaId: waba_id ?? null,
          ed25519,
          now,
          store,
        });
        return reply.code(201).send({ ...endpointToApi(row, now), secret });
      },
    );

    app.get(
      `${BASE}/:id`,
      { schema: { params: ZIdParams, response: { 200: ZEndpoint, ...errorResponses } } },
      async (request) =>
        endpointToApi(await endpointOr404(principalOf(request), request.params.id), deps.clock.now()),
    );

    app.patch(
      `${BASE}/:id`,
      {
        schema: { params: ZIdParams, body: ZEndpointUpdate, response: { 200: ZEndpoint, ...errorResponses } },
      },
      async (request) => {
        const principal = principalOf(request);
        await endpointOr404(principal, request.params.id);
        const { url, description, event_types, enabled, ed25519 } = request.body;
        if (url !== undefined) checkUrl(url);
        const now = deps.clock.now();
        await updateEndpoint(db, {
          id: request.params.id,
          now,
          ...(url !== undefined ? { url } : {}),
          ...(description !== undefined ? { description } : {}),
          ...(event_types !== undefined ? { eventTypes: event_types } : {}),
          ...(enabled !== undefined ? { enabled } : {}),
          ...(ed25519 !== undefined ? { ed25519, store } : {}),
        });
        return endpointToApi(await endpointOr404(principal, request.params.id), now);
      },
    );

    app.delete(
      `${BASE}/:id`,
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await endpointOr404(principalOf(request), request.params.id);
        await deleteEndpoint(db, { id: request.params.id, now: deps.clock.now(), store });
        return reply.code(204).send();
      },
    );

    app.post(
      `${BASE}/:id/rotate-secret`,
      {
        schema: {
          params: ZIdParams,
          body: ZRotateRequest,
          response: { 200: ZRotateResponse, ...errorResponses },
        },
      },
      async (request) => {
        await endpointOr404(principalOf(request), request.params.id);
        const now = deps.clock.now();
        const overlapMs = (request.body?.overlap_seconds ?? 86_400) * 1000;
        const { secret, publicKey } = await rotateSecret(db, {
          id: request.params.id,
          overlapMs,
          now,
          store,
        });
        return {
          secret,
          public_key: publicKey,
          previous_secret_expires_at: overlapMs > 0 ? isoOrNull(now + overlapMs) : null,
        };
      },
    );

    app.post(
      `${BASE}/:id/recover`,
      {
        schema: {
          params: ZIdParams,
          body: ZRecoverRequest,
          response: { 200: ZRecoverResponse, ...errorResponses },
        },
      },
      async (request) => {
        const endpoint = await endpointOr404(principalOf(request), request.params.id);
        const result = await recoverSince(db, {
          endpoint,
          since: Date.parse(request.body.since),
          now: deps.clock.now(),
        });
        deps.signals.emit('jobs');
        return result;
      },
    );

    app.get(
      `${BASE}/:id/deliveries`,
      {
        schema: {
          params: ZIdParams,
          querystring: ZDeliveryQuery,
          response: { 200: ZDeliveryList, ...errorResponses },
        },
      },
      async (request) => {
        await endpointOr404(principalOf(request), request.params.id);
        const { limit, cursor, state } = request.query;
        let q = db
          .selectFrom('webhook_deliveries')
          .selectAll()
          .where('endpoint_id', '=', request.params.id)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (state) q = q.where('state', '=', state);
        if (cursor) {
          const [at, id] = decodeCursor(cursor, ['number', 'string'] as const);
          q = q.where((eb) =>
            eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
          );
        }
        const rows = await q.execute();
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          data: page.map(deliveryToApi),
          next_cursor: rows.length > limit && last ? encodeCursor([Number(last.created_at), last.id]) : null,
        };
      },
    );

    const deliveryOr404 = async (principal: Principal, endpointId: string, deliveryId: string) => {
      await endpointOr404(principal, endpointId);
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', deliveryId)
        .where('endpoint_id', '=', endpointId)
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', 'No such delivery.');
      return row;
    };

    app.get(
      `${BASE}/:id/deliveries/:deliveryId`,
      { schema: { params: ZDeliveryParams, response: { 200: ZDeliveryDetail, ...errorResponses } } },
      async (request) => {
        const row = await deliveryOr404(principalOf(request), request.params.id, request.params.deliveryId);
        const attempts = await db
          .selectFrom('webhook_attempts')
          .selectAll()
          .where('delivery_id', '=', row.id)
          .orderBy('id')
          .execute();
        return { ...deliveryToApi(row), request_body: row.body, attempts_log: attempts.map(attemptToApi) };
      },
    );

    app.post(
      `${BASE}/:id/deliveries/:deliveryId/resend`,
      { schema: { params: ZDeliveryParams, response: { 200: ZResendResponse, ...errorResponses } } },
      async (request) => {
        const row = await deliveryOr404(principalOf(request), request.params.id, request.params.deliveryId);
        const resent = await resendDelivery(db, { id: row.id, now: deps.clock.now() });
        deps.signals.emit('jobs');
        return { resent };
      },
    );
  };
}
