import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { automatedOriginsOf } from './automated-origins.ts';
import {
  ZAddVipRequest,
  ZAutomatedOriginsResponse,
  ZAutomationSettings,
  ZBusinessHours,
  ZContactParams,
  ZControl,
  ZCreateRuleRequest,
  ZListRulesQuery,
  ZListRulesResponse,
  ZListRunsQuery,
  ZListRunsResponse,
  ZListVipsResponse,
  ZNumberParams,
  ZPutAutomationSettingsRequest,
  ZPutBusinessHoursRequest,
  ZReorderRulesRequest,
  ZRule,
  ZUpdateRuleRequest,
  ZVip,
} from './automation.schemas.ts';
import {
  addVip,
  automationSettings,
  businessHours,
  controlOf,
  createRule,
  deleteBusinessHours,
  deleteRule,
  getRule,
  listRules,
  listRuns,
  listVips,
  putAutomationSettings,
  putBusinessHours,
  removeVip,
  toApiControl,
  updateRule,
} from './automation-admin.ts';
import { handBack, keepWithHumans, takeOver } from './control.ts';
import { reorderRules } from './rule-order.ts';

const ruleResponse = { 200: ZRule, ...errorResponses };
const controlResponse = { 200: ZControl, ...errorResponses };

/**
 * Automation's API: rules and their run log, who controls a conversation (take over, hand back,
 * keep with humans), a number's automation settings and business hours, VIP contacts. Writes under
 * `/api/automation` are for supervisors and up (`automation.write`); the control actions are
 * conversation work (`conversation.write`).
 */
