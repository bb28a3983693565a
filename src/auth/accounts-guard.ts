import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { authenticate, isPublicRoute } from './authenticate.ts';

/** The realtime stream accepts `?access_token=` because a browser `EventSource` cannot set headers. */
const QUERY_TOKEN_ROUTES = new Set(['/api/events']);

/**
 * A root-level `onRequest` hook over every `/api/*` route, whoever registered it: it authenticates
 * and applies the policy table before the body is parsed, so a forgotten check cannot open a
 * route and an auditor's write is a 403 whatever its body. Unknown routes fall through to the 404.
 */
export function accountsGuard(deps: AppDeps): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const path = request.routeOptions?.url;
      if (!path?.startsWith('/api/')) return;
      if (isPublicRoute(request.method, path)) return;
      if (QUERY_TOKEN_ROUTES.has(path) && request.headers.authorization === undefined) {
        const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
        if (typeof token === 'string' && token !== '') request.headers.authorization = `Bearer ${token}`;
      }
      await authenticate(deps, request);
    });
  };
  // Not encapsulated: the hook must cover routes of every other plugin.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
