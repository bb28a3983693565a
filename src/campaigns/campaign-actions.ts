import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { audienceBatches } from '../audiences/audience.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { parseJsonOr } from '../platform/json.ts';
import { campaignButtons, campaignTimeline, toApiCampaign } from './campaign.queries.ts';
import type { CampaignRow, CampaignState } from './campaign.table.ts';
import { campaignCosts, estimateCampaignCost } from './campaign-cost.ts';
import { scheduleFanout } from './campaign-fanout.job.ts';
import { parameterProblems, templateShape } from './campaign-parameters.ts';
import type { Audience, CostEstimate, CreateCampaignRequest } from './campaigns.schemas.ts';
import { zonedTimeToUtc } from './local-time.ts';

async function visibleCampaign(deps: AppDeps, principal: Principal, id: string): Promise<CampaignRow> {
  const c = await deps.database.db
    .selectFrom('campaigns')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!c || (principal.wabaIds !== null && !principal.wabaIds.includes(c.waba_id))) {
    throw new AppError('NOT_FOUND', 'No such campaign.');
  }
  return c;
}

async function changed(
  trx: Kysely<DB>,
  c: CampaignRow,
  action: string,
  principal: Principal | null,
  now: number,
) {
  await recordEvent(
    trx,
    {
      type: 'campaign.changed',
      phoneNumberId: c.phone_number_id,
      payload: { campaign_id: c.id, action, actor: principal ? actorOf(principal) : null },
    },
    now,
  );
}

/** The contact ids the audience selects now (for the estimate; the send snapshots it again at start). */
async function audienceIds(
  db: Kysely<DB>,
  c: Pick<CampaignRow, 'audience_json' | 'phone_number_id'>,
  now: number,
) {
  const audience = parseJsonOr<Audience | null>(c.audience_json, null);
  if (!audience) return [];
  if ('contact_ids' in audience) {
    const out: string[] = [];
    const unique = [...new Set(audience.contact_ids)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await db
        .selectFrom('contacts')
        .select('id')
        .where('phone_number_id', '=', c.phone_number_id)
        .where('id', 'in', unique.slice(i, i + 500))
        .execute();
      out.push(...rows.map((r) => r.id));
    }
    return out;
  }
  const segment = 'segment_id' in audience ? audience.segment_id : audience.filter;
  const out: string[] = [];
  for await (const batch of audienceBatches(db, segment, { numberId: c.phone_number_id, now, size: 5000 })) {
    out.push(...batch);
  }
  return out;
}

/** The cost estimate of a campaign if it were sent at `at` (its schedule, or now). */
export async function estimateCampaign(
  deps: AppDeps,
  input: { principal: Principal; id: string; at?: number },
): Promise<CostEstimate> {
  const c = await visibleCampaign(deps, input.principal, input.id);
  return estimateRow(deps, c, input.at ?? c.scheduled_at ?? deps.clock.now());
}

async function estimateRow(deps: AppDeps, c: CampaignRow, at: number): Promise<CostEstimate> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const template = await db
    .selectFrom('templates')
    .select('category')
    .where('waba_id', '=', c.waba_id)
    .where('name', '=', c.template_name)
    .where('language', '=', c.template_language)
    .executeTakeFirst();
  const card = await loadRateCard({ db, dataDir: deps.config.dataDir, now });
  const ids = await audienceIds(db, c, now);
  return estimateCampaignCost(db, {
    numberId: c.phone_number_id,
    category: template?.category ?? null,
    contactIds: ids,
    card,
    at: Math.max(at, now),
  });
}

