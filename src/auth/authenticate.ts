import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import { safeEqual } from '../platform/safe-equal.ts';
import { getSettings } from '../settings/settings.ts';
import { findUser, mfaRequiredFor, principalForUser } from '../users/users.repository.ts';
import { principalForToken } from './api-tokens.ts';
import type { SessionTable } from './auth.table.ts';
import { organisationOf } from './organisation-scope.ts';
import { assertAllowed, isReadMethod, routeFamily } from './policy.ts';
import { type Principal, ROLES } from './principal.ts';
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  PLAIN_HTTP_SESSION_COOKIE,
  parseCookies,
  resolveSession,
  SESSION_COOKIE,
} from './sessions.ts';

/** What a cookie-authenticated request carries besides its principal. */
export type SessionContext = {
  readonly session: SessionTable;
  /** The raw cookie value (needed to log out). */
  readonly cookieValue: string;
  /** The user must enrol MFA before anything but their own account routes. */
  readonly mfaEnrolmentRequired: boolean;
};

declare module 'fastify' {
  interface FastifyRequest {
    accountSession?: SessionContext;
  }
}

function routePath(request: FastifyRequest): string {
  return request.routeOptions?.url ?? request.url;
}

async function principalFromBearer(deps: AppDeps, token: string): Promise<Principal | null> {
  const db = deps.database.db;
  const principal = await principalForToken(db, token, deps.clock.now());
  if (!principal) return null;
  // A token issued by a user dies with that user's account, and never outranks the user as they
  // are now: a demoted or narrowed user's old tokens shrink with them.
  if (principal.userId) {
    const user = await findUser(db, principal.userId);
    if (!user || user.disabled_at !== null) return null;
    // A token belongs to one organisation: it dies when its user leaves it.
    const organisationId = organisationOf(principal);
    const now = await principalForUser(db, user, organisationId);
    if (now.organisationId !== organisationId) return null;
    // ROLES runs from most to least power; the other role still caps what the token may do.
    const [role, ceiling] =
      ROLES.indexOf(principal.role) >= ROLES.indexOf(now.role)
        ? [principal.role, now.role]
        : [now.role, principal.role];
    const wabaIds =
      now.wabaIds === null
        ? principal.wabaIds
        : principal.wabaIds === null
          ? now.wabaIds
          : principal.wabaIds.filter((id) => now.wabaIds?.includes(id));
    return {
      ...principal,
      role,
      wabaIds,
      orgWide: principal.orgWide === true && now.orgWide === true,
      hubWide: principal.hubWide === true && now.hubWide === true,
      ...(ceiling !== role ? { ceiling } : {}),
    };
  }
  return principal;
}

async function principalFromSession(deps: AppDeps, request: FastifyRequest): Promise<Principal | null> {
  const cookies = parseCookies(request.headers.cookie);
  const httpsHub = deps.config.publicUrl?.startsWith('https:') ?? false;
  const cookieValue = cookies[SESSION_COOKIE] ?? (httpsHub ? undefined : cookies[PLAIN_HTTP_SESSION_COOKIE]);
  if (!cookieValue) return null;
  const db = deps.database.db;
  const session = await resolveSession(db, cookieValue, deps.clock.now());
  if (!session) return null;
  const user = await findUser(db, session.user_id);
  if (!user || user.disabled_at !== null) return null;

  // Double-submit CSRF: a state change must echo the readable cookie in a header, and both must
  // be this session's token. Bearer requests never reach here, so they are exempt.
  if (!isReadMethod(request.method)) {
    const header = request.headers[CSRF_HEADER];
    const sent = Array.isArray(header) ? header[0] : header;
    const cookie = cookies[CSRF_COOKIE];
    if (!sent || !cookie || !safeEqual(sent, cookie) || !safeEqual(sent, session.csrf_token)) {
      throw new AppError('CSRF_TOKEN_INVALID');
    }
  }
  // Decided from the user's current state, so switching "require MFA for everyone" on or off
  // applies to live sessions at once.
  const mfaEnrolmentRequired =
    user.mfa_enabled_at === null && mfaRequiredFor(user.role, await getSettings(db));
  request.accountSession = { session, cookieValue, mfaEnrolmentRequired };
  return principalForUser(db, user, session.organisation_id);
}

/**
 * Establishes the request's principal (bearer token first, else the session cookie, with its CSRF
 * check) and applies the route policy table. Every `/api` route passes through here via the
 * accounts guard; a route may call it again, which is cheap.
 */
export async function authenticate(deps: AppDeps, request: FastifyRequest): Promise<Principal> {
  let principal = request.principal;
  if (!principal) {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      principal = (await principalFromBearer(deps, header.slice(7).trim())) ?? undefined;
    } else {
      principal = (await principalFromSession(deps, request)) ?? undefined;
    }
    if (!principal) throw new AppError('UNAUTHENTICATED');
    request.principal = principal;
  }
  const path = routePath(request);
  const family = assertAllowed(principal, request.method, path);
  if (request.accountSession?.mfaEnrolmentRequired && family !== 'self') {
    throw new AppError('MFA_ENROLMENT_REQUIRED');
  }
  return principal;
}

/** Whether a route is reachable without a principal (only logging in). */
export function isPublicRoute(method: string, path: string): boolean {
  return routeFamily(method, path) === 'public';
}
