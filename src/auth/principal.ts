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
  /**
   * The business accounts this principal may see: those of its current organisation (or the user's
   * share of them). `null` means every one: only while the hub hosts a single organisation (all of
   * it is then all of the hub) or outside a request (a tool on the host). With several
   * organisations nobody has `null`, the provider administrator included.
   */
  readonly wabaIds: readonly string[] | null;
  /** The organisation the principal acts in (`auth/organisation-scope.ts`); absent = the default one. */
  readonly organisationId?: string | null;
  /**
   * Whether `wabaIds` are all of the organisation's business accounts (an owner, or a user not
   * restricted to some): such a principal may create rows shared by the organisation and claim a
   * new business account for it.
   */
  readonly orgWide?: boolean;
  /** The provider administrator: creates organisations and may act in any of them. */
  readonly providerAdmin?: boolean;
  /**
   * May see and change what the whole hub shares (the rate card, background work, failures of no
   * known account): the provider administrator, or while the hub has one organisation only, whoever
   * sees all of it. See `isHubWide`.
   */
  readonly hubWide?: boolean;
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

/**
 * Whether the principal may see and change what the whole hub shares rather than one organisation:
 * with several organisations, only the provider administrator.
 */
export function isHubWide(principal: Pick<Principal, 'wabaIds' | 'hubWide'>): boolean {
  return principal.wabaIds === null || principal.hubWide === true;
}

/** Throws unless the principal may act on this business account. */
export function assertWabaAccess(principal: Principal, wabaId: string): void {
  if (principal.wabaIds !== null && !principal.wabaIds.includes(wabaId)) throw new AppError('NOT_FOUND');
}