/** Creates a draft campaign (template, parameter mapping, audience) with its cost estimate. */
export async function createCampaign(
  deps: AppDeps,
  input: { principal: Principal; request: CreateCampaignRequest },
) {
  const { principal, request } = input;
  const db = deps.database.db;
  const number = await db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id'])
    .where('id', '=', request.phone_number_id)
    .executeTakeFirst();
  if (!number || (principal.wabaIds !== null && !principal.wabaIds.includes(number.waba_id))) {
    throw new AppError('NOT_FOUND', `No phone number ${request.phone_number_id}.`);
  }
  const template = await db
    .selectFrom('templates')
    .select(['status', 'category', 'components_json', 'parameter_format'])
    .where('waba_id', '=', number.waba_id)
    .where('name', '=', request.template.name)
    .where('language', '=', request.template.language)
    .executeTakeFirst();
  if (!template || template.status === 'DELETED') {
    throw new AppError(
      'TEMPLATE_NOT_FOUND',
      `No template "${request.template.name}" in ${request.template.language}.`,
      {
        name: request.template.name,
        language: request.template.language,
      },
    );
  }
  // Every variable, media header and button parameter mapped, before a single recipient is refused.
  // (A template known only from a status webhook has no components yet: the send policy checks.)
  const problems =
    template.components_json === null
      ? []
      : parameterProblems(templateShape(template), request.parameters ?? {});
  if (problems.length > 0) {
    throw new AppError(
      'TEMPLATE_PARAMETERS_INVALID',
      `Map the template's parameters: ${problems.join('; ')}`,
      {
        problems,
      },
    );
  }
  if ('segment_id' in request.audience) {
    const seg = await db
      .selectFrom('segments')
      .select('id')
      .where('id', '=', request.audience.segment_id)
      .executeTakeFirst();
    if (!seg) throw new AppError('NOT_FOUND', `No segment ${request.audience.segment_id}.`);
  }
  const now = deps.clock.now();
  const row: CampaignRow = {
    id: newId(),
    name: request.name,
    phone_number_id: number.id,
    waba_id: number.waba_id,
    template_name: request.template.name,
    template_language: request.template.language,
    parameters_json: JSON.stringify(request.parameters ?? {}),
    audience_json: JSON.stringify(request.audience),
    state: 'draft',
    scheduled_at: null,
    time_zone: null,
    estimate_json: null,
    total_recipients: 0,
    fanout_step: 0,
    next_ordinal: 0,
    started_at: null,
    finished_at: null,
    created_by: principal.userId ?? principal.id,
    created_at: now,
    updated_at: now,
  };
  const estimate = await estimateRow(deps, row, now);
  row.estimate_json = JSON.stringify(estimate);
  await withEvents(deps, async (trx) => {
    await trx.insertInto('campaigns').values(row).execute();
    await changed(trx, row, 'created', principal, now);
  });
  return toApiCampaign(db, row);
}

/**
 * Starts a draft campaign now, or schedules it at a local time in the business's time zone. The
 * estimate is made again for the send time and kept with the campaign.
 */
export async function startCampaign(
  deps: AppDeps,
  input: { principal: Principal; id: string; schedule?: { local_time: string; time_zone: string } },
) {
  const c = await visibleCampaign(deps, input.principal, input.id);
  if (c.state !== 'draft')
    throw new AppError('CONFLICT', `The campaign is ${c.state}; only a draft can be started.`);
  const now = deps.clock.now();
  const at = input.schedule ? zonedTimeToUtc(input.schedule.local_time, input.schedule.time_zone) : now;
  if (input.schedule && at < now - 60_000) {
    throw new AppError('VALIDATION_FAILED', 'The scheduled time is in the past.', {
      scheduled_at: new Date(at).toISOString(),
    });
  }
  const estimate = await estimateRow(deps, c, at);
  const state: CampaignState = input.schedule && at > now ? 'scheduled' : 'running';
  const updated = await withEvents(deps, async (trx, hooks) => {
    const row = await trx
      .updateTable('campaigns')
      .set({
        state: 'running',
        scheduled_at: input.schedule ? at : null,
        time_zone: input.schedule?.time_zone ?? null,
        estimate_json: JSON.stringify(estimate),
        updated_at: now,
      })
      .where('id', '=', c.id)
      .where('state', '=', 'draft')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('CONFLICT', 'The campaign was started already.');
    // A scheduled campaign is `running` from its time: the first fan-out run starts it then.
    if (state === 'scheduled') {
      await trx.updateTable('campaigns').set({ state: 'scheduled' }).where('id', '=', c.id).execute();
      row.state = 'scheduled';
    }
    await scheduleFanout(trx, row, { now, runAt: at });
    await changed(trx, row, state === 'scheduled' ? 'scheduled' : 'started', input.principal, now);
    hooks.afterCommit(() => deps.signals.emit('jobs'));
    return row;
  });
  return toApiCampaign(deps.database.db, updated);
}

