import { buildApp } from './app.ts';
import type { AppDeps } from './app-deps.ts';
import { startMaintenanceWorker } from './maintenance/maintenance.worker.ts';
import { startWebhookWorker } from './meta-webhooks/webhook.worker.ts';
import { startOutboundWorker } from './outbound/outbound-worker.ts';
import type { App } from './platform/http/app-type.ts';
import type { Worker } from './platform/worker.ts';

/** A background loop the hub runs beside its HTTP server (webhook processing, outbound sending, …). */

/** Starts every background worker of the hub. */
export async function startWorkers(_deps: AppDeps): Promise<Worker[]> {
  const workers: Worker[] = [];
  workers.push(await startWebhookWorker(_deps));
  workers.push(startOutboundWorker(_deps));
  workers.push(startMaintenanceWorker(_deps));
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
