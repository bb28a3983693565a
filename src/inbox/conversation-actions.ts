import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { sharedRowsApplyToWaba } from '../auth/organisation-scope.ts';
import type { Principal } from '../auth/principal.ts';
import { contactsByIds } from '../contacts/contact.queries.ts';
import { toApiConversation } from '../conversations/conversation.mapper.ts';
import { conversationChanged } from '../conversations/conversation.repository.ts';
import type { ConversationStatus } from '../conversations/conversation.table.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import type { Actor, DomainEvent } from '../platform/events/catalogue.ts';
import { recordEvents } from '../platform/events/record-event.ts';
import { findUser, wabaScopeOf } from '../users/users.repository.ts';
import { type ConversationWithWaba, conversationFor } from './conversation-access.ts';
import { labelsForConversations } from './labels.ts';

export type ConversationPatch = {
  assignee_user_id?: string | null | undefined;
  team_id?: string | null | undefined;
  status?: ConversationStatus | undefined;
  /** Label ids; replaces the conversation's labels. */
  labels?: string[] | undefined;
};

/** The user can be given conversations of this business account. */
async function assertAssignable(db: Kysely<DB>, userId: string, wabaId: string): Promise<void> {
  const user = await findUser(db, userId);
  if (!user || user.disabled_at !== null || user.role === 'auditor') {
    throw new AppError('VALIDATION_FAILED', 'The assignee is not an active agent.');
  }
  const scope = await wabaScopeOf(db, user);
  if (scope !== null && !scope.includes(wabaId)) {
    throw new AppError(
      'VALIDATION_FAILED',
      "The assignee has no access to this conversation's business account.",
    );
  }
}

async function assertTeamUsable(db: Kysely<DB>, teamId: string, wabaId: string): Promise<void> {
  const team = await db
    .selectFrom('teams')
    .select(['id', 'waba_id'])
    .where('id', '=', teamId)
    .executeTakeFirst();
  // A team shared by every account is the default organisation's (`auth/scope.ts`).
  const usable =
    team && (team.waba_id === null ? await sharedRowsApplyToWaba(db, wabaId) : team.waba_id === wabaId);
  if (!usable) {
    throw new AppError('VALIDATION_FAILED', 'No such team for this business account.');
  }
}

export async function assertLabelsUsable(
  db: Kysely<DB>,
  labelIds: readonly string[],
  wabaId: string,
): Promise<void> {
  if (labelIds.length === 0) return;
  const rows = await db
    .selectFrom('labels')
    .select(['id', 'waba_id'])
    .where('id', 'in', [...labelIds])
    .execute();
  // A label shared by every account is the default organisation's (`auth/scope.ts`).
  const shared = rows.some((l) => l.waba_id === null) && (await sharedRowsApplyToWaba(db, wabaId));
  const usable = new Set(
    rows.filter((l) => (l.waba_id === null ? shared : l.waba_id === wabaId)).map((l) => l.id),
  );
  const missing = labelIds.filter((id) => !usable.has(id));
  if (missing.length)
    throw new AppError('VALIDATION_FAILED', 'No such label for this business account.', { missing });
}

/**
 * Agents work the queue: they may (re)assign a conversation only while it is unassigned or
 * theirs — take it, hand it to a colleague or a team, or give it back. Supervisors and up may
 * reassign anything.
 */
function assertMayReassign(principal: Principal, current: ConversationWithWaba): void {
  if (principal.role !== 'agent') return;
  const assignee = current.row.assignee_user_id;
  if (assignee !== null && assignee !== principal.userId) {
    throw new AppError('FORBIDDEN', 'This conversation is assigned to someone else; ask a supervisor.');
  }
}

/** The catalogue events of a patch: what it changed, and who did it. */
function patchEvents(
  row: ConversationWithWaba['row'],
  patch: ConversationPatch,
  actor: Actor,
): DomainEvent[] {
  const phoneNumberId = row.phone_number_id;
  const conversation_id = row.id;
  const facts: DomainEvent[] = [];
  const toUser = patch.assignee_user_id !== undefined ? patch.assignee_user_id : row.assignee_user_id;
  const users = { from_user_id: row.assignee_user_id, to_user_id: toUser };
  if (patch.team_id !== undefined && patch.team_id !== row.team_id) {
    // One move: a transfer names the assignee it lands with, so it is one event, not two.
    const payload = {
      conversation_id,
      from_team_id: row.team_id,
      to_team_id: patch.team_id,
      ...users,
      actor,
    };
    facts.push({ type: 'conversation.transferred', phoneNumberId, payload });
  } else if (toUser !== row.assignee_user_id) {
    facts.push({
      type: 'conversation.assigned',
      phoneNumberId,
      payload: { conversation_id, ...users, actor },
    });
  }
  if (patch.status !== undefined && patch.status !== row.status) {
    if (patch.status === 'resolved') {
      facts.push({ type: 'conversation.resolved', phoneNumberId, payload: { conversation_id, actor } });
    } else if (row.status === 'resolved') {
      facts.push({ type: 'conversation.reopened', phoneNumberId, payload: { conversation_id, actor } });
    } else if (row.snoozed_until !== null && patch.status === 'open') {
      facts.push({
        type: 'conversation.unsnoozed',
        phoneNumberId,
        payload: { conversation_id, reason: 'operator', actor },
      });
    } else {
      facts.push({
        type: 'conversation.updated',
        phoneNumberId,
        payload: { conversation_id, change: 'status' },
      });
    }
  }
  if (patch.labels) {
    const labels = [...new Set(patch.labels)];
    facts.push({
      type: 'conversation.labels_changed',
      phoneNumberId,
      payload: { conversation_id, labels, actor },
    });
  }
  return facts;
}

