import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { ZGraphIdParams } from '../graph/graph-ids.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import {
  ZRegisterNumberRequest,
  ZRegisterNumberResponse,
  ZRequestSyncRequest,
  ZSetThroughputRequest,
  ZSetThroughputResponse,
  ZSyncRequestResponse,
} from './numbers.schemas.ts';
import { registerNumber, setThroughput } from './register-number.ts';
import { requestSync } from './request-sync.ts';

/**
 * `POST /api/numbers` (register a number from Graph), `POST /api/numbers/:id/sync` (the one-time
 * coexistence contacts/history sync) and `PATCH /api/numbers/:id/sending` (throughput override).
 */
export function onboardingRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/numbers',
      {
        schema: {
          body: ZRegisterNumberRequest,
          response: { 201: ZRegisterNumberResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { phone_number_id, waba_id } = request.body;
        const principal = principalOf(request);
        const number = await registerNumber(deps, {
          principal,
          phoneNumberId: phone_number_id,
          wabaId: waba_id,
        });
        return reply.code(201).send(number);
      },
    );

    app.patch(
      '/api/numbers/:id/sending',
      {
        schema: {
          params: ZGraphIdParams,
          body: ZSetThroughputRequest,
          response: { 200: ZSetThroughputResponse, ...errorResponses },
        },
      },
      async (request) =>
        setThroughput(deps, {
          principal: principalOf(request),
          phoneNumberId: request.params.id,
          throughputMps: request.body.throughput_mps,
        }),
    );

    app.post(
      '/api/numbers/:id/sync',
      {
        schema: {
          params: ZGraphIdParams,
          body: ZRequestSyncRequest,
          response: { 200: ZSyncRequestResponse, ...errorResponses },
        },
      },
      async (request) =>
        requestSync(deps, {
          principal: principalOf(request),
          phoneNumberId: request.params.id,
          syncType: request.body.sync_type,
        }),
    );
  };
}
