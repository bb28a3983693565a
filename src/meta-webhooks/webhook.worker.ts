import type { AppDeps } from '../app-deps.ts';
import { sweepUnappliedStatuses } from '../messages/status.repository.ts';
import { isDatabaseUnavailable } from '../platform/db/database-errors.ts';
import type { Worker } from '../platform/worker.ts';
import { loopShareOf, msSinceIngest, setBacklog } from './ingest-activity.ts';
import { withDbRetry } from './retry.ts';
import { processEventsAlone, processWebhookEvents } from './webhook.processor.ts';
import {
  type ClaimedEvent,
  claimPendingEvents,
  releaseClaims,
  renewClaims,
} from './webhook-event.repository.ts';

/** Events per SQLite transaction while webhooks are arriving (fewer means more commits, each an fsync). */
const BUSY_SQLITE_EVENTS = 100;

/** Webhooks stored within this long (ms) count as still arriving (SQLite: short transactions). */
export const ARRIVING_MS = 1_000;

/** How long a claim lasts without a heartbeat (the default `leaseMs`). */
export const DEFAULT_LEASE_MS = 15_000;

/** The first events of `events` whose bodies add up to at most `maxBytes` (always at least one). */
function takeChunk<T extends { body: string }>(
  events: readonly T[],
  maxBytes: number,
  maxEvents: number,
): T[] {
  let bytes = 0;
  let n = 0;
  while (n < events.length && n < maxEvents) {
    bytes += (events[n] as T).body.length;
    if (n > 0 && bytes > maxBytes) break;
    n++;
  }
  return events.slice(0, n);
}

export type WebhookWorkerOptions = {
  /** Fallback poll when no in-process wake-up arrives (other nodes' events, crash leftovers). */
  readonly pollMs?: number;
  /**
   * A claim not renewed for this long is taken over (its node is presumed dead). A live node renews
   * its claims every third of it (a heartbeat), however long it takes to process them.
   */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  /** Most raw body bytes applied in one transaction, so acknowledgements are not starved on SQLite. */
  readonly maxBatchBytes?: number;
  /** Longest processing waits for a burst of incoming webhooks to pause (ms). */
  readonly maxDeferMs?: number;
  /** Processing transactions run at once on PostgreSQL (SQLite always runs one). */
  readonly parallel?: number;
};

/**
 * Processes stored webhook events: woken in-process right after the endpoint commits, polling as a
 * fallback, and resuming whatever was acknowledged but not processed before a restart or crash.
 */
