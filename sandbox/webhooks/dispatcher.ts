import type { Scheduler } from '../core/clock.ts';
import type { Random } from '../core/random.ts';
import { buildEnvelope, serializeBody, updateSize, type WebhookUpdate } from './envelope.ts';
import { signBody } from './sign.ts';

/** Switches for fault tests: duplicate POSTs, scrambled order, extra delays. */
export interface WebhookFaults {
  /** Probability (0..1) that a delivered POST is sent a second time. */
  duplicateRate: number;
  /** Scramble the order of queued updates and split them into random batches. */
  reorder: boolean;
  /** Each update waits a random 0..delayMs (sandbox time) before it is queued. */
  delayMs: number;
  /** Stop delivering (updates queue up) until switched back. */
  paused: boolean;
}

export interface DeliveryRecord {
  seq: number;
  at: number;
  url: string;
  attempt: number;
  status: number | null;
  error: string | null;
  updates: number;
  duplicate: boolean;
  body: string;
}

interface Batch {
  url: string;
  body: string;
  updates: number;
  attempt: number;
  items: WebhookUpdate[];
}

/** Meta retries with decreasing frequency for up to 7 days; this schedule is divided by timeFactor. */
export const RETRY_SCHEDULE_MS = [
  1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
];
const RETRY_HORIZON_MS = 7 * 86_400_000;

export interface DispatcherDeps {
  scheduler: Scheduler;
  random: Random;
  appSecret: () => string;
  /** Where an update goes (number override → WABA override → app callback), or null if none is verified. */
  target: (u: WebhookUpdate) => string | null;
  timeFactor: number;
  maxBatch: number;
  concurrency: number;
  timeoutMs: number;
}

/** Queues, batches, signs and delivers webhooks; retries failed POSTs with backoff. */
export class WebhookDispatcher {
  readonly faults: WebhookFaults = { duplicateRate: 0, reorder: false, delayMs: 0, paused: false };
  readonly log: DeliveryRecord[] = [];
  private queue: WebhookUpdate[] = [];
  /** Every update not yet acknowledged (queued, delayed, in flight or waiting for a retry). */
  private readonly undelivered = new Set<WebhookUpdate>();
  private readonly inFlight = new Set<Promise<void>>();
  private pumpScheduled = false;
  private seq = 0;
  private closed = false;
  private waiting: (() => void)[] = [];
  /** Updates dropped because no callback was configured. */
  undeliverable = 0;
  /** Batches waiting for a retry. */
  retrying = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  enqueue(update: WebhookUpdate): void {
    if (this.closed) return;
    this.undelivered.add(update);
    if (this.faults.delayMs > 0) {
      const delay = this.deps.random.int(0, this.faults.delayMs);
      this.deps.scheduler.schedule(delay, () => this.push(update));
      return;
    }
    this.push(update);
  }

  private push(update: WebhookUpdate): void {
    this.queue.push(update);
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.faults.paused) {
      this.notifyIdle();
      return;
    }
    if (this.faults.reorder && this.queue.length > 1) this.deps.random.shuffle(this.queue);
    while (this.queue.length > 0 && this.inFlight.size < this.deps.concurrency) {
      const limit = this.faults.reorder ? this.deps.random.int(1, this.deps.maxBatch) : this.deps.maxBatch;
      const first = this.queue[0]!;
      const url = this.deps.target(first);
      const taken: WebhookUpdate[] = [];
      const rest: WebhookUpdate[] = [];
      let size = 0;
      for (const u of this.queue) {
        const s = updateSize(u);
        if (this.deps.target(u) === url && (taken.length === 0 || size + s <= limit)) {
          taken.push(u);
          size += s;
        } else {
          rest.push(u);
        }
      }
      this.queue = rest;
      if (!url) {
        this.undeliverable += taken.length;
        for (const u of taken) this.undelivered.delete(u);
        continue;
      }
      const body = serializeBody(buildEnvelope(taken));
      this.send({ url, body, updates: taken.length, attempt: 1, items: taken }, false);
    }
    this.notifyIdle();
  }

  private send(batch: Batch, duplicate: boolean): void {
    const p = this.post(batch, duplicate).finally(() => {
      this.inFlight.delete(p);
      if (this.queue.length > 0) this.schedulePump();
      this.notifyIdle();
    });
    this.inFlight.add(p);
  }

  private async post(batch: Batch, duplicate: boolean): Promise<void> {
    const record: DeliveryRecord = {
      seq: ++this.seq,
      at: this.deps.scheduler.now(),
      url: batch.url,
      attempt: batch.attempt,
      status: null,
      error: null,
      updates: batch.updates,
      duplicate,
      body: batch.body,
    };
    this.record(record);
    let ok = false;
    try {
      const res = await fetch(batch.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(this.deps.appSecret(), batch.body),
          'user-agent': 'facebookexternalua',
        },
        body: batch.body,
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      ok = res.status === 200;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    if (this.closed) return;
    if (ok) {
      for (const u of batch.items) this.undelivered.delete(u);
      if (
        !duplicate &&
        this.faults.duplicateRate > 0 &&
        this.deps.random.next() < this.faults.duplicateRate
      ) {
        this.send(batch, true);
      }
      return;
    }
    if (duplicate) return;
    this.scheduleRetry(batch);
  }

  private scheduleRetry(batch: Batch): void {
    const elapsed = RETRY_SCHEDULE_MS.slice(0, batch.attempt - 1).reduce((a, b) => a + b, 0);
    if (elapsed >= RETRY_HORIZON_MS) {
      // Meta gives up after its horizon, and so does the sandbox.
      for (const u of batch.items) this.undelivered.delete(u);
      return;
    }
    const base = RETRY_SCHEDULE_MS[Math.min(batch.attempt - 1, RETRY_SCHEDULE_MS.length - 1)]!;
    this.retrying++;
    this.deps.scheduler.schedule(base / this.deps.timeFactor, () => {
      this.retrying--;
      if (this.closed) return;
      this.send({ ...batch, attempt: batch.attempt + 1 }, false);
    });
  }

  private record(r: DeliveryRecord): void {
    this.log.push(r);
    if (this.log.length > 1000) this.log.splice(0, this.log.length - 1000);
  }

  /** Resumes delivery after `faults.paused` was switched off. */
  resume(): void {
    this.schedulePump();
  }

  /** Resolves when nothing is queued or in flight (scheduled retries and delays excluded). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.pumpScheduled || (this.queue.length > 0 && !this.faults.paused)) {
        await new Promise<void>((r) => this.waiting.push(r));
        continue;
      }
      if (this.inFlight.size > 0) {
        await Promise.allSettled([...this.inFlight]);
        continue;
      }
      return;
    }
  }

  private notifyIdle(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Updates not yet acknowledged, oldest first: saved with the world so a restart sends them again. */
  pending(): WebhookUpdate[] {
    return [...this.undelivered];
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.notifyIdle();
  }
}

/** Meta's GET handshake against a callback; true when it echoes the challenge with HTTP 200. */
export async function verifyCallback(
  url: string,
  verifyToken: string,
  challenge: string,
): Promise<{ ok: boolean; status: number | null; error?: string }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: null, error: `not a URL: ${url}` };
  }
  u.searchParams.set('hub.mode', 'subscribe');
  u.searchParams.set('hub.challenge', challenge);
  u.searchParams.set('hub.verify_token', verifyToken);
  try {
    const res = await fetch(u, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    return { ok: res.status === 200 && text.trim() === challenge, status: res.status };
  } catch (error) {
    return { ok: false, status: null, error: error instanceof Error ? error.message : String(error) };
  }
}
