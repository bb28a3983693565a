import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { seesSharedRows } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { conversationFor } from '../inbox/conversation-access.ts';
import { DEFAULT_HUMAN_SILENCE_MS, DEFAULT_LOOP_CAP_PER_HOUR } from '../outbound/automation-hold.ts';
import { prepareSend } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isOpenAt, isValidTimeZone, type WeeklyHours } from '../platform/schedule.ts';
import { iso } from '../platform/time.ts';
import type {
  ApiAutomationSettings,
  ApiBusinessHours,
  ApiRule,
  ApiRuleRun,
  ApiVip,
} from './automation.schemas.ts';
import type { AutomationRuleRow } from './automation.table.ts';
import { businessHoursOf } from './business-hours.ts';
import { type ControlView, getControl } from './control.ts';
import type { RuleAction, RuleCondition, RuleTrigger } from './rule.schemas.ts';
import { runReasonCode } from './rules.ts';

/**
 * The settings pages' use-cases: rules (create, change, enable, order, delete), the run log, a
 * number's automation settings and business hours, and VIP contacts. Each checks the principal's
 * business accounts and records `automation.changed` with who did it.
 */

type Db = Kysely<DB>;

async function assertNumber(db: Db, principal: Principal, phoneNumberId: string): Promise<void> {
  const number = await db
    .selectFrom('phone_numbers')
    .select(['waba_id'])
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!number || (principal.wabaIds !== null && !principal.wabaIds.includes(number.waba_id))) {
    throw new AppError('NOT_FOUND', `No phone number ${phoneNumberId}.`);
  }
}

/** A rule for every number is for principals who see every business account. */
async function assertRuleScope(db: Db, principal: Principal, phoneNumberId: string | null): Promise<void> {
  if (phoneNumberId === null) {
    if (principal.wabaIds !== null)
      throw new AppError('FORBIDDEN', 'A rule for every number needs access to every business account.');
    return;
  }
  await assertNumber(db, principal, phoneNumberId);
}

function validateActions(actions: readonly RuleAction[]): void {
  for (const [i, action] of actions.entries()) {
    if (action.type !== 'send') continue;
    try {
      prepareSend(action.content);
    } catch (error) {
      if (error instanceof AppError)
        throw new AppError('VALIDATION_FAILED', `Action ${i + 1}: ${error.message}`, error.details);
      throw error;
    }
  }
}

export function toApiRule(row: AutomationRuleRow): ApiRule {
  return {
    id: row.id,
    phone_number_id: row.phone_number_id,
    name: row.name,
    enabled: row.enabled === 1,
    position: row.position,
    trigger: parseJsonOr<RuleTrigger>(row.trigger_json, { type: 'customer_message' }),
    conditions: parseJsonOr<RuleCondition[]>(row.conditions_json, []),
    actions: parseJsonOr<RuleAction[]>(row.actions_json, []),
    created_at: iso(Number(row.created_at)),
    updated_at: iso(Number(row.updated_at)),
  };
}

async function visibleRule(db: Db, principal: Principal, id: string): Promise<AutomationRuleRow> {
  const row = await db.selectFrom('automation_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such rule.');
  if (row.phone_number_id === null && !seesSharedRows(principal))
    throw new AppError('NOT_FOUND', 'No such rule.');
  if (row.phone_number_id !== null) {
    try {
      await assertNumber(db, principal, row.phone_number_id);
    } catch {
      throw new AppError('NOT_FOUND', 'No such rule.');
    }
  }
  return row;
}

async function visibleNumberIds(db: Db, principal: Principal): Promise<string[] | null> {
  if (principal.wabaIds === null) return null;
  if (principal.wabaIds.length === 0) return [];
  const rows = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('waba_id', 'in', [...principal.wabaIds])
    .execute();
  return rows.map((r) => r.id);
}

export async function listRules(db: Db, principal: Principal, phoneNumberId?: string): Promise<ApiRule[]> {
  const numbers = await visibleNumberIds(db, principal);
  let query = db.selectFrom('automation_rules').selectAll().orderBy('position').orderBy('created_at');
  if (phoneNumberId)
    query = query.where((eb) =>
      eb.or([eb('phone_number_id', '=', phoneNumberId), eb('phone_number_id', 'is', null)]),
    );
  if (numbers !== null) {
    // A rule for every number is the default organisation's (`auth/scope.ts`).
    const shared = seesSharedRows(principal);
    query = query.where((eb) =>
      eb.or([
        ...(shared ? [eb('phone_number_id', 'is', null)] : []),
        eb('phone_number_id', 'in', numbers.length ? numbers : ['-']),
      ]),
    );
  }
  return (await query.execute()).map(toApiRule);
}

