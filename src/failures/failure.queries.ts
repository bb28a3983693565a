import type { Kysely } from 'kysely';
import { isHubWide, type Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { decodeCursor, encodeCursor, type Page } from '../platform/http/pagination.ts';
import type { FailureRow } from './failure.table.ts';

export type FailureState = 'open' | 'resolved' | 'all';

/**
 * The WABA of each failure, read from `entry[i].id` of its stored webhook body (a failure has no
 * number column, and an unparsable body has no WABA at all).
 */
export async function failureWabas(
  db: Kysely<DB>,
  rows: readonly FailureRow[],
): Promise<Map<string, string | null>> {
  const eventIds = [...new Set(rows.map((r) => r.webhook_event_id))];
  const bodies = new Map<number, unknown>();
  if (eventIds.length > 0) {
    const events = await db
      .selectFrom('webhook_events')
      .select(['id', 'body'])
      .where('id', 'in', eventIds)
      .execute();
    for (const e of events) {
      try {
        bodies.set(Number(e.id), JSON.parse(e.body));
      } catch {
        bodies.set(Number(e.id), null);
      }
    }
  }
  const out = new Map<string, string | null>();
  for (const row of rows) {
    const body = bodies.get(Number(row.webhook_event_id)) as
      | { entry?: { id?: unknown }[] }
      | null
      | undefined;
    const index = /^entry\[(\d+)\]/.exec(row.item_path)?.[1];
    const id = index === undefined ? undefined : body?.entry?.[Number(index)]?.id;
    out.set(row.id, typeof id === 'string' || typeof id === 'number' ? String(id) : null);
  }
  return out;
}

function visibleTo(principal: Principal, wabaId: string | null): boolean {
  // A failure of no known account is the whole hub's (`isHubWide`).
  if (wabaId === null) return isHubWide(principal);
  return principal.wabaIds === null || principal.wabaIds.includes(wabaId);
}

/**
 * Processing failures, newest first, keyset-paginated. A principal restricted to some business
 * accounts sees only failures of webhook entries of those accounts; the filter runs before the
 * page is cut, so a page is never short of visible rows while more exist.
 */
export async function listFailures(
  db: Kysely<DB>,
  input: { principal: Principal; state: FailureState; cursor?: string | undefined; limit: number },
): Promise<Page<{ row: FailureRow; wabaId: string | null }>> {
  let position = input.cursor ? decodeCursor(input.cursor, ['number', 'string'] as const) : null;
  const found: { row: FailureRow; wabaId: string | null }[] = [];
  const batch = Math.max(input.limit + 1, 100);
  for (;;) {
    let query = db.selectFrom('processing_failures').selectAll();
    if (input.state === 'open') query = query.where('resolved_at', 'is', null);
    if (input.state === 'resolved') query = query.where('resolved_at', 'is not', null);
    if (position) {
      const [at, id] = position;
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(batch).execute();
    const wabas = await failureWabas(db, rows);
    for (const row of rows) {
      const wabaId = wabas.get(row.id) ?? null;
      if (visibleTo(input.principal, wabaId)) found.push({ row, wabaId });
      if (found.length > input.limit) break;
    }
    const last = rows[rows.length - 1];
    if (found.length > input.limit || rows.length < batch || !last) break;
    position = [last.created_at, last.id];
  }
  const page = found.slice(0, input.limit);
  const tail = page[page.length - 1];
  return {
    data: page,
    next_cursor: found.length > input.limit && tail ? encodeCursor([tail.row.created_at, tail.row.id]) : null,
  };
}

/** One failure, if it exists and the principal may see it. */
export async function findVisibleFailure(
  db: Kysely<DB>,
  principal: Principal,
  id: string,
): Promise<{ row: FailureRow; wabaId: string | null } | undefined> {
  const row = await db.selectFrom('processing_failures').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const wabaId = (await failureWabas(db, [row])).get(row.id) ?? null;
  return visibleTo(principal, wabaId) ? { row, wabaId } : undefined;
}
