import type { Kysely } from 'kysely';
import type { DB } from '../../database.ts';
import type { WebhookEndpointRow } from './outbound-webhook.table.ts';

/** Endpoints the caller may see: all for `wabaIds` null, else those of its business accounts. */
export async function listEndpoints(
  db: Kysely<DB>,
  wabaIds: readonly string[] | null,
): Promise<WebhookEndpointRow[]> {
  let q = db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (wabaIds !== null) {
    if (wabaIds.length === 0) return [];
    q = q.where('waba_id', 'in', [...wabaIds]);
  }
  return q.execute();
}

/** One endpoint, if the caller may see it. */
export async function findEndpoint(
  db: Kysely<DB>,
  input: { id: string; wabaIds: readonly string[] | null },
): Promise<WebhookEndpointRow | undefined> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', input.id)
    .executeTakeFirst();
  if (!row) return undefined;
  if (input.wabaIds !== null && (row.waba_id === null || !input.wabaIds.includes(row.waba_id)))
    return undefined;
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
