import type { Kysely } from 'kysely';
import type { DB } from '../../database.ts';
import type { WebhookEndpointRow } from './outbound-webhook.table.ts';

/**
 * Which endpoints a caller sees: `wabaIds` null sees all; else those of its business accounts, and
 * when `shared` (the default organisation's callers, `seesSharedRows`) those for every account.
 */
export type EndpointScope = { wabaIds: readonly string[] | null; shared: boolean };

/** Endpoints the caller may see. */
export async function listEndpoints(db: Kysely<DB>, scope: EndpointScope): Promise<WebhookEndpointRow[]> {
  const { wabaIds, shared } = scope;
  let q = db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (wabaIds !== null) {
    q = q.where((eb) =>
      eb.or([
        eb('waba_id', 'in', wabaIds.length ? [...wabaIds] : ['-']),
        ...(shared ? [eb('waba_id', 'is', null)] : []),
      ]),
    );
  }
  return q.execute();
}

/** One endpoint, if the caller may see it. */
export async function findEndpoint(
  db: Kysely<DB>,
  input: EndpointScope & { id: string },
): Promise<WebhookEndpointRow | undefined> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', input.id)
    .executeTakeFirst();
  if (!row) return undefined;
  if (input.wabaIds === null) return row;
  if (row.waba_id === null ? !input.shared : !input.wabaIds.includes(row.waba_id)) return undefined;
  return row;
}

/** The endpoint's event types. */
export function eventTypesOf(row: Pick<WebhookEndpointRow, 'event_types_json'>): string[] {
  return JSON.parse(row.event_types_json) as string[];
}

/** The enabled endpoints (the fan-out reads them for every event). */
export async function enabledEndpoints(db: Kysely<DB>): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', 1).execute();
}
