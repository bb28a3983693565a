import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import { safeEqual } from '../platform/safe-equal.ts';
import type { Worker } from '../platform/worker.ts';
import { hubMetrics } from './hub-metrics.ts';
import { collectDatabaseGauges } from './metrics.collector.ts';

const META_WEBHOOK = '/webhooks/meta';
const REALTIME_STREAM = '/api/events';

function rejectionReason(status: number): string {
  if (status === 401) return 'signature';
  if (status === 503) return 'store_failed';
  return 'other';
}

/** Whether an `Authorization` header carries the metrics token (constant time); true when no token is set. */
function tokenMatches(token: string | undefined, given: string | undefined): boolean {
  if (token === undefined) return true;
  return typeof given === 'string' && safeEqual(Buffer.from(given), Buffer.from(`Bearer ${token}`));
}

/** One scrape: the database gauges read now, then the registry in the Prometheus text format. */
async function scrape(deps: AppDeps): Promise<{ contentType: string; body: string }> {
  const metrics = hubMetrics(deps);
  await collectDatabaseGauges(deps.database.db, metrics, deps.clock.now());
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}

/**
 * `GET /metrics` in the Prometheus text format, for a scraper holding `COEXIST_METRICS_TOKEN` as a
 * bearer token (compared in constant time); without that setting, or when the metrics have their
 * own address (`COEXIST_METRICS_LISTEN`, {@link startMetricsListener}), it answers 404. Also the
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
    const served = token !== undefined && deps.config.metricsListen === undefined;
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      // Disabled: a 404 like any unknown route (not the web app's page the fallback would serve).
      if (!served) throw new AppError('ROUTE_NOT_FOUND');
      if (!tokenMatches(token, request.headers.authorization)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED');
      }
      const { contentType, body } = await scrape(deps);
      return reply.type(contentType).send(body);
    });
  };
  // Not encapsulated: the hooks must see the webhook and realtime routes of other plugins.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

/**
 * `GET /metrics` on its own address (`COEXIST_METRICS_LISTEN`, e.g. `127.0.0.1:9464`), outside the
 * hub's port: the bind address is the protection, so no token is needed unless
 * `COEXIST_METRICS_TOKEN` is set too (then both apply). Anything but `GET /metrics` is a 404. Returns
 * null when the setting is absent.
 */
export async function startMetricsListener(deps: AppDeps): Promise<(Worker & { url: string }) | null> {
  const listen = deps.config.metricsListen;
  if (!listen) return null;
  const token = deps.config.metricsToken;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!tokenMatches(token, request.headers.authorization)) {
      response
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' })
        .end('unauthenticated\n');
      return;
    }
    scrape(deps).then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        deps.logger.error({ err: error }, 'metrics scrape failed');
        response.writeHead(503, { 'content-type': 'text/plain' }).end('scrape failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    name: 'metrics-listener',
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