/**
 * The change of a patch inside the caller's transaction, with its events: what {@link patchConversation}
 * does once its checks passed, and what automation (rules, routing) calls in its own transaction
 * with the hub as the actor. The caller has checked the assignee, team and labels.
 */
export async function applyConversationPatch(
  trx: Kysely<DB>,
  input: { row: ConversationWithWaba['row']; patch: ConversationPatch; actor: Actor; now: number },
): Promise<void> {
  const { row, patch, actor, now } = input;
  await trx
    .updateTable('conversations')
    .set({
      ...(patch.assignee_user_id !== undefined ? { assignee_user_id: patch.assignee_user_id } : {}),
      ...(patch.team_id !== undefined ? { team_id: patch.team_id } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      // Any status set by hand ends a snooze (its job then finds nothing to wake).
      ...(patch.status !== undefined && row.snoozed_until !== null
        ? { snoozed_until: null, snoozed_by: null }
        : {}),
      updated_at: now,
    })
    .where('id', '=', row.id)
    .execute();
  if (patch.labels) {
    await trx.deleteFrom('conversation_labels').where('conversation_id', '=', row.id).execute();
    const unique = [...new Set(patch.labels)];
    if (unique.length) {
      await trx
        .insertInto('conversation_labels')
        .values(unique.map((label_id) => ({ conversation_id: row.id, label_id, created_at: now })))
        .execute();
    }
  }
  const facts = patchEvents(row, patch, actor);
  if (facts.length > 0) await recordEvents(trx, facts, now);
  else {
    await conversationChanged(trx, {
      phoneNumberId: row.phone_number_id,
      conversationId: row.id,
      at: now,
    });
  }
}

/** Applies a patch (assignment, transfer, status, labels) in one transaction with its domain events. */
export async function patchConversation(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string; patch: ConversationPatch },
) {
  const db = deps.database.db;
  const { principal, patch } = input;
  const current = await conversationFor(db, principal, input.conversationId);
  const reassigning = patch.assignee_user_id !== undefined || patch.team_id !== undefined;
  if (reassigning) assertMayReassign(principal, current);
  if (patch.assignee_user_id) await assertAssignable(db, patch.assignee_user_id, current.wabaId);
  if (patch.team_id) await assertTeamUsable(db, patch.team_id, current.wabaId);
  if (patch.labels) await assertLabelsUsable(db, patch.labels, current.wabaId);
  const now = deps.clock.now();
  await db.transaction().execute((trx) =>
    applyConversationPatch(trx, {
      row: current.row,
      patch,
      actor: { kind: principal.kind, id: principal.id },
      now,
    }),
  );
  deps.signals.emit('events');
  return conversationView(deps, principal, current.row.id);
}

/** The conversation in the read API's shape, plus its labels. */
export async function conversationView(deps: AppDeps, principal: Principal, id: string) {
  const db = deps.database.db;
  const { row } = await conversationFor(db, principal, id);
  const contacts = await contactsByIds(db, [row.contact_id]);
  const labels = await labelsForConversations(db, [row.id]);
  return {
    ...toApiConversation(row, contacts.get(row.contact_id) ?? null, deps.clock.now()),
    labels: labels.get(row.id) ?? [],
  };
}

type ConversationActionInput = { principal: Principal; conversationId: string };

/** Resolves a conversation (`conversation.resolved`). */
export function resolveConversation(deps: AppDeps, input: ConversationActionInput) {
  return patchConversation(deps, { ...input, patch: { status: 'resolved' } });
}

/** Opens a resolved conversation again (`conversation.reopened`). */
export function reopenConversation(deps: AppDeps, input: ConversationActionInput) {
  return patchConversation(deps, { ...input, patch: { status: 'open' } });
}

/** Gives a conversation to a user, or to nobody (`conversation.assigned`). */
export function assignConversation(
  deps: AppDeps,
  input: ConversationActionInput & { userId: string | null },
) {
  return patchConversation(deps, { ...input, patch: { assignee_user_id: input.userId } });
}

/** Moves a conversation to a team (or none), optionally to one of its members (`conversation.transferred`). */
export function transferConversation(
  deps: AppDeps,
  input: ConversationActionInput & { teamId: string | null; userId?: string | null },
) {
  const patch: ConversationPatch = { team_id: input.teamId };
  if (input.userId !== undefined) patch.assignee_user_id = input.userId;
  return patchConversation(deps, { principal: input.principal, conversationId: input.conversationId, patch });
}

/**
 * A supervisor takes a conversation over: it becomes theirs (`userId`, a signed-in user) and is
 * reopened if it was resolved.
 */
export async function takeOverConversation(
  deps: AppDeps,
  input: ConversationActionInput & { userId: string },
) {
  const { row } = await conversationFor(deps.database.db, input.principal, input.conversationId);
  return patchConversation(deps, {
    principal: input.principal,
    conversationId: row.id,
    patch: {
      assignee_user_id: input.userId,
      ...(row.status === 'resolved' ? { status: 'open' as const } : {}),
    },
  });
}