export async function getRule(db: Db, principal: Principal, id: string): Promise<ApiRule> {
  return toApiRule(await visibleRule(db, principal, id));
}

const changed = (
  entity: string,
  id: string,
  action: string,
  principal: Principal,
  phoneNumberId: string | null,
) =>
  ({
    type: 'automation.changed',
    phoneNumberId,
    payload: { entity, id, action, actor: actorOf(principal) },
  }) as const;

export async function createRule(
  deps: AppDeps,
  input: {
    principal: Principal;
    name: string;
    phoneNumberId: string | null;
    enabled: boolean;
    position?: number | undefined;
    trigger: RuleTrigger;
    conditions: RuleCondition[];
    actions: RuleAction[];
  },
): Promise<ApiRule> {
  const db = deps.database.db;
  await assertRuleScope(db, input.principal, input.phoneNumberId);
  validateActions(input.actions);
  const now = deps.clock.now();
  const id = newId();
  await withEvents(deps, async (trx) => {
    const last = await trx
      .selectFrom('automation_rules')
      .select((eb) => eb.fn.max('position').as('p'))
      .executeTakeFirst();
    await trx
      .insertInto('automation_rules')
      .values({
        id,
        phone_number_id: input.phoneNumberId,
        name: input.name,
        enabled: input.enabled ? 1 : 0,
        position: input.position ?? (last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1),
        trigger_json: JSON.stringify(input.trigger),
        conditions_json: JSON.stringify(input.conditions),
        actions_json: JSON.stringify(input.actions),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordEvent(trx, changed('rule', id, 'created', input.principal, input.phoneNumberId), now);
  });
  return getRule(db, input.principal, id);
}

export async function updateRule(
  deps: AppDeps,
  input: {
    principal: Principal;
    id: string;
    patch: {
      name?: string | undefined;
      phone_number_id?: string | null | undefined;
      enabled?: boolean | undefined;
      position?: number | undefined;
      trigger?: RuleTrigger | undefined;
      conditions?: RuleCondition[] | undefined;
      actions?: RuleAction[] | undefined;
    };
  },
): Promise<ApiRule> {
  const db = deps.database.db;
  const row = await visibleRule(db, input.principal, input.id);
  const { patch } = input;
  if (patch.phone_number_id !== undefined) await assertRuleScope(db, input.principal, patch.phone_number_id);
  if (patch.actions) validateActions(patch.actions);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('automation_rules')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.phone_number_id !== undefined ? { phone_number_id: patch.phone_number_id } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        ...(patch.position !== undefined ? { position: patch.position } : {}),
        ...(patch.trigger ? { trigger_json: JSON.stringify(patch.trigger) } : {}),
        ...(patch.conditions ? { conditions_json: JSON.stringify(patch.conditions) } : {}),
        ...(patch.actions ? { actions_json: JSON.stringify(patch.actions) } : {}),
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    const action = patch.enabled === false ? 'disabled' : patch.enabled === true ? 'enabled' : 'changed';
    await recordEvent(trx, changed('rule', row.id, action, input.principal, row.phone_number_id), now);
  });
  return getRule(db, input.principal, row.id);
}

export async function deleteRule(deps: AppDeps, input: { principal: Principal; id: string }): Promise<void> {
  const row = await visibleRule(deps.database.db, input.principal, input.id);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx.deleteFrom('automation_rules').where('id', '=', row.id).execute();
    await recordEvent(trx, changed('rule', row.id, 'deleted', input.principal, row.phone_number_id), now);
  });
}

function reasonCodeOf(reason: string | null) {
  const coded = runReasonCode(reason);
  return { reason_code: coded?.code ?? null, reason_params: coded?.params ?? null };
}

