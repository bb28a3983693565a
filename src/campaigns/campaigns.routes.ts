import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import {
  campaignReport,
  changeCampaignState,
  createCampaign,
  estimateCampaign,
  getCampaign,
  listCampaigns,
  startCampaign,
} from './campaign-actions.ts';
import { conversationCampaignMarks } from './campaign-marks.ts';
import {
  ZCampaignMarksRequest,
  ZCampaignMarksResponse,
  ZCampaignReportResponse,
  ZCampaignResponse,
  ZCreateCampaignRequest,
  ZEstimateResponse,
  ZListCampaignsResponse,
  ZStartCampaignRequest,
} from './campaigns.schemas.ts';

const ZActionParams = z.object({ id: z.string().min(1), action: z.enum(['pause', 'resume', 'cancel']) });

/**
 * Campaigns: `GET/POST /api/campaigns`, `GET /api/campaigns/:id` (with live progress),
 * `GET /api/campaigns/:id/estimate`, `POST /api/campaigns/:id/start` (now or scheduled),
 * `POST /api/campaigns/:id/{pause|resume|cancel}`, `GET /api/campaigns/:id/report`, and
 * `GET /api/campaigns/marks?conversation_id=` (the inbox's campaign marks of a conversation).
 */
export function campaignsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/campaigns',
      { schema: { response: { 200: ZListCampaignsResponse, ...errorResponses } } },
      async (request) => ({
        data: await listCampaigns(deps, { principal: principalOf(request) }),
        next_cursor: null,
      }),
    );

    app.post(
      '/api/campaigns',
      { schema: { body: ZCreateCampaignRequest, response: { 201: ZCampaignResponse, ...errorResponses } } },
      async (request, reply) => {
        const data = await createCampaign(deps, { principal: principalOf(request), request: request.body });
        return reply.status(201).send({ data });
      },
    );

    app.get(
      '/api/campaigns/marks',
      {
        schema: {
          querystring: ZCampaignMarksRequest,
          response: { 200: ZCampaignMarksResponse, ...errorResponses },
        },
      },
      async (request) => ({
        data: await conversationCampaignMarks(deps.database.db, {
          principal: principalOf(request),
          conversationId: request.query.conversation_id,
        }),
      }),
    );

    app.get(
      '/api/campaigns/:id',
      { schema: { params: ZIdParams, response: { 200: ZCampaignResponse, ...errorResponses } } },
      async (request) => ({
        data: await getCampaign(deps, { principal: principalOf(request), id: request.params.id }),
      }),
    );

    app.get(
      '/api/campaigns/:id/estimate',
      { schema: { params: ZIdParams, response: { 200: ZEstimateResponse, ...errorResponses } } },
      async (request) => ({
        data: await estimateCampaign(deps, { principal: principalOf(request), id: request.params.id }),
      }),
    );

    app.get(
      '/api/campaigns/:id/report',
      { schema: { params: ZIdParams, response: { 200: ZCampaignReportResponse, ...errorResponses } } },
      async (request) => ({
        data: await campaignReport(deps, { principal: principalOf(request), id: request.params.id }),
      }),
    );

    app.post(
      '/api/campaigns/:id/start',
      {
        schema: {
          params: ZIdParams,
          body: ZStartCampaignRequest,
          response: { 200: ZCampaignResponse, ...errorResponses },
        },
      },
      async (request) => ({
        data: await startCampaign(deps, {
          principal: principalOf(request),
          id: request.params.id,
          schedule: request.body?.schedule,
        }),
      }),
    );

    app.post(
      '/api/campaigns/:id/:action',
      { schema: { params: ZActionParams, response: { 200: ZCampaignResponse, ...errorResponses } } },
      async (request) => ({
        data: await changeCampaignState(deps, {
          principal: principalOf(request),
          id: request.params.id,
          action: request.params.action,
        }),
      }),
    );
  };
}
