import type { Kysely } from 'kysely';
import { buildApp } from './app.ts';
import type { AppDeps } from './app-deps.ts';
import type { DB } from './database.ts';
import { startMaintenanceWorker } from './maintenance/maintenance.worker.ts';
import { startWebhookWorker } from './meta-webhooks/webhook.worker.ts';
import { startOutboundWorker } from './outbound/outbound-worker.ts';
import type { EventTables } from './platform/events/event.table.ts';
import type { Subscriber } from './platform/events/subscriber.ts';
import {
  type SubscriberWorker,
  type SubscriberWorkerOptions,
  startSubscriberWorker,
} from './platform/events/subscriber-worker.ts';
import type { App } from './platform/http/app-type.ts';
import type { Worker } from './platform/worker.ts';

/**
 * Every durable subscriber of the event log, declared beside its feature (`*.subscriber.ts`) and
 * collected here. The realtime stream is not one of them: it is a live reader on every node
 * (`realtime/realtime-hub.ts`), since every node must see every event for its own clients.
 */
export const hubSubscribers: readonly Subscriber[] = [];

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
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.signals ? { signals: deps.signals } : {}),
  });
}

/** Starts every background worker of the hub. */
export async function startWorkers(deps: AppDeps): Promise<Worker[]> {
  const workers: Worker[] = [];
  workers.push(await startWebhookWorker(deps));
  workers.push(startOutboundWorker(deps));
  workers.push(startMaintenanceWorker(deps));
  workers.push(startEventSubscribers(deps));
  return workers;
}

export type RunningHub = { readonly app: App; readonly url: string; close(): Promise<void> };

/** Builds the app, listens, and starts the workers; `close()` stops them in reverse order. */
export async function startHub(deps: AppDeps, listen: { port: number; host: string }): Promise<RunningHub> {
  const app = await buildApp(deps);
  const address = await app.listen({ port: listen.port, host: listen.host });
  const workers = await startWorkers(deps);
  return {
    app,
    url: address.replace('[::1]', '127.0.0.1'),
    async close() {
      for (const worker of workers.reverse()) await worker.stop();
      await app.close();
    },
  };
}
