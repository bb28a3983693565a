import { Worker as Thread } from 'node:worker_threads';
import type { AppDeps } from '../app-deps.ts';
import { systemClock } from '../platform/clock.ts';
import type { SignalName } from '../platform/events/signals.ts';
import type { Worker } from '../platform/worker.ts';
import { ingestActivityBuffer } from './ingest-activity.ts';
import { startWebhookWorker } from './webhook.worker.ts';

/** What the processing thread and the hub's main thread tell each other. */
export type ThreadMessage =
  | { readonly type: 'signal'; readonly name: SignalName; readonly args: unknown[] }
  | { readonly type: 'ready' }
  | { readonly type: 'stop' }
  | { readonly type: 'stopped' };

/** What the processing thread starts from (`webhook-thread.entry.ts`). */
export type ThreadData = {
  readonly config: AppDeps['config'];
  readonly ingest: SharedArrayBuffer;
};

/**
 * Whether webhook processing runs in its own thread: on a SQLite file (its one writer is shared by
 * the acknowledgements and the processing, and the thread puts the processing on a second core, so
 * the hub's event loop answers Meta while the backlog is applied), unless
 * `COEXIST_WEBHOOK_PROCESSING=inline`, and only with the system clock (the thread has its own).
 * PostgreSQL processing mostly waits on the server, so it stays on the event loop.
 */
export function processesInThread(deps: AppDeps): boolean {
  return (
    deps.database.dialect === 'sqlite' &&
    deps.config.webhookProcessing === 'thread' &&
    deps.clock === systemClock &&
    !deps.config.databaseUrl.endsWith(':memory:')
  );
}

/**
 * Starts the webhook worker (`webhook.worker.ts`) where {@link processesInThread} says: in a
 * worker thread with its own connection to the SQLite file, or on this thread. The thread's signals
 * (`events`, `outbox`, `jobs`) are emitted on this node's signals, and this node's `webhookStored`
 * wakes the thread. A thread that dies is logged and replaced by processing on this thread; nothing
 * is lost, since every webhook stays stored until it is applied.
 */
export async function startWebhookProcessing(deps: AppDeps): Promise<Worker> {
  if (!processesInThread(deps)) return startWebhookWorker(deps);

  const data: ThreadData = { config: deps.config, ingest: ingestActivityBuffer(deps.database) };
  const thread = new Thread(new URL('./webhook-thread.boot.mjs', import.meta.url), { workerData: data });
  let stopping = false;
  let ready = false;
  let fallback: Worker | null = null;
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });

  const offStored = deps.signals.on('webhookStored', () => {
    thread.postMessage({ type: 'signal', name: 'webhookStored', args: [] } satisfies ThreadMessage);
  });
  thread.on('message', (message: ThreadMessage) => {
    if (message.type === 'ready') ready = true;
    else if (message.type === 'stopped') stopped();
    else if (message.type === 'signal') {
      (deps.signals.emit as (name: SignalName, ...args: unknown[]) => void)(message.name, ...message.args);
    }
  });
  thread.on('error', (error) => deps.logger.error({ err: error }, 'webhook processing thread failed'));
  // The hub does not wait for the thread to load: webhooks stay stored until it applies them.
  thread.on('exit', (code) => {
    stopped();
    offStored();
    if (stopping) return;
    deps.logger.error({ code }, 'webhook processing thread exited; processing on the main thread');
    void startWebhookWorker(deps).then((worker) => {
      fallback = worker;
    });
  });

  return {
    name: 'webhooks',
    async stop() {
      stopping = true;
      offStored();
      if (ready) {
        thread.postMessage({ type: 'stop' } satisfies ThreadMessage);
        // A stop lets the batch in progress commit; a thread that does not answer is ended (an
        // unfinished SQLite transaction rolls back, and its webhooks stay stored).
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, 20_000).unref());
        await Promise.race([done, timeout]);
      }
      await thread.terminate();
      await fallback?.stop();
    },
  };
}