/** The run log, newest first; filtered by conversation or rule, within the principal's numbers. */
export async function listRuns(
  db: Db,
  principal: Principal,
  input: {
    conversationId?: string | undefined;
    ruleId?: string | undefined;
    outcome?: ApiRuleRun['outcome'] | undefined;
    from?: number | undefined;
    to?: number | undefined;
    before?: number | undefined;
    limit: number;
  },
): Promise<{ data: ApiRuleRun[]; next_cursor: string | null }> {
  if (input.conversationId) await conversationFor(db, principal, input.conversationId);
  const numbers = await visibleNumberIds(db, principal);
  let query = db
    .selectFrom('automation_runs')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(input.limit + 1);
  if (input.conversationId) query = query.where('conversation_id', '=', input.conversationId);
  if (input.ruleId) query = query.where('rule_id', '=', input.ruleId);
  if (input.outcome) query = query.where('outcome', '=', input.outcome);
  if (input.from !== undefined) query = query.where('created_at', '>=', input.from);
  if (input.to !== undefined) query = query.where('created_at', '<', input.to);
  if (input.before !== undefined) query = query.where('id', '<', input.before);
  if (numbers !== null) query = query.where('phone_number_id', 'in', numbers.length ? numbers : ['-']);
  const rows = await query.execute();
  const page = rows.slice(0, input.limit);
  return {
    data: page.map((r) => ({
      id: Number(r.id),
      rule_id: r.rule_id,
      conversation_id: r.conversation_id,
      phone_number_id: r.phone_number_id,
      trigger: r.trigger,
      outcome: r.outcome,
      reason: r.reason,
      ...reasonCodeOf(r.reason),
      steps: parseJsonOr(r.steps_json, []),
      created_at: iso(Number(r.created_at)),
    })),
    next_cursor: rows.length > input.limit ? String(page[page.length - 1]?.id) : null,
  };
}

/** A conversation's control as the API shows it. */
export function toApiControl(view: ControlView) {
  const at = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    ...view,
    since: at(view.since),
    paused_until: at(view.paused_until),
    last_human_reply_at: at(view.last_human_reply_at),
  };
}

export async function controlOf(deps: AppDeps, principal: Principal, conversationId: string) {
  const { row } = await conversationFor(deps.database.db, principal, conversationId);
  return toApiControl((await getControl(deps.database.db, row.id, deps.clock.now())) as ControlView);
}

export async function automationSettings(
  db: Db,
  principal: Principal,
  phoneNumberId: string,
): Promise<ApiAutomationSettings> {
  await assertNumber(db, principal, phoneNumberId);
  const row = await db
    .selectFrom('automation_settings')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  return {
    phone_number_id: phoneNumberId,
    human_silence_minutes: Math.round(Number(row?.human_silence_ms ?? DEFAULT_HUMAN_SILENCE_MS) / 60_000),
    loop_cap_per_hour: row?.loop_cap_per_hour ?? DEFAULT_LOOP_CAP_PER_HOUR,
  };
}

export async function putAutomationSettings(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string; humanSilenceMinutes: number; loopCapPerHour: number },
): Promise<ApiAutomationSettings> {
  const db = deps.database.db;
  await assertNumber(db, input.principal, input.phoneNumberId);
  const now = deps.clock.now();
  const values = {
    human_silence_ms: input.humanSilenceMinutes * 60_000,
    loop_cap_per_hour: input.loopCapPerHour,
    updated_at: now,
  };
  await withEvents(deps, async (trx) => {
    await trx
      .insertInto('automation_settings')
      .values({ phone_number_id: input.phoneNumberId, ...values })
      .onConflict((oc) => oc.column('phone_number_id').doUpdateSet(values))
      .execute();
    await recordEvent(
      trx,
      changed('settings', input.phoneNumberId, 'changed', input.principal, input.phoneNumberId),
      now,
    );
  });
  return automationSettings(db, input.principal, input.phoneNumberId);
}

export async function businessHours(
  deps: AppDeps,
  principal: Principal,
  phoneNumberId: string,
): Promise<ApiBusinessHours> {
  const db = deps.database.db;
  await assertNumber(db, principal, phoneNumberId);
  const hours = await businessHoursOf(db, phoneNumberId);
  if (!hours) throw new AppError('NOT_FOUND', 'This number has no business hours (it is always open).');
  return {
    phone_number_id: phoneNumberId,
    time_zone: hours.schedule.timeZone,
    weekly: hours.schedule.weekly as ApiBusinessHours['weekly'],
    holidays: [...hours.schedule.holidays],
    out_of_hours_text: hours.outOfHoursText,
    open_now: isOpenAt(hours.schedule, deps.clock.now()),
    updated_at: iso(hours.updatedAt),
  };
}

