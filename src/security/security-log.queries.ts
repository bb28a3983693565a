import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { SecurityLogEntry } from './security-log.schemas.ts';

/** Reads a page of the security log, newest first. */
export async function listSecurityLog(
  db: Kysely<DB>,
  filter: {
    kind?: string | undefined;
    outcome?: string | undefined;
    userId?: string | undefined;
    email?: string | undefined;
    beforeId?: number | undefined;
    limit: number;
    /**
     * The caller's organisation: only entries about or by its members, and entries about no
     * account (a sign-in with an unknown email) when `unattributed` is set.
     */
    scope?: { memberIds: readonly string[]; unattributed: boolean };
  },
): Promise<{ data: SecurityLogEntry[]; next_cursor: string | null }> {
  let q = db.selectFrom('security_log').selectAll();
  const scope = filter.scope;
  if (scope) {
    const ids = [...scope.memberIds, ''];
    q = q.where((eb) =>
      eb.or([
        eb('target_user_id', 'in', ids),
        eb('actor_user_id', 'in', ids),
        ...(scope.unattributed
          ? [eb.and([eb('target_user_id', 'is', null), eb('actor_user_id', 'is', null)])]
          : []),
      ]),
    );
  }
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
  if (filter.email) q = q.where('email', '=', filter.email.trim().toLowerCase());
  if (filter.userId) {
    const id = filter.userId;
    q = q.where((eb) => eb.or([eb('target_user_id', '=', id), eb('actor_user_id', '=', id)]));
  }
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  return {
    data: page.map((r) => ({
      id: String(r.id),
      at: new Date(Number(r.at)).toISOString(),
      kind: r.kind as SecurityLogEntry['kind'],
      outcome: r.outcome as SecurityLogEntry['outcome'],
      actor_user_id: r.actor_user_id,
      actor_token_id: r.actor_token_id,
      target_user_id: r.target_user_id,
      target_token_id: r.target_token_id,
      email: r.email,
      ip: r.ip,
      user_agent: r.user_agent,
      details: JSON.parse(r.details_json) as Record<string, unknown>,
    })),
    next_cursor: rows.length > filter.limit && page.length > 0 ? String(page[page.length - 1]!.id) : null,
  };
}
