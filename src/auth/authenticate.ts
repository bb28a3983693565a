import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import { principalForToken } from './api-tokens.ts';
import type { Principal } from './principal.ts';

/**
 * Establishes the request's principal from `Authorization: Bearer <token>`. Session cookies are
 * resolved by the hook the accounts feature adds in front of this one.
 */
export async function authenticate(deps: AppDeps, request: FastifyRequest): Promise<Principal> {
  if (request.principal) return request.principal;
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const principal = await principalForToken(deps.database.db, header.slice(7).trim(), deps.clock.now());
    if (principal) {
      request.principal = principal;
      return principal;
    }
  }
  throw new AppError('UNAUTHENTICATED');
}
