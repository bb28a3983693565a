import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { SessionTable } from './auth.table.ts';

/**
 * The session cookie's name whenever it can be `Secure` (the request came over https, or the public
 * URL is https): the `__Host-` prefix makes browsers refuse it unless it is `Secure`, `Path=/` and
 * without `Domain`, so neither a sibling subdomain nor a plain-http page can plant or overwrite it.
 */
export const SESSION_COOKIE = '__Host-coexist_session';
/**
 * Its name over plain http (a hub tried out on `http://localhost`), where `__Host-` cannot be set.
 * Accepted only while the public URL is not https, so a configured https hub never reads it.
 */
export const PLAIN_HTTP_SESSION_COOKIE = 'coexist_session';
export const CSRF_COOKIE = 'coexist_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** A session ends this long after login, however active. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60_000;
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 60 * 60_000;
/** `last_seen_at` is written at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 30_000;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** Creates a session and returns the cookie value (in clear, once) and its CSRF token. */
export async function createSession(
  db: Kysely<DB>,
  input: { userId: string; mfaOk: boolean; ip: string | null; userAgent: string | null; now: number },
): Promise<{ sessionId: string; csrfToken: string; expiresAt: number }> {
  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = input.now + SESSION_MAX_AGE_MS;
  await db
    .insertInto('sessions')
    .values({
      id: hashSessionId(sessionId),
      user_id: input.userId,
      csrf_token: csrfToken,
      mfa_ok: input.mfaOk ? 1 : 0,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: expiresAt,
      revoked_at: null,
    })
    .execute();
  return { sessionId, csrfToken, expiresAt };
}

/** The live session a cookie value names (not expired, not idle, not revoked), touched; else `null`. */
export async function resolveSession(
  db: Kysely<DB>,
  sessionId: string,
  now: number,
): Promise<SessionTable | null> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', hashSessionId(sessionId))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  if (now >= row.expires_at || now - row.last_seen_at >= SESSION_IDLE_MS) return null;
  if (now - row.last_seen_at >= TOUCH_EVERY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
    return { ...row, last_seen_at: now };
  }
  return row;
}

export async function revokeSession(db: Kysely<DB>, sessionId: string, now: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', hashSessionId(sessionId))
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserSessions(
  db: Kysely<DB>,
  userId: string,
  now: number,
  options: { exceptSessionHash?: string } = {},
): Promise<void> {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (options.exceptSessionHash) q = q.where('id', '!=', options.exceptSessionHash);
  await q.execute();
}

export async function markSessionMfaOk(db: Kysely<DB>, sessionHash: string): Promise<void> {
  await db.updateTable('sessions').set({ mfa_ok: 1 }).where('id', '=', sessionHash).execute();
}

/** Parses a `Cookie` header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

export type CookieOptions = { httpOnly: boolean; secure: boolean; maxAgeMs: number | null };

/** Serialises a `Set-Cookie` value; every cookie of the hub is `Path=/` and `SameSite=Lax`. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Lax'];
  if (options.maxAgeMs !== null) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeMs / 1000))}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
