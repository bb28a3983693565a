import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { authenticate } from './authenticate.ts';

/**
 * An `onRequest` hook that authenticates every request of the plugin it is added to, through the
 * one entry point {@link authenticate}: a missing, unknown or revoked credential is a 401
 * `UNAUTHENTICATED` before any handler runs. Add it inside each `/api/*` route plugin:
 * `app.addHook('onRequest', apiAuthHook(deps))`.
 *
 * With `allowQueryToken`, `?access_token=` is accepted as a bearer token when no `Authorization`
 * header is present. Only the realtime stream uses it, because a browser `EventSource` cannot set
 * headers.
 */
export function apiAuthHook(
  deps: AppDeps,
  options: { allowQueryToken?: boolean } = {},
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (options.allowQueryToken && !request.principal && request.headers.authorization === undefined) {
      const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token === 'string' && token !== '') request.headers.authorization = `Bearer ${token}`;
    }
    await authenticate(deps, request);
  };
}
