import { parentPort, workerData } from 'node:worker_threads';
import type { AppDeps } from '../app-deps.ts';
import { openDatabase } from '../database.ts';
import { graphClientFromConfig } from '../graph/graph-client.ts';
import { systemClock } from '../platform/clock.ts';
import { createSignals, type SignalName, type Signals } from '../platform/events/signals.ts';
import { createLogger } from '../platform/logger.ts';
import { shareIngestActivity } from './ingest-activity.ts';
import { startWebhookWorker } from './webhook.worker.ts';
import type { ThreadData, ThreadMessage } from './webhook-thread.worker.ts';

/*
 * The webhook processing thread (see `webhook-thread.worker.ts`): its own connection to the hub's
 * SQLite file, and the same webhook worker as on the main thread, whose signals go to the main
 * thread's signals.
 */
const port = parentPort;
if (!port) throw new Error('webhook-thread.entry.ts runs as a worker thread');
const data = workerData as ThreadData;
const config = data.config;
const logger = createLogger({ level: config.logLevel, name: 'coexist-webhooks' });
const database = openDatabase(config.databaseUrl, { timeouts: config.databaseTimeouts });
shareIngestActivity(database, data.ingest);

const local = createSignals((error) => logger.error({ err: error }, 'signal listener failed'));
const signals: Signals = {
  emit(name, ...args) {
    port.postMessage({ type: 'signal', name, args } satisfies ThreadMessage);
    local.emit(name, ...args);
  },
  on: local.on,
};

const deps: AppDeps = {
  config,
  database,
  clock: systemClock,
  logger,
  graph: graphClientFromConfig(config),
  signals,
};

const worker = await startWebhookWorker(deps);
port.on('message', (message: ThreadMessage) => {
  if (message.type === 'signal') {
    (local.emit as (name: SignalName, ...args: unknown[]) => void)(message.name, ...message.args);
  } else if (message.type === 'stop') {
    void (async () => {
      await worker.stop();
      await database.close();
      port.postMessage({ type: 'stopped' } satisfies ThreadMessage);
      port.close();
    })();
  }
});
port.postMessage({ type: 'ready' } satisfies ThreadMessage);
