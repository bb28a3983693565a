import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../../app-deps.ts';
import { actorOf } from '../../auth/actor.ts';
import { assertWabaAccess, type Principal, principalOf } from '../../auth/principal.ts';
import { seesSharedRows } from '../../auth/scope.ts';
import type { DB } from '../../database.ts';
import { conversationFor } from '../../inbox/conversation-access.ts';
import { masterKeyringOf } from '../../platform/crypto/keyring.ts';
import { AppError } from '../../platform/errors.ts';
import { withEvents } from '../../platform/events/with-events.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../../platform/http/api-schemas.ts';
import { iso, isoOrNull } from '../../platform/time.ts';
import { getAiSettings, saveAiSettings, toApiAiSettings } from '../ai/ai-settings.ts';
import {
  createKbEntry,
  deleteKbEntry,
  findKbAnswer,
  listKbEntries,
  toApiKbEntry,
  updateKbEntry,
} from '../knowledge/knowledge.repository.ts';
import { dryRun } from './dry-run.ts';
import { findFlow, latestSession, loadVersion } from './flow.repository.ts';
import {
  createFlow,
  deleteFlow,
  flowSigningSecret,
  listFlows,
  listVersions,
  toApiFlow,
  updateFlow,
} from './flow-actions.ts';
import {
  ZAiSettings,
  ZAiSettingsParams,
  ZConversationFlowResponse,
  ZCreateFlowRequest,
  ZCreateKbRequest,
  ZDryRunRequest,
  ZDryRunResponse,
  ZFlow,
  ZFlowVersionParams,
  ZFlowVersionResponse,
  ZFlowVersionsResponse,
  ZKbEntry,
  ZKbQuery,
  ZKbSearchQuery,
  ZKbSearchResponse,
  ZListFlowsResponse,
  ZListKbResponse,
  ZSigningSecretResponse,
  ZUpdateAiSettingsRequest,
  ZUpdateFlowRequest,
  ZUpdateKbRequest,
} from './flows.schemas.ts';

type Db = Kysely<DB>;

/** A number the principal may use (its business account in scope); null = every number (unscoped only). */
async function assertNumber(
  db: Db,
  principal: Principal,
  phoneNumberId: string | null | undefined,
): Promise<void> {
  if (!phoneNumberId) {
    if (principal.wabaIds !== null)
      throw new AppError('FORBIDDEN', 'A token scoped to a business account must name a number.');
    return;
  }
  const number = await db
    .selectFrom('phone_numbers')
    .select('waba_id')
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', `No phone number ${phoneNumberId}.`);
  assertWabaAccess(principal, number.waba_id);
}

