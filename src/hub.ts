import type { Kysely } from 'kysely';
import { analyticsSubscriber } from './analytics/analytics.subscriber.ts';
import { buildApp } from './app.ts';
import type { AppDeps } from './app-deps.ts';
import { archiveSubscriber } from './archive/archive.subscriber.ts';
import { archiveBackfillJob, archiveRetentionJob, sealAtRestJob } from './archive/archive-upkeep.jobs.ts';
import { archiveCheckpointJob } from './archive/checkpoint.job.ts';
import { archiveS3AnchorJob } from './archive/s3-anchor.job.ts';
import { contactImportJob } from './audiences/contact-import.job.ts';
import { automationResumeJob, noHumanReplyJob } from './automation/automation-timers.job.ts';
import { automationEngineSubscriber } from './automation/engine.subscriber.ts';
import { flowCallJob } from './automation/flows/flow-call.job.ts';
import { campaignFanoutJob } from './campaigns/campaign-fanout.job.ts';
import { campaignRepliesSubscriber } from './campaigns/campaign-replies.subscriber.ts';
import { consentSendErrorSubscriber } from './consent/error-131050.subscriber.ts';
import { consentKeywordSubscriber } from './consent/keyword.subscriber.ts';
import { csatSubscriber } from './csat/csat.subscriber.ts';
import { slaCheckJob } from './sla/sla.job.ts';
// Registers the flow runner with the engine's flow port.
import './automation/flows/runner.ts';
import { ruleActionJob, unsnoozeJob } from './automation/rule-action.job.ts';
import type { DB } from './database.ts';
import { snoozeWakeSubscriber } from './inbox/snooze.subscriber.ts';
import { snoozeEndJob } from './inbox/snooze-end.job.ts';
import { deliveryJob } from './integrations/outbound-webhooks/delivery.job.ts';
import { outboundWebhooksSubscriber } from './integrations/outbound-webhooks/fanout.subscriber.ts';
import { mediaDownloadJob } from './media/media-download.job.ts';
import { historyCompletionJob } from './messages/history-completion.job.ts';
import { dedupPruneJob } from './meta-webhooks/dedup-prune.job.ts';
import { hasBacklog, loopShareOf, msSinceIngest } from './meta-webhooks/ingest-activity.ts';
import { ARRIVING_MS, startWebhookWorker } from './meta-webhooks/webhook.worker.ts';
import { startMetricsListener } from './metrics/metrics.routes.ts';
import { idempotencyPurgeJob } from './outbound/idempotency-purge.job.ts';
import { startOutboundWorker } from './outbound/outbound-worker.ts';
import type { EventTables } from './platform/events/event.table.ts';
import { eventLogPruneJob } from './platform/events/event-log-prune.job.ts';
import type { Subscriber } from './platform/events/subscriber.ts';
import {
  type SubscriberWorker,
  type SubscriberWorkerOptions,
  startSubscriberWorker,
} from './platform/events/subscriber-worker.ts';
import type { App } from './platform/http/app-type.ts';
import type { JobTables } from './platform/jobs/job.table.ts';
import type { Job } from './platform/jobs/job.ts';
import { jobPruneJob } from './platform/jobs/job-prune.job.ts';
import { type JobRunner, type JobRunnerOptions, startJobRunner } from './platform/jobs/job-runner.ts';
import type { Worker } from './platform/worker.ts';
import { routingDrainJob } from './routing/routing-drain.job.ts';
import { syncHealthJob, syncHealthNumberJob } from './sync-health/sync-health.job.ts';
import { syncHealthSubscriber } from './sync-health/sync-health.subscriber.ts';
import { templateSyncJob } from './templates/template-sync.job.ts';

export type { Worker } from './platform/worker.ts';

/**
 * Every durable subscriber of the event log, declared beside its feature (`*.subscriber.ts`) and
 * collected here. The realtime stream is the other kind, a live subscriber on every node
 * (`platform/events/live-subscriber.ts`), since every node must see every event for its own clients.
 */
export const hubSubscribers: readonly Subscriber[] = [
  // In this order within a round (SQLite: one transaction, cut by a time budget), so what a
  // customer waits for comes first: the bot's reply and the consent keywords (STOP must hold
  // before the next send), then the rest; the archive and the rollups, which nobody waits on, last.
  automationEngineSubscriber,
  consentKeywordSubscriber,
  consentSendErrorSubscriber,
  snoozeWakeSubscriber,
  campaignRepliesSubscriber,
  csatSubscriber,
  outboundWebhooksSubscriber,
  syncHealthSubscriber,
  analyticsSubscriber,
  archiveSubscriber,
];

/** The subscribers a customer waits on: on PostgreSQL they run in a worker of their own (`startWorkers`). */
// The others' pause between rounds while these catch up (measured with `npm run bench:automation`:
// without it the others' rounds take the connections and the CPU the bot's replies wait for).
const URGENT_YIELD_MS = 50;
const urgentSubscribers: readonly Subscriber[] = [automationEngineSubscriber, consentKeywordSubscriber];

type EventWorkerDeps = {
  readonly database: { readonly db: Kysely<DB> | Kysely<EventTables> };
  readonly clock: AppDeps['clock'];
  readonly logger?: AppDeps['logger'];
  readonly signals?: AppDeps['signals'];
};

/** Starts the subscriber worker over {@link hubSubscribers} (or the given ones, in tests and probes). */
export function startEventSubscribers(
  deps: EventWorkerDeps,
  options: Partial<Omit<SubscriberWorkerOptions, 'db' | 'clock' | 'logger' | 'signals'>> = {},
): SubscriberWorker {
  return startSubscriberWorker({
    ...options,
    // The hub's schema includes the event tables; Kysely cannot see a schema as its subset.
    db: deps.database.db as unknown as Kysely<EventTables>,
    subscribers: options.subscribers ?? hubSubscribers,
    clock: deps.clock,
    // Handlers that need the configuration (the archive's master keys) read it from here.
    context: deps,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.signals ? { signals: deps.signals } : {}),
  });
}

