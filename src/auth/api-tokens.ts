import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { newId } from '../platform/ids.ts';
import { DEFAULT_ORGANISATION_ID, organisationWabaIds, singleOrganisation } from './organisation-scope.ts';
import { type Principal, type Role, TOKEN_SCOPES, type TokenScope } from './principal.ts';

const TOKEN_PREFIX = 'cx_';

/**
 * Requests per minute of a token that was given no limit of its own: 100 a second, above a
 * number's default 80 messages a second, so one integration can use the number's whole throughput.
 */
export const DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE = 6_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Creates an API token and returns it in clear exactly once; only its SHA-256 is stored. Tokens
 * carry 256 bits of randomness, so a fast hash is enough and lookup by hash is constant-time safe.
 */
export async function createApiToken(
  db: Kysely<DB>,
  input: {
    name: string;
    userId?: string | null;
    wabaId?: string | null;
    /** The organisation the token belongs to; the default one unless told. */
    organisationId?: string | null;
    role?: Role;
    /** `read`, `send` or `admin` (the default: everything the role allows). */
    scope?: TokenScope;
    /** Requests per minute; null or absent = {@link DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE}. */
    rateLimitPerMinute?: number | null;
    now: number;
  },
): Promise<{ id: string; token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = newId();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      name: input.name,
      token_hash: hashToken(token),
      prefix: token.slice(0, 10),
      user_id: input.userId ?? null,
      waba_id: input.wabaId ?? null,
      organisation_id: input.organisationId ?? DEFAULT_ORGANISATION_ID,
      scopes: input.role ?? 'admin',
      scope: input.scope ?? 'admin',
      rate_limit_per_minute: input.rateLimitPerMinute ?? null,
      created_at: input.now,
    })
    .execute();
  return { id, token };
}

/** Resolves a bearer token to its principal, or `null` if it is unknown or revoked. */
export async function principalForToken(
  db: Kysely<DB>,
  token: string,
  now: number,
): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (row.last_used_at === null || now - row.last_used_at > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  const role =
    (['owner', 'admin', 'supervisor', 'agent', 'auditor'] as const).find((r) => r === row.scopes) ?? 'admin';
  // A token sees its organisation's business accounts, or the one it is restricted to while that
  // account is still the organisation's.
  const organisationId = row.organisation_id ?? DEFAULT_ORGANISATION_ID;
  const owned = await organisationWabaIds(db, organisationId);
  // A token restricted to an account nobody has claimed yet may see (and register) it.
  const restrictedTo = row.waba_id
    ? await db.selectFrom('wabas').select('organisation_id').where('id', '=', row.waba_id).executeTakeFirst()
    : undefined;
  const restrictedVisible =
    row.waba_id !== null &&
    (restrictedTo === undefined ||
      restrictedTo.organisation_id === null ||
      restrictedTo.organisation_id === organisationId);
  // While the hub hosts one organisation, a token of all of it sees all of the hub (`null`).
  const everything = row.waba_id === null && (await singleOrganisation(db));
  return {
    kind: 'token',
    id: row.id,
    userId: row.user_id,
    role,
    wabaIds: everything ? null : row.waba_id ? (restrictedVisible ? [row.waba_id] : []) : owned,
    organisationId,
    orgWide: row.waba_id === null,
    hubWide: everything,
    scope: TOKEN_SCOPES.find((scope) => scope === row.scope) ?? 'admin',
    rateLimitPerMinute: row.rate_limit_per_minute ?? DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE,
  };
}

export async function revokeApiToken(db: Kysely<DB>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