async function numbersInScope(db: Db, principal: Principal): Promise<Set<string> | null> {
  if (principal.wabaIds === null) return null;
  if (principal.wabaIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('waba_id', 'in', [...principal.wabaIds])
    .execute();
  return new Set(rows.map((r) => r.id));
}

const visible = (scope: Set<string> | null, phoneNumberId: string | null) =>
  scope === null || (phoneNumberId !== null && scope.has(phoneNumberId));

/**
 * Flows (versioned: a new definition publishes a version), the editor's dry run, the knowledge
 * base, each number's AI settings, and the flow run a conversation is inside.
 */
export function flowsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    const visibleFlow = async (principal: Principal, id: string) => {
      const flow = await findFlow(db, id);
      if (!flow || !visible(await numbersInScope(db, principal), flow.phone_number_id)) {
        throw new AppError('NOT_FOUND', `No flow ${id}.`);
      }
      return flow;
    };

    app.get(
      '/api/flows',
      { schema: { response: { 200: ZListFlowsResponse, ...errorResponses } } },
      async (request) => {
        const scope = await numbersInScope(db, principalOf(request));
        const rows = (await listFlows(db)).filter((f) => visible(scope, f.phone_number_id));
        return { data: rows.map((r) => toApiFlow(r)), next_cursor: null };
      },
    );

    app.get(
      '/api/flows/:id',
      { schema: { params: ZIdParams, response: { 200: ZFlow, ...errorResponses } } },
      async (request) => {
        const flow = await visibleFlow(principalOf(request), request.params.id);
        return toApiFlow(flow, await loadVersion(db, flow.id, flow.current_version));
      },
    );

    app.post(
      '/api/flows',
      { schema: { body: ZCreateFlowRequest, response: { 201: ZFlow, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        await assertNumber(db, principal, request.body.phone_number_id);
        const flow = await withEvents(deps, (trx) =>
          createFlow(deps, trx, { ...request.body, actor: actorOf(principal), userId: principal.userId }),
        );
        return reply.code(201).send(toApiFlow(flow, await loadVersion(db, flow.id, 1)));
      },
    );

    app.patch(
      '/api/flows/:id',
      {
        schema: { params: ZIdParams, body: ZUpdateFlowRequest, response: { 200: ZFlow, ...errorResponses } },
      },
      async (request) => {
        const principal = principalOf(request);
        await visibleFlow(principal, request.params.id);
        if (request.body.phone_number_id !== undefined)
          await assertNumber(db, principal, request.body.phone_number_id);
        const flow = await withEvents(deps, (trx) =>
          updateFlow(deps, trx, request.params.id, {
            ...request.body,
            actor: actorOf(principal),
            userId: principal.userId,
          }),
        );
        return toApiFlow(flow, await loadVersion(db, flow.id, flow.current_version));
      },
    );

    app.delete(
      '/api/flows/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        await visibleFlow(principal, request.params.id);
        await withEvents(deps, (trx) => deleteFlow(deps, trx, request.params.id, actorOf(principal)));
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/flows/:id/versions',
      { schema: { params: ZIdParams, response: { 200: ZFlowVersionsResponse, ...errorResponses } } },
      async (request) => {
        const flow = await visibleFlow(principalOf(request), request.params.id);
        const rows = await listVersions(db, flow.id);
        return {
          data: rows.map((r) => ({
            version: r.version,
            created_by: r.created_by,
            created_at: iso(r.created_at),
          })),
        };
      },
    );

    app.get(
      '/api/flows/:id/versions/:version',
      { schema: { params: ZFlowVersionParams, response: { 200: ZFlowVersionResponse, ...errorResponses } } },
      async (request) => {
        const flow = await visibleFlow(principalOf(request), request.params.id);
        return {
          version: request.params.version,
          definition: await loadVersion(db, flow.id, request.params.version),
        };
      },
    );

    app.get(
      '/api/flows/:id/signing-secret',
      { schema: { params: ZIdParams, response: { 200: ZSigningSecretResponse, ...errorResponses } } },
      async (request) => {
        const flow = await visibleFlow(principalOf(request), request.params.id);
        return { secret: await flowSigningSecret(deps, db, flow) };
      },
    );

    app.post(
      '/api/flows/dry-run',
      { schema: { body: ZDryRunRequest, response: { 200: ZDryRunResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        const body = request.body;
        if (body.phone_number_id) await assertNumber(db, principal, body.phone_number_id);
        const result = await dryRun(deps, {
          definition: body.definition,
          phoneNumberId: body.phone_number_id ?? null,
          position: body.position ?? null,
          input: body.input,
          contact: { name: body.contact?.name ?? null, attributes: body.contact?.attributes ?? {} },
        });
        return {
          position: result.position,
          effects: result.effects.map((e) => {
            switch (e.kind) {
              case 'send':
                return { kind: e.kind, step_id: e.stepId, content: e.content };
              case 'set_attributes':
                return { kind: e.kind, step_id: e.stepId, attributes: e.attributes };
              case 'handoff':
                return { kind: e.kind, step_id: e.stepId, note: e.note };
              case 'log':
                return { kind: e.kind, step_id: e.stepId, text: e.text };
              default:
                return { kind: e.kind, step_id: e.stepId };
            }
          }),
        };
      },
    );

    app.get(
      '/api/conversations/:id/flow-run',
      { schema: { params: ZIdParams, response: { 200: ZConversationFlowResponse, ...errorResponses } } },
      async (request) => {
        const { row } = await conversationFor(db, principalOf(request), request.params.id);
        const session = await latestSession(db, row.id);
        if (!session) return { run: null };
        const flow = await findFlow(db, session.flow_id);
        const definition = flow
          ? await loadVersion(db, session.flow_id, session.version).catch(() => null)
          : null;
        const state = JSON.parse(session.state_json) as { answers?: Record<string, string> };
        return {
          run: {
            id: session.id,
            flow_id: session.flow_id,
            flow_name: flow?.name ?? '(deleted flow)',
            version: session.version,
            status: session.status,
            step_id: session.step_id,
            step_type: definition?.steps.find((s) => s.id === session.step_id)?.type ?? null,
            waiting: session.waiting,
            answers: state.answers ?? {},
            started_at: iso(session.started_at),
            ended_at: isoOrNull(session.ended_at),
          },
        };
      },
    );

    // The knowledge base.
    app.get(
      '/api/knowledge',
      { schema: { querystring: ZKbQuery, response: { 200: ZListKbResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        if (request.query.phone_number_id) await assertNumber(db, principal, request.query.phone_number_id);
        const scope = await numbersInScope(db, principal);
        const rows = (
          await listKbEntries(db, { phoneNumberId: request.query.phone_number_id ?? null })
        ).filter((r) =>
          r.phone_number_id === null ? seesSharedRows(principal) : visible(scope, r.phone_number_id),
        );
        return { data: rows.map(toApiKbEntry), next_cursor: null };
      },
    );

    app.get(
      '/api/knowledge/search',
      { schema: { querystring: ZKbSearchQuery, response: { 200: ZKbSearchResponse, ...errorResponses } } },
      async (request) => {
        await assertNumber(db, principalOf(request), request.query.phone_number_id);
        const row = await findKbAnswer(db, {
          phoneNumberId: request.query.phone_number_id,
          query: request.query.q,
          language: request.query.language ?? null,
        });
        return { entry: row ? toApiKbEntry(row) : null };
      },
    );

    app.post(
      '/api/knowledge',
      { schema: { body: ZCreateKbRequest, response: { 201: ZKbEntry, ...errorResponses } } },
      async (request, reply) => {
        await assertNumber(db, principalOf(request), request.body.phone_number_id);
        const row = await createKbEntry(db, { ...request.body, now: deps.clock.now() });
        return reply.code(201).send(toApiKbEntry(row));
      },
    );

    const visibleEntry = async (principal: Principal, id: string) => {
      const row = await db.selectFrom('kb_entries').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', `No knowledge base entry ${id}.`);
      await assertNumber(db, principal, row.phone_number_id);
      return row;
    };

    app.patch(
      '/api/knowledge/:id',
      {
        schema: { params: ZIdParams, body: ZUpdateKbRequest, response: { 200: ZKbEntry, ...errorResponses } },
      },
      async (request) => {
        const principal = principalOf(request);
        await visibleEntry(principal, request.params.id);
        if (request.body.phone_number_id !== undefined)
          await assertNumber(db, principal, request.body.phone_number_id);
        return toApiKbEntry(
          await updateKbEntry(db, request.params.id, { ...request.body, now: deps.clock.now() }),
        );
      },
    );

    app.delete(
      '/api/knowledge/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await visibleEntry(principalOf(request), request.params.id);
        await deleteKbEntry(db, request.params.id);
        return reply.code(204).send();
      },
    );

    // AI reply settings, per number (off by default; the key is write-only and stored encrypted).
    app.get(
      '/api/ai-settings/:numberId',
      { schema: { params: ZAiSettingsParams, response: { 200: ZAiSettings, ...errorResponses } } },
      async (request) => {
        await assertNumber(db, principalOf(request), request.params.numberId);
        return toApiAiSettings(request.params.numberId, await getAiSettings(db, request.params.numberId));
      },
    );

    app.put(
      '/api/ai-settings/:numberId',
      {
        schema: {
          params: ZAiSettingsParams,
          body: ZUpdateAiSettingsRequest,
          response: { 200: ZAiSettings, ...errorResponses },
        },
      },
      async (request) => {
        await assertNumber(db, principalOf(request), request.params.numberId);
        const row = await saveAiSettings(db, masterKeyringOf(deps.config), {
          phoneNumberId: request.params.numberId,
          ...request.body,
          now: deps.clock.now(),
        });
        return toApiAiSettings(request.params.numberId, row);
      },
    );
  };
}