/**
 * Every durable job of the hub, declared beside its feature (`*.job.ts`) and collected here: the
 * upkeep that the maintenance loop used to run, now recurring jobs with leases, retries and
 * visible failures. One-off jobs (campaign fan-out, outbound webhook delivery, …) go here too.
 */
export const hubJobs: readonly Job<never, AppDeps>[] = [
  templateSyncJob,
  contactImportJob,
  campaignFanoutJob,
  mediaDownloadJob,
  idempotencyPurgeJob,
  dedupPruneJob,
  historyCompletionJob,
  eventLogPruneJob(hubSubscribers),
  jobPruneJob,
  archiveCheckpointJob,
  archiveS3AnchorJob,
  archiveRetentionJob,
  archiveBackfillJob,
  sealAtRestJob,
  deliveryJob,
  flowCallJob,
  syncHealthJob,
  syncHealthNumberJob,
  slaCheckJob,
  ruleActionJob,
  unsnoozeJob,
  snoozeEndJob,
  noHumanReplyJob,
  automationResumeJob,
  routingDrainJob,
] as unknown as readonly Job<never, AppDeps>[];

/** Starts the job runner over {@link hubJobs} (or the given ones). */
export function startHubJobs(
  deps: AppDeps,
  options: Partial<
    Pick<JobRunnerOptions<AppDeps>, 'jobs' | 'schedules' | 'pollMs' | 'leaseMs' | 'concurrency'>
  > = {},
): JobRunner {
  return startJobRunner<AppDeps>({
    ...options,
    // The hub's schema includes the jobs table; Kysely cannot see a schema as its subset.
    db: deps.database.db as unknown as Kysely<JobTables>,
    dialect: deps.database.dialect,
    jobs: options.jobs ?? hubJobs,
    deps,
    clock: deps.clock,
    logger: deps.logger,
    signals: deps.signals,
    nodeId: deps.config.nodeId,
  });
}

/** Starts every background worker of the hub. */
export async function startWorkers(deps: AppDeps): Promise<Worker[]> {
  const workers: Worker[] = [];
  // COEXIST_WORKERS=off: an ingest-only node (acknowledges and serves; another node processes).
  if (!deps.config.workers) return workers;
  workers.push(await startWebhookWorker(deps));
  workers.push(startOutboundWorker(deps));
  workers.push(startHubJobs(deps));
  // COEXIST_ARCHIVE_SUBSCRIBER=off pauses the archive (its cursor waits) to measure what it costs.
  const subscribers = deps.config.archiveSubscriber
    ? hubSubscribers
    : hubSubscribers.filter((s) => s !== archiveSubscriber);
  // Acknowledging and applying webhooks come first. While webhooks arrive on SQLite, subscriber
  // rounds are short and pause (the acknowledgements wait for its one writer); while the webhook
  // worker has a backlog (either database), subscribers pause between rounds so that it gets most
  // of the time. They catch up from their durable cursors once the backlog is applied.
  const sqlite = deps.database.dialect === 'sqlite';
  const backlog = () => hasBacklog(deps.database);
  const arriving = () => sqlite && msSinceIngest(deps.database) < ARRIVING_MS;
  const busy = () => backlog() || arriving();
  const pauseMs = () => (backlog() ? 100 : arriving() ? 20 : 0);
  // While the acknowledgements are saturated, rounds (on PostgreSQL each subscriber's transaction)
  // take turns with the webhook worker for a share of the time (platform/loop-share.ts).
  const share = loopShareOf(deps.database);
  // PostgreSQL: what a customer waits for (the bot's reply, STOP) has a worker of its own, so that
  // it never waits for a round of the others (the archive, the rollups, the fan-out to endpoints)
  // to end; while it catches up, the others pause between rounds. SQLite has one writer: one round,
  // with these first in it.
  const urgent = sqlite ? null : subscribers.filter((s) => urgentSubscribers.includes(s));
  const first = urgent?.length
    ? startEventSubscribers(deps, {
        nodeId: deps.config.nodeId,
        subscribers: urgent,
        // Applying a burst of webhooks still comes first (no effect at a steady rate: no backlog).
        busy,
        pauseMs,
        share,
        concurrent: true,
      })
    : null;
  if (first) workers.push(first);
  workers.push(
    startEventSubscribers(deps, {
      nodeId: deps.config.nodeId,
      subscribers: first ? subscribers.filter((s) => !urgentSubscribers.includes(s)) : subscribers,
      busy,
      pauseMs: first ? () => Math.max(pauseMs(), first.active() ? URGENT_YIELD_MS : 0) : pauseMs,
      share,
      // PostgreSQL: subscribers side by side (their handlers wait on round trips, not on one writer).
      concurrent: !sqlite,
    }),
  );
  return workers;
}

export type RunningHub = { readonly app: App; readonly url: string; close(): Promise<void> };

/** Builds the app, listens, and starts the workers; `close()` stops them in reverse order. */
export async function startHub(deps: AppDeps, listen: { port: number; host: string }): Promise<RunningHub> {
  const app = await buildApp(deps);
  const address = await app.listen({ port: listen.port, host: listen.host });
  const workers = await startWorkers(deps);
  const metricsListener = await startMetricsListener(deps);
  if (metricsListener) workers.push(metricsListener);
  return {
    app,
    url: address.replace('[::1]', '127.0.0.1'),
    async close() {
      for (const worker of workers.reverse()) await worker.stop();
      await app.close();
    },
  };
}
