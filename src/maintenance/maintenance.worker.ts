import type { AppDeps } from '../app-deps.ts';
import { graphClientFor } from '../graph/graph-client.ts';
import type { Worker } from '../hub.ts';
import { purgeExpiredKeys } from '../outbound/idempotency.ts';
import { syncTemplates } from '../templates/template-sync.ts';

export type MaintenanceOptions = {
  /** How often every business account's templates are refreshed from Meta (status webhooks can be missed). */
  readonly templateSyncMs?: number;
  /** How often expired idempotency keys are deleted. */
  readonly purgeMs?: number;
  /** Delay before the first pass, so start-up is not slowed down. */
  readonly firstRunMs?: number;
};

type Job = { name: string; everyMs: number; nextAt: number; run(): Promise<void> };

/**
 * Periodic upkeep every node may run (each job is idempotent): refresh the template cache of every
 * known business account from Graph, and delete idempotency keys past their 24 hours.
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
        await purgeExpiredKeys(db, deps.clock.now());
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
