import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../database.ts';

/**
 * The hub's Prometheus registry (`docs/integrations.md` lists every series). Counters and the
 * acknowledgement histogram are fed by HTTP hooks (`metrics.routes.ts`); everything else is a gauge
 * read from the database at scrape time (`metrics.collector.ts`), so no feature's hot path is
 * instrumented. Labels are bounded: a number, a status, a Meta error code (at most 20 per number),
 * a subscriber or job name; never a contact, conversation or user.
 */
export type HubMetrics = {
  readonly registry: Registry;
  readonly webhooksAcknowledged: Counter;
  readonly webhooksRejected: Counter<'reason'>;
  readonly webhookAckSeconds: Histogram;
  readonly realtimeClients: Gauge;
  readonly gauges: ReturnType<typeof databaseGauges>;
};

function databaseGauges(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
  return {
    webhooksUnprocessed: gauge(
      'coexist_meta_webhooks_unprocessed',
      'Stored Meta webhooks not yet processed.',
    ),
    webhooksFailed: gauge('coexist_meta_webhooks_failed', 'Stored Meta webhooks whose processing failed.'),
    processingLag: gauge(
      'coexist_meta_webhook_processing_lag_seconds',
      'Age of the oldest unprocessed Meta webhook (0 when none).',
    ),
    subscriberLag: gauge(
      'coexist_subscriber_lag_events',
      'Events in the log a durable subscriber has not passed yet.',
      ['subscriber'],
    ),
    subscriberFailures: gauge(
      'coexist_subscriber_failures',
      'Events a durable subscriber set aside (retrying or failed).',
      ['subscriber', 'state'],
    ),
    jobFailures: gauge('coexist_job_failures', 'Durable jobs whose last run failed after all its attempts.', [
      'job',
    ]),
    jobsPending: gauge('coexist_jobs_pending', 'Durable jobs due or waiting to run.', ['job']),
    outboundQueueDepth: gauge('coexist_outbound_queue_depth', 'Sends queued or in flight, per number.', [
      'phone_number_id',
    ]),
    outboundMessages: gauge(
      'coexist_outbound_messages',
      'Messages the hub sent (API, agents, bots, campaigns) by current status, per number.',
      ['phone_number_id', 'status'],
    ),
    outboundFailures: gauge(
      'coexist_outbound_failed_messages',
      "Failed sends by Meta's error code, per number (the 20 commonest codes; the rest as other).",
      ['phone_number_id', 'meta_code'],
    ),
    throughputUtilisation: gauge(
      'coexist_outbound_throughput_utilisation_ratio',
      "Sends dispatched in the last minute over the number's throughput (messages per second × 60).",
      ['phone_number_id'],
    ),
    webhookDeliveries: gauge('coexist_outbound_webhook_deliveries', 'Outbound webhook deliveries by state.', [
      'state',
    ]),
    webhookEndpointsDisabled: gauge(
      'coexist_outbound_webhook_endpoints_disabled',
      'Outbound webhook endpoints that are disabled.',
    ),
  };
}

/** Creates a registry with the hub's series and the process metrics (`collectDefaultMetrics`). */
export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhooksAcknowledged: new Counter({
      name: 'coexist_meta_webhooks_acknowledged_total',
      help: 'Meta webhooks stored and acknowledged with 200.',
      registers: [registry],
    }),
    webhooksRejected: new Counter({
      name: 'coexist_meta_webhooks_rejected_total',
      help: 'Meta webhooks refused: a bad signature, or the database could not store them (Meta retries).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    webhookAckSeconds: new Histogram({
      name: 'coexist_meta_webhook_ack_duration_seconds',
      help: 'Time from receiving a Meta webhook to acknowledging it (stored durably first).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    realtimeClients: new Gauge({
      name: 'coexist_realtime_clients',
      help: 'Open realtime streams (GET /api/events) on this node.',
      registers: [registry],
    }),
    gauges: databaseGauges(registry),
  };
}

const byDatabase = new WeakMap<Database, HubMetrics>();

/** The metrics of the hub on this database (one registry per app, so tests never share series). */
export function hubMetrics(deps: { readonly database: Database }): HubMetrics {
  let metrics = byDatabase.get(deps.database);
  if (!metrics) {
    metrics = createHubMetrics();
    byDatabase.set(deps.database, metrics);
  }
  return metrics;
}
