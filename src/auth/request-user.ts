import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import type { UserRow } from '../users/user.table.ts';
import { findUser } from '../users/users.repository.ts';
import { principalOf } from './principal.ts';

/** The user behind the request; API tokens not tied to a user cannot use user-only routes. */
export async function requestUser(deps: AppDeps, request: FastifyRequest): Promise<UserRow> {
  const principal = principalOf(request);
  if (!principal.userId) throw new AppError('FORBIDDEN', 'This route needs a signed-in user.');
  const user = await findUser(deps.database.db, principal.userId);
  if (!user || user.disabled_at !== null) throw new AppError('UNAUTHENTICATED');
  return user;
}
