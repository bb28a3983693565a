import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE } from './api-tokens.ts';

/** The window of a token's limit: its `rate_limit_per_minute` requests per minute. */
export const TOKEN_RATE_WINDOW_MS = 60_000;

/**
 * Per-token rate limits on `/api` (@fastify/rate-limit): each API token may make its own
 * `rate_limit_per_minute` requests a minute (6,000 unless set), counted by token id, so two
 * integrations never share a budget. Over it the request gets 429 `RATE_LIMITED` with `Retry-After`
 * and the `x-ratelimit-*` headers. Checked after authentication (`preHandler`), so the token is
 * known and a request with a bad token is a 401, not a count. Users' browser sessions are not limited
 * here (their sign-in has its own throttle). The counters are in memory: each node counts its own.
 */
export function tokenRateLimit(): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      timeWindow: TOKEN_RATE_WINDOW_MS,
      max: (request) => request.principal?.rateLimitPerMinute ?? DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE,
      keyGenerator: (request) => `token:${request.principal?.id ?? ''}`,
      allowList: (request) => request.principal?.kind !== 'token',
      errorResponseBuilder: (_request, context) =>
        new AppError('RATE_LIMITED', `This API token may make ${context.max} requests a minute.`, {
          retry_after_seconds: Math.max(1, Math.ceil(context.ttl / 1000)),
          limit_per_minute: context.max,
        }),
    });
  };
  // Not encapsulated: the limit must apply to the routes registered after it at the root.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
