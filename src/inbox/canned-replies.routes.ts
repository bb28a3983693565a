import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { assertScoped, canSeeScoped, scopeForNewRow } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/time.ts';
import type { CannedReplyTable } from './inbox.table.ts';

const idParams = z.object({ id: z.string().min(1) });
const shortcut = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only');

function toApi(r: CannedReplyTable) {
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

/**
 * Canned replies: global (`team_id: null`) or per team. Everyone reads those of their business
 * accounts (agents only global ones and their teams'); supervisors and up write.
 */
export function cannedRepliesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    const visibleReply = async (principal: Principal, id: string) => {
      const row = await db.selectFrom('canned_replies').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', 'No such canned reply.');
      assertScoped(principal, row.waba_id, 'canned reply');
      return row;
    };

    app.get(
      '/api/canned-replies',
      {
        schema: {
          querystring: z.object({ team_id: z.string().min(1).optional(), q: z.string().max(100).optional() }),
        },
      },
      async (request) => {
        const principal = principalOf(request);
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
        const { team_id, q } = request.query;
        if (team_id) rows = rows.filter((r) => r.team_id === null || r.team_id === team_id);
        if (q) {
          const needle = q.toLowerCase();
          rows = rows.filter(
            (r) => r.shortcut.toLowerCase().includes(needle) || r.text.toLowerCase().includes(needle),
          );
        }
        return { data: rows.map(toApi), next_cursor: null };
      },
    );

    app.post(
      '/api/canned-replies',
      {
        schema: {
          body: z.object({
            shortcut,
            text: z.string().min(1).max(4096),
            team_id: z.string().min(1).nullable().optional(),
            waba_id: z.string().min(1).nullable().optional(),
          }),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const teamId = request.body.team_id ?? null;
        const wabaId =
          teamId !== null
            ? await teamScope(db, principal, teamId)
            : scopeForNewRow(principal, request.body.waba_id);
        await assertShortcutFree(db, { shortcut: request.body.shortcut, teamId, wabaId });
        const now = deps.clock.now();
        const row: CannedReplyTable = {
          id: newId(),
          shortcut: request.body.shortcut,
          text: request.body.text,
          team_id: teamId,
          waba_id: wabaId,
          created_by: principal.userId,
          created_at: now,
          updated_at: now,
        };
        await db.insertInto('canned_replies').values(row).execute();
        reply.code(201);
        return toApi(row);
      },
    );

    app.patch(
      '/api/canned-replies/:id',
      {
        schema: {
          params: idParams,
          body: z.object({ shortcut: shortcut.optional(), text: z.string().min(1).max(4096).optional() }),
        },
      },
      async (request) => {
        const row = await visibleReply(principalOf(request), request.params.id);
        const next = {
          ...row,
          ...(request.body.shortcut !== undefined ? { shortcut: request.body.shortcut } : {}),
          ...(request.body.text !== undefined ? { text: request.body.text } : {}),
          updated_at: deps.clock.now(),
        };
        await assertShortcutFree(db, {
          shortcut: next.shortcut,
          teamId: row.team_id,
          wabaId: row.waba_id,
          exceptId: row.id,
        });
        await db
          .updateTable('canned_replies')
          .set({ shortcut: next.shortcut, text: next.text, updated_at: next.updated_at })
          .where('id', '=', row.id)
          .execute();
        return toApi(next);
      },
    );

    app.delete('/api/canned-replies/:id', { schema: { params: idParams } }, async (request, reply) => {
      const row = await visibleReply(principalOf(request), request.params.id);
      await db.deleteFrom('canned_replies').where('id', '=', row.id).execute();
      reply.code(204);
      return reply.send();
    });
  };
}