/** Pause, resume or cancel. Pausing stops the fan-out (what is already queued, at most the window, still goes). */
export async function changeCampaignState(
  deps: AppDeps,
  input: { principal: Principal; id: string; action: 'pause' | 'resume' | 'cancel' },
) {
  const c = await visibleCampaign(deps, input.principal, input.id);
  const now = deps.clock.now();
  const allowed: Record<typeof input.action, CampaignState[]> = {
    pause: ['running', 'scheduled'],
    resume: ['paused'],
    cancel: ['draft', 'scheduled', 'running', 'paused'],
  };
  if (!allowed[input.action].includes(c.state)) {
    throw new AppError('CONFLICT', `A ${c.state} campaign cannot be ${input.action}d.`, { state: c.state });
  }
  const to: CampaignState =
    input.action === 'pause' ? 'paused' : input.action === 'resume' ? 'running' : 'cancelled';
  const updated = await withEvents(deps, async (trx, hooks) => {
    const row = await trx
      .updateTable('campaigns')
      .set({
        state: to,
        // A new step fences off the scheduled run of the old one.
        fanout_step: c.fanout_step + 1,
        updated_at: now,
        ...(to === 'cancelled' ? { finished_at: now } : {}),
      })
      .where('id', '=', c.id)
      .where('state', '=', c.state)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('CONFLICT', 'The campaign changed meanwhile; try again.');
    if (to === 'cancelled') {
      await trx
        .updateTable('campaign_recipients')
        .set({ state: 'cancelled', updated_at: now })
        .where('campaign_id', '=', c.id)
        .where('state', '=', 'pending')
        .execute();
    }
    if (to === 'running') {
      const runAt = c.scheduled_at !== null && c.started_at === null ? Math.max(now, c.scheduled_at) : now;
      await scheduleFanout(trx, row, { now, runAt });
      hooks.afterCommit(() => deps.signals.emit('jobs'));
    }
    await changed(
      trx,
      row,
      input.action === 'pause' ? 'paused' : input.action === 'resume' ? 'resumed' : 'cancelled',
      input.principal,
      now,
    );
    return row;
  });
  return toApiCampaign(deps.database.db, updated);
}

export async function getCampaign(deps: AppDeps, input: { principal: Principal; id: string }) {
  return toApiCampaign(deps.database.db, await visibleCampaign(deps, input.principal, input.id));
}

export async function listCampaigns(deps: AppDeps, input: { principal: Principal }) {
  let q = deps.database.db.selectFrom('campaigns').selectAll().orderBy('created_at', 'desc').limit(200);
  if (input.principal.wabaIds !== null) q = q.where('waba_id', 'in', [...input.principal.wabaIds, '']);
  const rows = await q.execute();
  return Promise.all(rows.map((r) => toApiCampaign(deps.database.db, r)));
}

/** The report: progress, estimated against actual cost, the hourly timeline and quick-reply taps. */
export async function campaignReport(deps: AppDeps, input: { principal: Principal; id: string }) {
  const c = await visibleCampaign(deps, input.principal, input.id);
  const db = deps.database.db;
  const card = await loadRateCard({ db, dataDir: deps.config.dataDir, now: deps.clock.now() });
  return {
    campaign: await toApiCampaign(db, c),
    cost: await campaignCosts(db, c.id, card),
    timeline: await campaignTimeline(db, c.id),
    buttons: await campaignButtons(db, c.id),
  };
}
