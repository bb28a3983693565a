import { AppError } from '../platform/errors.ts';

export type Role = 'owner' | 'admin' | 'supervisor' | 'agent' | 'auditor';

/** Who is making a request, as established by a bearer token or a session cookie. */
export type Principal = {
  readonly kind: 'token' | 'user';
  /** Token id or user id. */
  readonly id: string;
  readonly userId: string | null;
  readonly role: Role;
  /** The business accounts this principal may see; `null` means every one. */
  readonly wabaIds: readonly string[] | null;
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

export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN');
}

/** Throws unless the principal may act on this business account. */
export function assertWabaAccess(principal: Principal, wabaId: string): void {
  if (principal.wabaIds !== null && !principal.wabaIds.includes(wabaId)) throw new AppError('NOT_FOUND');
}
