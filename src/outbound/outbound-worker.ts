import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../app-deps.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import type { Worker } from '../platform/worker.ts';
import { acquireLease, LEASE_TTL_MS, releaseLease } from './leases.ts';
import { NumberSender } from './number-sender.ts';
import type { RateSettings } from './rate-limiter.ts';

export type OutboundWorkerOptions = {
  readonly graph?: GraphClient;
  readonly rates?: Partial<Omit<RateSettings, 'mps'>>;
  /** How often leases are renewed and numbers looked for. Default 1 s (lease TTL 5 s). */
  readonly renewEveryMs?: number;
};

/**
 * The outbound sender: on every node, every second, takes or renews the sending lease of each
 * number; for the numbers it holds it runs a {@link NumberSender}. When a node dies its leases
 * expire and another node takes over within about five seconds. On SQLite (one process) the same
 * path runs with one node.
 */
export function startOutboundWorker(deps: AppDeps, options: OutboundWorkerOptions = {}): Worker {
  const graph = options.graph ?? deps.graph;
  const holder = `${deps.config.nodeId}:${randomUUID().slice(0, 8)}`;
  const senders = new Map<string, NumberSender>();
  const every = options.renewEveryMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  async function tick(): Promise<void> {
    const numbers = await deps.database.db.selectFrom('phone_numbers').select(['id', 'waba_id']).execute();
    for (const n of numbers) {
      if (stopped) return;
      const lease = await acquireLease(deps.database.db, {
        phoneNumberId: n.id,
        holder,
        now: deps.clock.now(),
        ttlMs: LEASE_TTL_MS,
      });
      const current = senders.get(n.id);
      if (current && (!lease || current.epoch !== lease.epoch || current.finished)) {
        senders.delete(n.id);
        await current.stop();
      }
      if (lease && !senders.has(n.id)) {
        const sender = new NumberSender(
          { database: deps.database, clock: deps.clock, logger: deps.logger, graph, signals: deps.signals },
          {
            phoneNumberId: n.id,
            wabaId: n.waba_id,
            holder,
            epoch: lease.epoch,
            rates: options.rates,
            unreachableMaxBackoffMs: deps.config.metaUnreachableMaxBackoffMs,
          },
        );
        senders.set(n.id, sender);
        sender.start();
        deps.logger.info({ phoneNumberId: n.id, holder, epoch: lease.epoch }, 'sending lease taken');
      }
    }
  }

  let ticking = false;
  let again = false;
  const loop = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = null;
    ticking = true;
    running = tick()
      .catch((error) => deps.logger.error({ err: error }, 'outbound lease tick failed'))
      .finally(() => {
        ticking = false;
        if (stopped) return;
        if (again) {
          again = false;
          loop();
        } else timer = setTimeout(loop, every);
      });
  };
  // A send queued for a number this node runs no sender for (a number registered a moment ago, or
  // one whose lease has just expired elsewhere): look for its lease now rather than at the next
  // tick, so its first messages do not wait up to a second. At most once a tick period per number
  // (another node may hold it, and its every send would otherwise cost this node a tick).
  const kickedAt = new Map<string, number>();
  const offOutbox = deps.signals.on('outbox', (id) => {
    if (stopped || senders.has(id)) return;
    const now = performance.now();
    if (now - (kickedAt.get(id) ?? Number.NEGATIVE_INFINITY) < every) return;
    kickedAt.set(id, now);
    if (ticking) again = true;
    else loop();
  });
  loop();

  return {
    name: 'outbound-sender',
    async stop() {
      stopped = true;
      offOutbox();
      if (timer) clearTimeout(timer);
      await running;
      for (const [phoneNumberId, sender] of senders) {
        await sender.stop();
        await releaseLease(deps.database.db, { phoneNumberId, holder, epoch: sender.epoch }).catch(() => {});
      }
      senders.clear();
    },
  };
}
