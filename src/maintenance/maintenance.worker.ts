import type { AppDeps } from '../app-deps.ts';
import { graphClientFor } from '../graph/graph-client.ts';
import { downloadPendingMedia } from '../media/media.service.ts';
import { inferHistoryCompletion } from '../messages/history.processor.ts';
import { pruneDedupKeys } from '../meta-webhooks/webhook-event.repository.ts';
import { purgeExpiredKeys } from '../outbound/idempotency.ts';
import type { Worker } from '../platform/worker.ts';
import { syncTemplates } from '../templates/template-sync.ts';

export type MaintenanceOptions = {
  /** How often every business account's templates are refreshed from Meta (status webhooks can be missed). */
  readonly templateSyncMs?: number;
  /** How often expired idempotency keys and old webhook deduplication keys are deleted. */
  readonly purgeMs?: number;
  /** How often quiet history imports are looked for (and marked complete, inferred). */
  readonly historyCheckMs?: number;
  /** How often received media not yet kept by the hub are downloaded from Meta. */
  readonly mediaMs?: number;
  /** Delay before the first pass, so start-up is not slowed down. */
  readonly firstRunMs?: number;
};

/** Meta redelivers for up to 7 days; deduplication keys are kept twice that. */
export const DEDUP_RETENTION_MS = 14 * 24 * 3_600_000;

type Job = { name: string; everyMs: number; nextAt: number; run(): Promise<void> };

/**
 * Periodic upkeep every node may run (each job is idempotent): refresh the template cache of every
 * known business account from Graph; delete idempotency keys past their 24 hours and webhook
 * deduplication keys past {@link DEDUP_RETENTION_MS}; download received media before Meta's ids
 * expire; mark history imports that went quiet as complete (inferred).
 */
export function startMaintenanceWorker(deps: AppDeps, options: MaintenanceOptions = {}): Worker {
  const db = deps.database.db;
  const first = Date.now() + (options.firstRunMs ?? 5_000);
  const jobs: Job[] = [
    {
      name: 'template sync',
      everyMs: options.templateSyncMs ?? 15 * 60_000,
      nextAt: first,
      async run() {
        if (!deps.config.metaAccessToken) return;
        const graph = graphClientFor(deps.config);
        const wabas = await db.selectFrom('phone_numbers').select('waba_id').distinct().execute();
        for (const { waba_id } of wabas) {
          const r = await syncTemplates({ db, graph, now: deps.clock.now() }, waba_id);
          if (!r.ok) deps.logger.warn({ wabaId: waba_id, error: r.error.message }, 'template sync failed');
        }
      },
    },
    {
      name: 'idempotency purge',
      everyMs: options.purgeMs ?? 60 * 60_000,
      nextAt: first,
      async run() {
        const now = deps.clock.now();
        await purgeExpiredKeys(db, now);
        const pruned = await pruneDedupKeys(db, now - DEDUP_RETENTION_MS);
        if (pruned > 0) deps.logger.info({ pruned }, 'old webhook deduplication keys deleted');
      },
    },
    {
      name: 'media download',
      everyMs: options.mediaMs ?? 30_000,
      nextAt: first,
      async run() {
        if (!deps.config.metaAccessToken) return;
        const graph = graphClientFor(deps.config);
        // Each pass takes a slice; keep going while there is more (Meta's ids last 7 days).
        for (let i = 0; i < 50; i++) {
          const stored = await downloadPendingMedia({ db, graph, now: deps.clock.now() });
          if (stored === 0 || stopped) break;
        }
      },
    },
    {
      name: 'history completion',
      everyMs: options.historyCheckMs ?? 60_000,
      nextAt: first,
      async run() {
        const n = await inferHistoryCompletion(db, deps.clock.now());
        if (n > 0) deps.logger.info({ numbers: n }, 'quiet history imports marked complete (inferred)');
      },
    },
  ];

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      for (const job of jobs) {
        if (stopped || Date.now() < job.nextAt) continue;
        job.nextAt = Date.now() + job.everyMs;
        try {
          await job.run();
        } catch (error) {
          deps.logger.error({ err: error, job: job.name }, 'maintenance job failed');
        }
      }
    })();
    void running.then(() => {
      if (!stopped)
        timer = setTimeout(tick, Math.max(50, Math.min(...jobs.map((j) => j.nextAt)) - Date.now()));
    });
  };
  timer = setTimeout(tick, Math.max(0, first - Date.now()));

  return {
    name: 'maintenance',
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
