import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';

/** Keys are kept this long; a key older than that may be used again for anything. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An `in_flight` record older than this belongs to a request that died; its key may be taken over. */
const STALE_IN_FLIGHT_MS = 60_000;

/** This process among the hub's processes: in-flight keys name it as their owner. */
const PROCESS_INSTANCE = randomUUID();

/** The owner this process writes on its in-flight keys. */
export function idempotencyOwner(nodeId: string): string {
  return `${nodeId}/${PROCESS_INSTANCE}`;
}

/**
 * At start-up: releases the in-flight keys of this node's earlier processes (a request interrupted
 * by a crash or restart), so that the client's retry runs at once instead of getting 409 for a
 * minute. On SQLite one process owns the file, so every other owner is dead; on PostgreSQL only
 * keys of the same node id are (give each node a stable `COEXIST_NODE_ID`); other nodes' keys
 * still go stale after 60 s. Returns how many were released.
 */
export async function releaseDeadInFlight(
  db: Kysely<DB>,
  input: { nodeId: string; dialect: 'sqlite' | 'postgres' },
): Promise<number> {
  const owner = idempotencyOwner(input.nodeId);
  const r = await db
    .deleteFrom('idempotency_keys')
    .where('state', '=', 'in_flight')
    .where((eb) =>
      input.dialect === 'sqlite'
        ? eb.or([eb('owner', 'is', null), eb('owner', '!=', owner)])
        : eb.and([
            eb('owner', 'like', `${input.nodeId.replace(/[\\%_]/g, '\\$&')}/%`),
            eb('owner', '!=', owner),
          ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/** A fingerprint of a request: method, route and body (key order does not matter). */
export function requestHash(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${route}\n${JSON.stringify(canonical(body) ?? null)}`)
    .digest('hex');
}

export type IdempotencyStart = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

/**
 * Starts a request under an `Idempotency-Key`: records it in flight, or returns the stored response
 * of the first request with the same key and body. Throws IDEMPOTENCY_KEY_REUSED for another body
 * and IDEMPOTENCY_KEY_IN_FLIGHT while the first request is still running.
 */
export async function beginIdempotent(
  db: Kysely<DB>,
  input: { principalId: string; key: string; hash: string; now: number; owner?: string },
): Promise<IdempotencyStart> {
  await db
    .deleteFrom('idempotency_keys')
    .where('principal_id', '=', input.principalId)
    .where('key', '=', input.key)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', input.now),
        eb.and([eb('state', '=', 'in_flight'), eb('created_at', '<', input.now - STALE_IN_FLIGHT_MS)]),
      ]),
    )
    .execute();
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      principal_id: input.principalId,
      key: input.key,
      request_hash: input.hash,
      state: 'in_flight',
      response_status: null,
      response_body: null,
      created_at: input.now,
      expires_at: input.now + IDEMPOTENCY_TTL_MS,
      owner: input.owner ?? null,
    })
    .onConflict((oc) => oc.columns(['principal_id', 'key']).doNothing())
    .returning(['key'])
    .executeTakeFirst();
  if (inserted) return { kind: 'new' };
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('principal_id', '=', input.principalId)
    .where('key', '=', input.key)
    .executeTakeFirst();
  if (!row) return beginIdempotent(db, input);
  if (row.request_hash !== input.hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', undefined, { key: input.key });
  }
  if (row.state === 'in_flight')
    throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', undefined, { key: input.key });
  return {
    kind: 'replay',
    status: row.response_status ?? 200,
    body: JSON.parse(row.response_body ?? 'null'),
  };
}

/** Stores the response of the first request (inside the transaction that made its effects). */
export async function completeIdempotent(
  trx: Kysely<DB>,
  input: { principalId: string; key: string; status: number; body: unknown },
): Promise<void> {
  await trx
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: input.status, response_body: JSON.stringify(input.body) })
    .where('principal_id', '=', input.principalId)
    .where('key', '=', input.key)
    .execute();
}

/** Forgets a key whose request failed, so that the client may retry it. */
export async function abandonIdempotent(
  db: Kysely<DB>,
  input: { principalId: string; key: string },
): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('principal_id', '=', input.principalId)
    .where('key', '=', input.key)
    .where('state', '=', 'in_flight')
    .execute();
}

/** Deletes expired keys; returns how many. */
export async function purgeExpiredKeys(db: Kysely<DB>, now: number): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