export async function putBusinessHours(
  deps: AppDeps,
  input: {
    principal: Principal;
    phoneNumberId: string;
    timeZone: string;
    weekly: WeeklyHours;
    holidays: string[];
    outOfHoursText: string | null;
  },
): Promise<ApiBusinessHours> {
  const db = deps.database.db;
  await assertNumber(db, input.principal, input.phoneNumberId);
  if (!isValidTimeZone(input.timeZone)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Unknown time zone "${input.timeZone}" (use an IANA name such as Europe/Madrid).`,
    );
  }
  const now = deps.clock.now();
  const values = {
    time_zone: input.timeZone,
    weekly_json: JSON.stringify(input.weekly),
    holidays_json: JSON.stringify([...new Set(input.holidays)].sort()),
    out_of_hours_text: input.outOfHoursText,
    updated_at: now,
  };
  await withEvents(deps, async (trx) => {
    await trx
      .insertInto('business_hours')
      .values({ phone_number_id: input.phoneNumberId, ...values })
      .onConflict((oc) => oc.column('phone_number_id').doUpdateSet(values))
      .execute();
    await recordEvent(
      trx,
      changed('business_hours', input.phoneNumberId, 'changed', input.principal, input.phoneNumberId),
      now,
    );
  });
  return businessHours(deps, input.principal, input.phoneNumberId);
}

export async function deleteBusinessHours(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string },
): Promise<void> {
  await assertNumber(deps.database.db, input.principal, input.phoneNumberId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx.deleteFrom('business_hours').where('phone_number_id', '=', input.phoneNumberId).execute();
    await recordEvent(
      trx,
      changed('business_hours', input.phoneNumberId, 'deleted', input.principal, input.phoneNumberId),
      now,
    );
  });
}

export async function listVips(db: Db, principal: Principal): Promise<ApiVip[]> {
  const numbers = await visibleNumberIds(db, principal);
  let query = db
    .selectFrom('vip_contacts')
    .innerJoin('contacts', 'contacts.id', 'vip_contacts.contact_id')
    .select([
      'vip_contacts.contact_id',
      'vip_contacts.note',
      'vip_contacts.created_at',
      'contacts.phone_number_id',
      'contacts.wa_id',
      'contacts.profile_name',
      'contacts.address_book_name',
    ])
    .orderBy('vip_contacts.created_at');
  if (numbers !== null)
    query = query.where('contacts.phone_number_id', 'in', numbers.length ? numbers : ['-']);
  return (await query.execute()).map((r) => ({
    contact_id: r.contact_id,
    phone_number_id: r.phone_number_id,
    wa_id: r.wa_id,
    name: r.address_book_name ?? r.profile_name,
    note: r.note,
    created_at: iso(Number(r.created_at)),
  }));
}

async function contactOf(db: Db, principal: Principal, contactId: string) {
  const contact = await db
    .selectFrom('contacts')
    .select(['id', 'phone_number_id'])
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!contact) throw new AppError('NOT_FOUND', 'No such contact.');
  try {
    await assertNumber(db, principal, contact.phone_number_id);
  } catch {
    throw new AppError('NOT_FOUND', 'No such contact.');
  }
  return contact;
}

/** Marks a contact VIP: bots never answer them and routing leaves them to the owner's phone. */
export async function addVip(
  deps: AppDeps,
  input: { principal: Principal; contactId: string; note: string | null },
): Promise<ApiVip> {
  const db = deps.database.db;
  const contact = await contactOf(db, input.principal, input.contactId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx
      .insertInto('vip_contacts')
      .values({
        contact_id: contact.id,
        note: input.note,
        created_by: input.principal.userId,
        created_at: now,
      })
      .onConflict((oc) => oc.column('contact_id').doUpdateSet({ note: input.note }))
      .execute();
    // A VIP's queued automated messages do not go (the send policy holds them too).
    await trx
      .deleteFrom('routing_queue')
      .where(
        'conversation_id',
        'in',
        trx.selectFrom('conversations').select('id').where('contact_id', '=', contact.id),
      )
      .execute();
    await recordEvent(
      trx,
      changed('vip', contact.id, 'added', input.principal, contact.phone_number_id),
      now,
    );
  });
  const vip = (await listVips(db, input.principal)).find((v) => v.contact_id === contact.id);
  if (!vip) throw new AppError('NOT_FOUND', 'No such contact.');
  return vip;
}

export async function removeVip(
  deps: AppDeps,
  input: { principal: Principal; contactId: string },
): Promise<void> {
  const contact = await contactOf(deps.database.db, input.principal, input.contactId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    const removed = await trx
      .deleteFrom('vip_contacts')
      .where('contact_id', '=', contact.id)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new AppError('NOT_FOUND', 'This contact is not a VIP.');
    await recordEvent(
      trx,
      changed('vip', contact.id, 'removed', input.principal, contact.phone_number_id),
      now,
    );
  });
}
