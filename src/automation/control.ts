import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { conversationFor } from '../inbox/conversation-access.ts';
import { transitionStatuses } from '../messages/message-status.ts';
import {
  DEFAULT_HUMAN_SILENCE_MS,
  DEFAULT_LOOP_CAP_PER_HOUR,
  type HoldFacts,
  type HoldReason,
  humanHold,
  isHumanReply,
  loadHoldFacts,
} from '../outbound/automation-hold.ts';
import type { Actor } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { takePreloaded } from './per-transaction.ts';

/**
 * Who is in control of a conversation: automation, or humans (since when, who, until when). The
 * rule itself is `outbound/automation-hold.ts` (shared with the send policy at dispatch); this file
 * keeps the `conversation_control` row, cancels queued automated sends when humans take over, and
 * offers the inbox actions (take over, hand back, keep with humans).
 */

type Db = Kysely<DB>;

/** Who took control: a user or token (inbox, API), the owner on the phone, or a rule. */
export type ControlBy = { readonly kind: 'user' | 'token' | 'owner' | 'system'; readonly id: string | null };

/** The effective control of a conversation, as the API and the inbox header show it. */
export type ControlView = {
  readonly conversation_id: string;
  readonly state: 'automation' | 'human';
  /** Why automation may not speak (`human_control`, `keep_with_humans`, `vip`); null under automation. */
  readonly reason: HoldReason | null;
  readonly since: number | null;
  readonly by: ControlBy | null;
  /** Humans hold it until then (null with no timer: keep with humans, VIP). */
  readonly paused_until: number | null;
  readonly keep_with_humans: boolean;
  readonly active_flow_run_id: string | null;
  readonly last_human_reply_at: number | null;
};

/** A number's automation settings, or the defaults. */
export async function automationSettingsOf(
  db: Db,
  phoneNumberId: string,
): Promise<{ humanSilenceMs: number; loopCapPerHour: number }> {
  const row = await db
    .selectFrom('automation_settings')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  return {
    humanSilenceMs: row ? Number(row.human_silence_ms) : DEFAULT_HUMAN_SILENCE_MS,
    loopCapPerHour: row ? row.loop_cap_per_hour : DEFAULT_LOOP_CAP_PER_HOUR,
  };
}

async function conversationRow(db: Db, conversationId: string) {
  return db
    .selectFrom('conversations')
    .select(['id', 'phone_number_id', 'contact_id', 'status'])
    .where('id', '=', conversationId)
    .executeTakeFirst();
}

