import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import { safeEqual } from '../platform/safe-equal.ts';
import { hubMetrics } from './hub-metrics.ts';
import { collectDatabaseGauges } from './metrics.collector.ts';

const META_WEBHOOK = '/webhooks/meta';
const REALTIME_STREAM = '/api/events';

function rejectionReason(status: number): string {
  if (status === 401) return 'signature';
  if (status === 503) return 'store_failed';
  return 'other';
}

/**
 * `GET /metrics` in the Prometheus text format, for a scraper holding `COEXIST_METRICS_TOKEN` as a
 * bearer token (compared in constant time); without that setting it answers 404. Also the
 * root-level hooks that count Meta webhooks acknowledged and rejected, time the acknowledgement, and
 * count open realtime streams, so the features' own files carry no metrics code.
 */
export function metricsRoutes(deps: AppDeps): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    const metrics = hubMetrics(deps);

    app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'POST' || request.routeOptions?.url !== META_WEBHOOK) return;
      if (reply.statusCode === 200) {
        metrics.webhooksAcknowledged.inc();
        metrics.webhookAckSeconds.observe(reply.elapsedTime / 1000);
      } else {
        metrics.webhooksRejected.inc({ reason: rejectionReason(reply.statusCode) });
      }
    });
    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'GET' || request.routeOptions?.url !== REALTIME_STREAM) return;
      metrics.realtimeClients.inc();
      reply.raw.once('close', () => metrics.realtimeClients.dec());
    });

    const token = deps.config.metricsToken;
    const expected = token === undefined ? null : Buffer.from(`Bearer ${token}`);
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      // Disabled: a 404 like any unknown route (not the web app's page the fallback would serve).
      if (expected === null) throw new AppError('ROUTE_NOT_FOUND');
      const given = request.headers.authorization;
      if (typeof given !== 'string' || !safeEqual(Buffer.from(given), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED');
      }
      await collectDatabaseGauges(deps.database.db, metrics, deps.clock.now());
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    });
  };
  // Not encapsulated: the hooks must see the webhook and realtime routes of other plugins.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
