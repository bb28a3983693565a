import { AppError } from '../platform/errors.ts';

/** Every role, from most to least power; `auth/policy.ts` says what each may do. */
export const ROLES = ['owner', 'admin', 'supervisor', 'agent', 'auditor'] as const;

export type Role = (typeof ROLES)[number];

/** What an API token may do within its role (`auth/policy.ts`, `scopeAllows`). */
export const TOKEN_SCOPES = ['read', 'send', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Who is making a request, as established by a bearer token or a session cookie. */
export type Principal = {
  readonly kind: 'token' | 'user';
  /** Token id or user id. */
  readonly id: string;
  readonly userId: string | null;
  readonly role: Role;
  /**
   * For a token issued by a user whose role is now different: the other of the two roles. The
   * policy allows only what both allow (see `principalMay`).
   */
  readonly ceiling?: Role;
  /** The business accounts this principal may see; `null` means every one. */
  readonly wabaIds: readonly string[] | null;
  /** An API token's scope; absent for users and for tokens of full (admin) scope made before scopes. */
  readonly scope?: TokenScope;
  /** An API token's requests per minute (`auth/token-rate-limit.ts`). */
  readonly rateLimitPerMinute?: number;
};

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The principal of an authenticated request; routes behind the auth hook can rely on it. */
export function principalOf(request: { principal?: Principal }): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED');
  return request.principal;
}

/** Throws unless the principal may act on this business account. */
export function assertWabaAccess(principal: Principal, wabaId: string): void {
  if (principal.wabaIds !== null && !principal.wabaIds.includes(wabaId)) throw new AppError('NOT_FOUND');
}
