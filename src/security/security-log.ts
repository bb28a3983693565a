import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';

import type { SecurityEventKind } from './security-kinds.ts';

export { SECURITY_EVENT_KINDS, type SecurityEventKind } from './security-kinds.ts';
export type SecurityOutcome = 'succeeded' | 'failed' | 'refused';

/** Where a request came from, as the log keeps it. */
export type RequestOrigin = { ip: string | null; userAgent: string | null };

export function originOf(request: Pick<FastifyRequest, 'ip' | 'headers'>): RequestOrigin {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

/** The facts an entry carries: ids, roles, reasons, the fields that changed; never a secret. */
export type SecurityDetails = Readonly<Record<string, unknown>>;

export type SecurityEvent = {
  kind: SecurityEventKind;
  outcome?: SecurityOutcome;
  /** Who did it: a principal (a token's or a session's), by its ids. */
  actor?: { readonly kind: 'token' | 'user'; readonly id: string; readonly userId: string | null } | null;
  targetUserId?: string | null;
  targetTokenId?: string | null;
  email?: string | null;
  origin?: RequestOrigin | null;
  details?: SecurityDetails;
  at: number;
};

const cut = (s: string | null | undefined, n: number) => (s == null ? null : s.slice(0, n));

/**
 * Appends an entry to the security log. Callers pass facts only, never a password, code, token or
 * session id; the email is what was typed (so failures for unknown accounts show too).
 */
export async function recordSecurityEvent(db: Kysely<DB>, event: SecurityEvent): Promise<void> {
  const actor = event.actor ?? null;
  await db
    .insertInto('security_log')
    .values({
      at: event.at,
      kind: event.kind,
      outcome: event.outcome ?? 'succeeded',
      actor_user_id: actor?.userId ?? null,
      actor_token_id: actor?.kind === 'token' ? actor.id : null,
      target_user_id: event.targetUserId ?? null,
      target_token_id: event.targetTokenId ?? null,
      email: cut(event.email?.trim().toLowerCase(), 320),
      ip: cut(event.origin?.ip, 100),
      user_agent: cut(event.origin?.userAgent, 300),
      details_json: JSON.stringify(event.details ?? {}),
    })
    .execute();
  // Also a fact of the event log, so the compliance archive keeps sign-ins, failures and
  // administration with the rest (ids and outcome only: no email, address or secret).
  await recordEvent(
    db,
    {
      type: 'security.recorded',
      phoneNumberId: null,
      payload: {
        kind: event.kind,
        outcome: event.outcome ?? 'succeeded',
        user_id: actor?.userId ?? null,
        target_user_id: event.targetUserId ?? null,
        target_token_id: event.targetTokenId ?? null,
        actor: actor ? { kind: actor.kind, id: actor.id } : null,
      },
    },
    event.at,
  );
}
