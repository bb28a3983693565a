import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { assertScoped, canSeeScoped, scopeForNewRow } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/time.ts';
import type { CannedReplyTable } from './inbox.table.ts';

/*
 * Canned replies: global (`team_id: null`) or per team. Everyone reads those of their business
 * accounts (agents only global ones and their teams'); supervisors and up write (auth/policy.ts).
 * Each write records `canned_reply.changed` with who did it.
 */

export type ApiCannedReply = ReturnType<typeof toApiCannedReply>;

export function toApiCannedReply(r: CannedReplyTable) {
  return {
    id: r.id,
    shortcut: r.shortcut,
    text: r.text,
    team_id: r.team_id,
    waba_id: r.waba_id,
    created_by: r.created_by,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/** Records `canned_reply.changed` (what happened to the reply, and who did it) in `trx`. */
async function cannedReplyChanged(
  trx: Kysely<DB>,
  input: { principal: Principal; replyId: string; action: 'created' | 'updated' | 'deleted'; at: number },
): Promise<void> {
  await recordEvent(
    trx,
    {
      type: 'canned_reply.changed',
      phoneNumberId: null,
      payload: { canned_reply_id: input.replyId, action: input.action, actor: actorOf(input.principal) },
    },
    input.at,
  );
}

/** The business account a reply of this team belongs to (the team's), checking the caller sees the team. */
async function teamScope(db: Kysely<DB>, principal: Principal, teamId: string): Promise<string | null> {
  const team = await db
    .selectFrom('teams')
    .select(['id', 'waba_id'])
    .where('id', '=', teamId)
    .executeTakeFirst();
  if (!team) throw new AppError('VALIDATION_FAILED', 'No such team.');
  assertScoped(principal, team.waba_id, 'team');
  return team.waba_id;
}

async function assertShortcutFree(
  db: Kysely<DB>,
  input: { shortcut: string; teamId: string | null; wabaId: string | null; exceptId?: string },
): Promise<void> {
  let q = db
    .selectFrom('canned_replies')
    .select('id')
    .where('shortcut', '=', input.shortcut)
    .where((eb) => (input.teamId === null ? eb('team_id', 'is', null) : eb('team_id', '=', input.teamId)))
    .where((eb) => (input.wabaId === null ? eb('waba_id', 'is', null) : eb('waba_id', '=', input.wabaId)));
  if (input.exceptId) q = q.where('id', '!=', input.exceptId);
  if (await q.executeTakeFirst()) throw new AppError('CONFLICT', 'This shortcut is taken.');
}

async function visibleReply(db: Kysely<DB>, principal: Principal, id: string): Promise<CannedReplyTable> {
  const row = await db.selectFrom('canned_replies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such canned reply.');
  assertScoped(principal, row.waba_id, 'canned reply');
  return row;
}

/** The replies the principal may use, optionally of one team (plus global ones) and matching `q`. */
export async function listCannedReplies(
  deps: AppDeps,
  input: { principal: Principal; teamId?: string | undefined; q?: string | undefined },
): Promise<ApiCannedReply[]> {
  const db = deps.database.db;
  const { principal } = input;
  let rows = (
    await db.selectFrom('canned_replies').selectAll().orderBy('shortcut').orderBy('id').execute()
  ).filter((r) => canSeeScoped(principal, r.waba_id));
  if (principal.role === 'agent' && principal.userId) {
    const mine = new Set(
      (
        await db
          .selectFrom('team_members')
          .select('team_id')
          .where('user_id', '=', principal.userId)
          .execute()
      ).map((m) => m.team_id),
    );
    rows = rows.filter((r) => r.team_id === null || mine.has(r.team_id));
  }
  if (input.teamId) rows = rows.filter((r) => r.team_id === null || r.team_id === input.teamId);
  if (input.q) {
    const needle = input.q.toLowerCase();
    rows = rows.filter(
      (r) => r.shortcut.toLowerCase().includes(needle) || r.text.toLowerCase().includes(needle),
    );
  }
  return rows.map(toApiCannedReply);
}

/** Creates a reply: of a team (the team's business account) or global to one account or all. */
export async function createCannedReply(
  deps: AppDeps,
  input: {
    principal: Principal;
    shortcut: string;
    text: string;
    teamId?: string | null | undefined;
    wabaId?: string | null | undefined;
  },
): Promise<ApiCannedReply> {
  const db = deps.database.db;
  const { principal } = input;
  const teamId = input.teamId ?? null;
  const wabaId =
    teamId !== null ? await teamScope(db, principal, teamId) : scopeForNewRow(principal, input.wabaId);
  await assertShortcutFree(db, { shortcut: input.shortcut, teamId, wabaId });
  const now = deps.clock.now();
  const row: CannedReplyTable = {
    id: newId(),
    shortcut: input.shortcut,
    text: input.text,
    team_id: teamId,
    waba_id: wabaId,
    created_by: principal.userId,
    created_at: now,
    updated_at: now,
  };
  await withEvents(deps, async (trx) => {
    await trx.insertInto('canned_replies').values(row).execute();
    await cannedReplyChanged(trx, { principal, replyId: row.id, action: 'created', at: now });
  });
  return toApiCannedReply(row);
}

/** Changes a reply's shortcut or text; the shortcut stays unique within its team and account. */
export async function updateCannedReply(
  deps: AppDeps,
  input: { principal: Principal; replyId: string; shortcut?: string | undefined; text?: string | undefined },
): Promise<ApiCannedReply> {
  const db = deps.database.db;
  const row = await visibleReply(db, input.principal, input.replyId);
  const next = {
    ...row,
    ...(input.shortcut !== undefined ? { shortcut: input.shortcut } : {}),
    ...(input.text !== undefined ? { text: input.text } : {}),
    updated_at: deps.clock.now(),
  };
  await assertShortcutFree(db, {
    shortcut: next.shortcut,
    teamId: row.team_id,
    wabaId: row.waba_id,
    exceptId: row.id,
  });
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('canned_replies')
      .set({ shortcut: next.shortcut, text: next.text, updated_at: next.updated_at })
      .where('id', '=', row.id)
      .execute();
    await cannedReplyChanged(trx, {
      principal: input.principal,
      replyId: row.id,
      action: 'updated',
      at: next.updated_at,
    });
  });
  return toApiCannedReply(next);
}

export async function deleteCannedReply(
  deps: AppDeps,
  input: { principal: Principal; replyId: string },
): Promise<void> {
  const db = deps.database.db;
  const row = await visibleReply(db, input.principal, input.replyId);
  await withEvents(deps, async (trx) => {
    await trx.deleteFrom('canned_replies').where('id', '=', row.id).execute();
    await cannedReplyChanged(trx, {
      principal: input.principal,
      replyId: row.id,
      action: 'deleted',
      at: deps.clock.now(),
    });
  });
}