/** The latest human reply of a conversation with who wrote it (for the header's "who answered"). */
async function lastHumanReplyOf(db: Db, conversationId: string) {
  return db
    .selectFrom('messages')
    .select(['origin', 'author_user_id', 'received_at'])
    .where('conversation_id', '=', conversationId)
    .where((eb) => isHumanReply(eb))
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The effective control of a conversation at `now`; null when there is no such conversation. */
export async function getControl(
  db: Db,
  conversationId: string,
  now = Date.now(),
): Promise<ControlView | null> {
  const conversation = await conversationRow(db, conversationId);
  if (!conversation) return null;
  const facts = (
    await loadHoldFacts(db, [
      {
        id: conversation.id,
        phoneNumberId: conversation.phone_number_id,
        contactId: conversation.contact_id,
      },
    ])
  ).get(conversation.id);
  const row = await db
    .selectFrom('conversation_control')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  const hold = facts ? humanHold(facts, now) : null;
  const base = {
    conversation_id: conversationId,
    keep_with_humans: row?.keep_with_humans === 1,
    active_flow_run_id: row?.active_flow_run_id ?? null,
    last_human_reply_at: facts?.lastHuman?.at ?? null,
  };
  if (!hold) {
    const resumedAt = row?.mode === 'automation' ? Number(row.since) : null;
    return { ...base, state: 'automation', reason: null, since: resumedAt, by: null, paused_until: null };
  }
  // Who holds it: the latest human reply when it is newer than the row's take over.
  const reply = await lastHumanReplyOf(db, conversationId);
  const rowSince = row?.mode === 'human' ? Number(row.since) : null;
  let by: ControlBy | null =
    row?.mode === 'human' ? { kind: (row.by_kind ?? 'system') as ControlBy['kind'], id: row.by_id } : null;
  let since = rowSince;
  if (
    reply &&
    (rowSince === null || Number(reply.received_at) > rowSince) &&
    hold.reason === 'human_control'
  ) {
    by =
      reply.origin === 'business_app'
        ? { kind: 'owner', id: null }
        : { kind: reply.author_user_id ? 'user' : 'token', id: reply.author_user_id };
    since = rowSince ?? Number(reply.received_at);
  }
  return { ...base, state: 'human', reason: hold.reason, since, by, paused_until: hold.until };
}

/**
 * Whether automation may send to a conversation now: `true`, or why not (humans hold it, kept with
 * humans, VIP, or no such conversation). Every automated send asks this first (`automated-send.ts`).
 */
export async function automationMaySend(
  trx: Db,
  conversationId: string,
  now: number,
): Promise<true | { reason: HoldReason | 'no_conversation' | 'resolved'; until?: number | null }> {
  const facts = await speakingFacts(trx, conversationId, null);
  if (!facts) return { reason: 'no_conversation' };
  const hold = humanHold(facts.hold, now);
  if (hold) return { reason: hold.reason, until: hold.until };
  return true;
}

/** What automation looks at before it speaks in a conversation (see {@link speakingFacts}). */
export type SpeakingFacts = {
  readonly phoneNumberId: string;
  readonly hold: HoldFacts;
  readonly loopCapPerHour: number;
  /** Automated messages queued (not cancelled) since the `recentSince` asked for; 0 when not asked. */
  readonly recent: number;
};

/**
 * The facts of {@link humanHold} (the control row, the number's silence, VIP, the latest human
 * reply) with the number's loop cap and, when `recentSince` is given, the automated messages queued
 * since then: one query, since every bot and rule message asks before it is queued (the same facts
 * as `loadHoldFacts`, which the send policy reads for many conversations at dispatch).
 */
export async function speakingFacts(
  trx: Db,
  conversationId: string,
  recentSince: number | null,
): Promise<SpeakingFacts | null> {
  return (await speakingFactsOf(trx, [conversationId], recentSince)).get(conversationId) ?? null;
}

/**
 * Where the engine keeps a conversation's {@link speakingFacts} read ahead for a slice's event
 * (`per-transaction.ts`); whatever changes who controls the conversation drops it.
 */
export const speakingKey = (conversationId: string) => `speaking:${conversationId}`;

/** {@link speakingFacts} of many conversations in one query (a slice of the engine reads ahead). */
export async function speakingFactsOf(
  trx: Db,
  conversationIds: readonly string[],
  recentSince: number | null,
): Promise<Map<string, SpeakingFacts>> {
  const facts = new Map<string, SpeakingFacts>();
  if (conversationIds.length === 0) return facts;
  const rows = await trx
    .selectFrom('conversations as c')
    .leftJoin('conversation_control as cc', 'cc.conversation_id', 'c.id')
    .leftJoin('automation_settings as s', 's.phone_number_id', 'c.phone_number_id')
    .leftJoin('vip_contacts as v', 'v.contact_id', 'c.contact_id')
    .select((eb) => [
      'c.id',
      'c.phone_number_id',
      'cc.mode',
      'cc.since',
      'cc.paused_until',
      'cc.keep_with_humans',
      'cc.handed_back_at',
      's.human_silence_ms',
      's.loop_cap_per_hour',
      'v.contact_id as vip_contact_id',
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.max('m.seq').as('seq'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .where((e) => isHumanReply(e, 'm.'))
        .as('human_seq'),
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.max('m.received_at').as('at'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .where((e) => isHumanReply(e, 'm.'))
        .as('human_at'),
      eb
        .selectFrom('automated_sends as a')
        .select((e) => e.fn.countAll().as('n'))
        .whereRef('a.conversation_id', '=', 'c.id')
        .where('a.created_at', '>', recentSince ?? Number.MAX_SAFE_INTEGER)
        .where('a.cancelled_at', 'is', null)
        .as('recent'),
    ])
    .where('c.id', 'in', [...conversationIds])
    .execute();
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  for (const row of rows)
    facts.set(row.id, {
      phoneNumberId: row.phone_number_id,
      hold: {
        control:
          row.mode === null || row.mode === undefined
            ? null
            : {
                mode: row.mode,
                since: Number(row.since),
                paused_until: num(row.paused_until),
                keep_with_humans: Number(row.keep_with_humans),
                handed_back_at: num(row.handed_back_at),
              },
        lastHuman:
          row.human_seq === null || row.human_seq === undefined
            ? null
            : { seq: Number(row.human_seq), at: Number(row.human_at) },
        silenceMs: num(row.human_silence_ms) ?? DEFAULT_HUMAN_SILENCE_MS,
        vip: row.vip_contact_id !== null && row.vip_contact_id !== undefined,
      },
      loopCapPerHour: num(row.loop_cap_per_hour) ?? DEFAULT_LOOP_CAP_PER_HOUR,
      recent: recentSince === null ? 0 : Number(row.recent ?? 0),
    });
  return facts;
}

const cancelError = (reason: string) =>
  JSON.stringify({
    code: 'AUTOMATION_PAUSED',
    title: 'Cancelled',
    message: `Cancelled before it was sent: ${reason}.`,
  });

/**
 * Cancels the automated messages of a conversation still waiting in the outbox (`queued`): the job
 * becomes `cancelled`, the message `failed` with AUTOMATION_PAUSED, the automated send records why.
 * Jobs already claimed are decided again by the send policy at dispatch. Returns the message ids.
 */
export async function cancelQueuedAutomated(
  trx: Db,
  input: { conversationId: string; reason: string; at: number; except?: readonly string[] },
): Promise<string[]> {
  const except = input.except ?? [];
  const queued = await trx
    .selectFrom('automated_sends as a')
    .innerJoin('outbox_jobs as j', 'j.message_id', 'a.message_id')
    .select(['a.message_id'])
    .where('a.conversation_id', '=', input.conversationId)
    .where('j.state', '=', 'queued')
    .$if(except.length > 0, (q) => q.where('a.message_id', 'not in', [...except]))
    .execute();
  if (queued.length === 0) return [];
  const ids = queued.map((q) => q.message_id);
  const error = cancelError(input.reason);
  const cancelled = await trx
    .updateTable('outbox_jobs')
    .set({ state: 'cancelled', last_error_json: error, finished_at: input.at, updated_at: input.at })
    .where('message_id', 'in', ids)
    .where('state', '=', 'queued')
    .returning('message_id')
    .execute();
  const done = cancelled.map((c) => c.message_id);
  if (done.length === 0) return [];
  await trx
    .updateTable('automated_sends')
    .set({ cancelled_at: input.at, cancel_reason: input.reason })
    .where('message_id', 'in', done)
    .execute();
  await transitionStatuses(trx, {
    moves: done.map((messageId) => ({ messageId, to: 'failed' as const, from: ['queued' as const], error })),
    at: input.at,
  });
  return done;
}

function actorFor(by: ControlBy): Actor {
  if (by.kind === 'owner') return { kind: 'system', id: 'owner' };
  return { kind: by.kind, id: by.id };
}

/**
 * Humans take a conversation, in the caller's transaction: on a human reply (agent, API with a
 * user's token, the owner's echo) or an explicit take over. The row becomes `human` (since the
 * first such moment; `paused_until` = at + the number's silence, extended by each reply), the
 * queued automated sends are cancelled, and `automation.control_changed` is recorded when control
 * moves. `keepWithHumans` sets the manual hold too. `spare`: automated messages the caller queued
 * in this transaction just before handing the conversation over (a flow's handoff message); they
 * are not cancelled and still go at dispatch, unless a human replies before they do.
 */
export async function takeOverByHuman(
  trx: Db,
  input: {
    conversationId: string;
    by: ControlBy;
    at: number;
    reason: string;
    keepWithHumans?: boolean;
    spare?: readonly string[];
  },
): Promise<{ cancelled: string[]; changed: boolean }> {
  takePreloaded(trx, speakingKey(input.conversationId));
  const conversation = await conversationRow(trx, input.conversationId);
  if (!conversation) return { cancelled: [], changed: false };
  const { humanSilenceMs } = await automationSettingsOf(trx, conversation.phone_number_id);
  const row = await trx
    .selectFrom('conversation_control')
    .selectAll()
    .where('conversation_id', '=', input.conversationId)
    .executeTakeFirst();
  const until = input.at + humanSilenceMs;
  const wasHuman =
    row?.mode === 'human' &&
    (row.keep_with_humans === 1 || row.paused_until === null || Number(row.paused_until) > input.at);
  const keep = input.keepWithHumans ? 1 : (row?.keep_with_humans ?? 0);
  if (row) {
    await trx
      .updateTable('conversation_control')
      .set({
        mode: 'human',
        since: wasHuman ? Number(row.since) : input.at,
        by_kind: wasHuman ? row.by_kind : input.by.kind,
        by_id: wasHuman ? row.by_id : input.by.id,
        paused_until:
          wasHuman && row.paused_until !== null ? Math.max(Number(row.paused_until), until) : until,
        keep_with_humans: keep,
        updated_at: input.at,
      })
      .where('conversation_id', '=', input.conversationId)
      .execute();
  } else {
    await trx
      .insertInto('conversation_control')
      .values({
        conversation_id: input.conversationId,
        phone_number_id: conversation.phone_number_id,
        mode: 'human',
        since: input.at,
        by_kind: input.by.kind,
        by_id: input.by.id,
        paused_until: until,
        keep_with_humans: keep,
        handed_back_at: null,
        active_flow_run_id: null,
        updated_at: input.at,
      })
      .onConflict((oc) => oc.column('conversation_id').doNothing())
      .execute();
  }
  const spare = input.spare ?? [];
  if (spare.length > 0) {
    await trx
      .updateTable('automated_sends')
      .set({ by_handoff: 1 })
      .where('conversation_id', '=', input.conversationId)
      .where('message_id', 'in', [...spare])
      .execute();
  }
  const cancelled = await cancelQueuedAutomated(trx, {
    conversationId: input.conversationId,
    reason: input.reason,
    at: input.at,
    except: spare,
  });
  const changed = !wasHuman || (input.keepWithHumans === true && row?.keep_with_humans !== 1);
  if (changed) {
    await recordEvent(
      trx,
      {
        type: 'automation.control_changed',
        phoneNumberId: conversation.phone_number_id,
        payload: {
          conversation_id: input.conversationId,
          to: 'human',
          reason: input.reason,
          until: keep === 1 ? null : until,
          actor: actorFor(input.by),
        },
      },
      input.at,
    );
  }
  return { cancelled, changed };
}

/**
 * Automation gets a conversation back, in the caller's transaction: a hand back, a resolve, or the
 * humans' silence ran out. Human replies before `at` stop holding it; "keep with humans" is cleared
 * only by a hand back or a resolve (never by silence).
 */
export async function resumeAutomation(
  trx: Db,
  input: {
    conversationId: string;
    at: number;
    reason: 'hand_back' | 'resolved' | 'silence';
    actor: Actor | null;
  },
): Promise<boolean> {
  takePreloaded(trx, speakingKey(input.conversationId));
  const conversation = await conversationRow(trx, input.conversationId);
  if (!conversation) return false;
  const row = await trx
    .selectFrom('conversation_control')
    .selectAll()
    .where('conversation_id', '=', input.conversationId)
    .executeTakeFirst();
  if (input.reason === 'silence') {
    // Only when nothing holds it any more (a later reply or a manual hold keeps humans in control).
    if (row?.mode !== 'human' || row.keep_with_humans === 1) return false;
    const facts = (
      await loadHoldFacts(trx, [
        {
          id: conversation.id,
          phoneNumberId: conversation.phone_number_id,
          contactId: conversation.contact_id,
        },
      ])
    ).get(conversation.id);
    if (!facts || humanHold(facts, input.at)) return false;
    await trx
      .updateTable('conversation_control')
      .set({
        mode: 'automation',
        since: input.at,
        by_kind: null,
        by_id: null,
        paused_until: null,
        updated_at: input.at,
      })
      .where('conversation_id', '=', input.conversationId)
      .execute();
  } else {
    const values = {
      mode: 'automation' as const,
      since: input.at,
      by_kind: null,
      by_id: null,
      paused_until: null,
      keep_with_humans: 0,
      handed_back_at: input.at,
      updated_at: input.at,
    };
    if (row) {
      await trx
        .updateTable('conversation_control')
        .set(values)
        .where('conversation_id', '=', input.conversationId)
        .execute();
    } else {
      await trx
        .insertInto('conversation_control')
        .values({
          ...values,
          conversation_id: input.conversationId,
          phone_number_id: conversation.phone_number_id,
          active_flow_run_id: null,
        })
        .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
        .execute();
    }
  }
  await recordEvent(
    trx,
    {
      type: 'automation.control_changed',
      phoneNumberId: conversation.phone_number_id,
      payload: {
        conversation_id: input.conversationId,
        to: 'automation',
        reason: input.reason,
        until: null,
        actor: input.actor,
      },
    },
    input.at,
  );
  return true;
}

/** Records the flow run a conversation is inside (null when it left the flow); flows call this. */
export async function setActiveFlowRun(
  trx: Db,
  input: { conversationId: string; runId: string | null; at: number },
): Promise<void> {
  takePreloaded(trx, speakingKey(input.conversationId));
  const conversation = await conversationRow(trx, input.conversationId);
  if (!conversation) return;
  await trx
    .insertInto('conversation_control')
    .values({
      conversation_id: input.conversationId,
      phone_number_id: conversation.phone_number_id,
      mode: 'automation',
      since: input.at,
      by_kind: null,
      by_id: null,
      paused_until: null,
      keep_with_humans: 0,
      handed_back_at: null,
      active_flow_run_id: input.runId,
      updated_at: input.at,
    })
    .onConflict((oc) =>
      oc.column('conversation_id').doUpdateSet({ active_flow_run_id: input.runId, updated_at: input.at }),
    )
    .execute();
}

type ActionInput = { principal: Principal; conversationId: string };

/** "Take over" in the inbox: humans take the conversation now (queued bot and rule messages are cancelled). */
export async function takeOver(
  deps: AppDeps,
  input: ActionInput & { keepWithHumans?: boolean },
): Promise<ControlView> {
  const { row } = await conversationFor(deps.database.db, input.principal, input.conversationId);
  const now = deps.clock.now();
  const by: ControlBy = { kind: input.principal.kind, id: input.principal.userId ?? input.principal.id };
  await withEvents(deps, (trx) =>
    takeOverByHuman(trx, {
      conversationId: row.id,
      by,
      at: now,
      reason: input.keepWithHumans ? 'keep_with_humans' : 'take_over',
      ...(input.keepWithHumans ? { keepWithHumans: true } : {}),
    }),
  );
  return (await getControl(deps.database.db, row.id, now)) as ControlView;
}

/** "Hand back to the bot": automation may speak again at once; a manual hold is cleared. */
export async function handBack(deps: AppDeps, input: ActionInput): Promise<ControlView> {
  const { row } = await conversationFor(deps.database.db, input.principal, input.conversationId);
  const now = deps.clock.now();
  await withEvents(deps, (trx) =>
    resumeAutomation(trx, {
      conversationId: row.id,
      at: now,
      reason: 'hand_back',
      actor: actorOf(input.principal),
    }),
  );
  return (await getControl(deps.database.db, row.id, now)) as ControlView;
}

/** "Keep with humans": humans hold the conversation whatever the silence, until a hand back or resolve. */
export function keepWithHumans(deps: AppDeps, input: ActionInput): Promise<ControlView> {
  return takeOver(deps, { ...input, keepWithHumans: true });
}