export async function startWebhookWorker(deps: AppDeps, options: WebhookWorkerOptions = {}): Promise<Worker> {
  const pollMs = options.pollMs ?? 250;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const batchSize = options.batchSize ?? 500;
  // SQLite has one writer: short processing transactions, deferred while webhooks arrive, keep the
  // acknowledgements' commits fast. PostgreSQL has no such lock, so it processes in longer
  // transactions (fewer commits) and does not wait.
  const sqlite = deps.database.dialect === 'sqlite';
  const maxBatchBytes = options.maxBatchBytes ?? (sqlite ? 256 * 1024 : 1024 * 1024);
  const maxDeferMs = options.maxDeferMs ?? (sqlite ? 100 : 0);
  // PostgreSQL: two transactions at once (each claims its own batch, SKIP LOCKED). Items of one
  // business account still apply one transaction at a time (an advisory lock, see
  // lockAccounts in webhook.processor.ts), so this helps a hub with several accounts, as more nodes do.
  const parallel = sqlite ? 1 : (options.parallel ?? 2);
  // The acknowledgements' priority over processing: one event loop (and on SQLite one writer; on
  // PostgreSQL a server on the same cores) serves both.
  const share = loopShareOf(deps.database);
  // One SQLite file has one hub; anything claimed before this start belongs to a process that is gone.
  if (deps.database.dialect === 'sqlite') await releaseClaims(deps.database);

  let stopped = false;
  let wake: (() => void) | null = null;
  let kicked = false;
  const unsubscribe = deps.signals.on('webhookStored', () => {
    kicked = true;
    wake?.();
  });
  let lastSweep = 0;
  // Events this node claimed in the current pass. A pass the database broke leaves them claimed by
  // a live node, which no one takes over before the lease ends: they are released instead.
  const held = new Set<number>();
  const releaseHeld = async () => {
    if (held.size === 0) return;
    await deps.database.db
      .updateTable('webhook_events')
      .set({ claimed_by: null, claimed_at: null })
      .where('id', 'in', [...held])
      .where('claimed_by', '=', deps.config.nodeId)
      .where('state', '=', 'pending')
      .execute();
    held.clear();
  };
  // Heartbeat: renew this node's claims while it works on them, so a short lease is enough for
  // another node to take over the events of one that died, and a slow batch is never taken over.
  const heartbeat = setInterval(
    () => {
      if (held.size === 0) return;
      renewClaims(deps.database, { nodeId: deps.config.nodeId, ids: [...held], now: deps.clock.now() }).catch(
        (error: unknown) => deps.logger.warn({ err: error }, 'webhook claim heartbeat failed'),
      );
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref?.();

  async function drain(): Promise<void> {
    while (!stopped) {
      const events = await claimPendingEvents(deps.database, {
        nodeId: deps.config.nodeId,
        now: deps.clock.now(),
        leaseMs,
        limit: batchSize,
      });
      // A full claim means more is waiting: a backlog, which subscribers give way to (see hub.ts).
      setBacklog(deps.database, events.length === batchSize);
      if (events.length === 0) return;
      for (const event of events) held.add(event.id);
      let rest = events;
      while (rest.length > 0 && !stopped) {
        // Acknowledgements first: while they are saturated, processing takes its turn (a share of
        // the time, one slice at a time); otherwise it waits at most `maxDeferMs` for a gap between
        // arriving webhooks.
        if (!share.saturated()) {
          for (let waited = 0; waited < maxDeferMs && msSinceIngest(deps.database) < 2; waited += 2) {
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        }
        await share.slice(
          async () => {
            // SQLite's one writer: while webhooks are arriving, short transactions keep their
            // acknowledgements waiting little; once they pause, large ones apply the backlog fast.
            // (A second: a long transaction must not itself make the webhooks look paused.)
            const arriving = sqlite && msSinceIngest(deps.database) < ARRIVING_MS;
            const chunk = arriving
              ? takeChunk(rest, maxBatchBytes, BUSY_SQLITE_EVENTS)
              : takeChunk(rest, maxBatchBytes, Number.POSITIVE_INFINITY);
            try {
              await withDbRetry(() => processWebhookEvents(deps, chunk), { attempts: 5 });
            } catch (error) {
              if (isDatabaseUnavailable(error)) throw error;
              // Something in the batch broke its transaction (a single item's error would not):
              // find the culprit by processing the events alone, so it cannot hold up the others.
              deps.logger.warn(
                { err: error, events: rest.length },
                'webhook batch failed; processing its events alone',
              );
              await processEventsAlone(deps, chunk);
            }
            rest = rest.slice(chunk.length);
            for (const e of chunk) held.delete(e.id);
            return chunk;
          },
          (chunk) => deps.clock.now() - (chunk[0] as ClaimedEvent).receivedAt,
        );
        // Let the endpoint's acknowledgements take the database between batches: a timer (not
        // setImmediate) lets the poll phase accept requests and their group commit run first.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  }

  const loop = (async () => {
    while (!stopped) {
      kicked = false;
      try {
        await releaseHeld();
        // allSettled: a drain that failed must not start the next pass while another still runs.
        const drains = await Promise.allSettled(Array.from({ length: parallel }, () => drain()));
        const failed = drains.find((d) => d.status === 'rejected');
        if (failed) throw failed.reason;
        held.clear();
        if (Date.now() - lastSweep > 5_000) {
          lastSweep = Date.now();
          await deps.database.db
            .transaction()
            .execute((trx) => sweepUnappliedStatuses(trx, { at: deps.clock.now() }));
        }
      } catch (error) {
        deps.logger.error({ err: error }, 'webhook worker pass failed');
      }
      if (stopped || kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();

  return {
    name: 'webhooks',
    async stop() {
      stopped = true;
      setBacklog(deps.database, false);
      clearInterval(heartbeat);
      unsubscribe();
      wake?.();
      await loop;
    },
  };
}