export function automationRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/automation/rules',
      { schema: { querystring: ZListRulesQuery, response: { 200: ZListRulesResponse, ...errorResponses } } },
      async (request) => ({
        data: await listRules(db, principalOf(request), request.query.phone_number_id),
        next_cursor: null,
      }),
    );
    app.post(
      '/api/automation/rules',
      { schema: { body: ZCreateRuleRequest, response: { 201: ZRule, ...errorResponses } } },
      async (request, reply) => {
        const b = request.body;
        const rule = await createRule(deps, {
          principal: principalOf(request),
          name: b.name,
          phoneNumberId: b.phone_number_id ?? null,
          enabled: b.enabled,
          position: b.position,
          trigger: b.trigger,
          conditions: b.conditions,
          actions: b.actions,
        });
        return reply.code(201).send(rule);
      },
    );
    app.post(
      '/api/automation/rules/order',
      { schema: { body: ZReorderRulesRequest, response: { 200: ZListRulesResponse, ...errorResponses } } },
      async (request) => ({
        data: await reorderRules(deps, { principal: principalOf(request), ids: request.body.ids }),
        next_cursor: null,
      }),
    );
    app.get(
      '/api/automation/rules/:id',
      { schema: { params: ZIdParams, response: ruleResponse } },
      async (request) => getRule(db, principalOf(request), request.params.id),
    );
    app.patch(
      '/api/automation/rules/:id',
      { schema: { params: ZIdParams, body: ZUpdateRuleRequest, response: ruleResponse } },
      async (request) =>
        updateRule(deps, { principal: principalOf(request), id: request.params.id, patch: request.body }),
    );
    app.delete(
      '/api/automation/rules/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deleteRule(deps, { principal: principalOf(request), id: request.params.id });
        return reply.code(204).send();
      },
    );
    app.get(
      '/api/automation/runs',
      { schema: { querystring: ZListRunsQuery, response: { 200: ZListRunsResponse, ...errorResponses } } },
      async (request) =>
        listRuns(db, principalOf(request), {
          conversationId: request.query.conversation_id,
          ruleId: request.query.rule_id,
          outcome: request.query.outcome,
          from: request.query.from === undefined ? undefined : Date.parse(request.query.from),
          to: request.query.to === undefined ? undefined : Date.parse(request.query.to),
          before: request.query.before,
          limit: request.query.limit,
        }),
    );

    app.get(
      '/api/conversations/:id/automated',
      { schema: { params: ZIdParams, response: { 200: ZAutomatedOriginsResponse, ...errorResponses } } },
      async (request) => ({ data: await automatedOriginsOf(db, principalOf(request), request.params.id) }),
    );
    app.get(
      '/api/conversations/:id/control',
      { schema: { params: ZIdParams, response: controlResponse } },
      async (request) => controlOf(deps, principalOf(request), request.params.id),
    );
    app.post(
      '/api/conversations/:id/control/take-over',
      { schema: { params: ZIdParams, response: controlResponse } },
      async (request) =>
        toApiControl(
          await takeOver(deps, { principal: principalOf(request), conversationId: request.params.id }),
        ),
    );
    app.post(
      '/api/conversations/:id/control/hand-back',
      { schema: { params: ZIdParams, response: controlResponse } },
      async (request) =>
        toApiControl(
          await handBack(deps, { principal: principalOf(request), conversationId: request.params.id }),
        ),
    );
    app.post(
      '/api/conversations/:id/control/keep-with-humans',
      { schema: { params: ZIdParams, response: controlResponse } },
      async (request) =>
        toApiControl(
          await keepWithHumans(deps, { principal: principalOf(request), conversationId: request.params.id }),
        ),
    );

    app.get(
      '/api/automation/settings/:id',
      { schema: { params: ZNumberParams, response: { 200: ZAutomationSettings, ...errorResponses } } },
      async (request) => automationSettings(db, principalOf(request), request.params.id),
    );
    app.put(
      '/api/automation/settings/:id',
      {
        schema: {
          params: ZNumberParams,
          body: ZPutAutomationSettingsRequest,
          response: { 200: ZAutomationSettings, ...errorResponses },
        },
      },
      async (request) =>
        putAutomationSettings(deps, {
          principal: principalOf(request),
          phoneNumberId: request.params.id,
          humanSilenceMinutes: request.body.human_silence_minutes,
          loopCapPerHour: request.body.loop_cap_per_hour,
        }),
    );

    app.get(
      '/api/automation/business-hours/:id',
      { schema: { params: ZNumberParams, response: { 200: ZBusinessHours, ...errorResponses } } },
      async (request) => businessHours(deps, principalOf(request), request.params.id),
    );
    app.put(
      '/api/automation/business-hours/:id',
      {
        schema: {
          params: ZNumberParams,
          body: ZPutBusinessHoursRequest,
          response: { 200: ZBusinessHours, ...errorResponses },
        },
      },
      async (request) =>
        putBusinessHours(deps, {
          principal: principalOf(request),
          phoneNumberId: request.params.id,
          timeZone: request.body.time_zone,
          weekly: request.body.weekly,
          holidays: request.body.holidays,
          outOfHoursText: request.body.out_of_hours_text,
        }),
    );
    app.delete(
      '/api/automation/business-hours/:id',
      { schema: { params: ZNumberParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deleteBusinessHours(deps, {
          principal: principalOf(request),
          phoneNumberId: request.params.id,
        });
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/automation/vips',
      { schema: { response: { 200: ZListVipsResponse, ...errorResponses } } },
      async (request) => ({ data: await listVips(db, principalOf(request)), next_cursor: null }),
    );
    app.post(
      '/api/automation/vips',
      { schema: { body: ZAddVipRequest, response: { 201: ZVip, ...errorResponses } } },
      async (request, reply) => {
        const vip = await addVip(deps, {
          principal: principalOf(request),
          contactId: request.body.contact_id,
          note: request.body.note ?? null,
        });
        return reply.code(201).send(vip);
      },
    );
    app.delete(
      '/api/automation/vips/:contactId',
      { schema: { params: ZContactParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await removeVip(deps, { principal: principalOf(request), contactId: request.params.contactId });
        return reply.code(204).send();
      },
    );
  };
}
