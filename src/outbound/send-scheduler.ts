import { performance } from 'node:perf_hooks';
import type { Clock } from '../platform/clock.ts';
import type { QueuedJob } from './outbox.repository.ts';
import type { OutcomeDecision } from './outcome-policy.ts';
import { Gcra, Heap } from './rate-limiter.ts';

/** One recipient of a number: its queued jobs and its pair limiter. */
export type Recipient = {
  readonly contactId: string;
  /** Queued jobs in id order; the head goes first. */
  readonly jobs: QueuedJob[];
  readonly pair: Gcra;
  /** One job of a recipient is in flight at a time: the next waits for the outcome (order). */
  busy: boolean;
  /** In the waiting heap, the ready heap or the backoff set. */
  scheduled: boolean;
};

/** A job taken from its recipient's queue to be claimed and sent now. */
export type DueSend = { readonly job: QueuedJob; readonly recipient: Recipient };

export type SendSchedulerOptions = {
  readonly clock: Clock;
  /** The share of the number's throughput used (headroom for Meta's own accounting). */
  readonly utilisation: number;
  readonly pairIntervalMs: number;
  readonly pairBurst: number;
};

type Waiting = { readonly at: number; readonly recipient: Recipient };

/**
 * Which of one number's queued jobs go next, and when. The number goes at its throughput (slowed
 * while Meta throttles it) unless it is disconnected or paused. A recipient waits (pair limit,
 * monotonic time), is ready (highest priority, then oldest job first), or is backed off (its
 * head's `notBefore` on the clock, or held behind a send with an unknown outcome). In memory
 * only: the sender loads, claims and sends.
 */
export class SendScheduler {
  private readonly recipients = new Map<string, Recipient>();
  private readonly waiting = new Heap<Waiting>((a, b) => a.at < b.at);
  private readonly ready = new Heap<Recipient>((a, b) => {
    const first = a.jobs[0];
    const second = b.jobs[0];
    if (!first || !second) return !!first;
    return first.priority < second.priority || (first.priority === second.priority && first.id < second.id);
  });
  private readonly backoff = new Set<Recipient>();
  /** Ids of the jobs loaded and not yet resolved (queued here or in flight). */
  private readonly known = new Set<number>();
  /** The highest job id loaded so far: the next load starts after it. */
  lastLoadedId = 0;
  /** Recipients whose later messages wait behind a send to them with an unknown outcome. */
  private held = new Set<string>();
  private readonly numberRate = new Gcra(1000 / 20, 2);
  private mps = 20;
  private connected = true;
  private pausedUntil: number | null = null;
  private pausedIndefinitely = false;
  /** The share of the throughput Meta's throttling left us (1 is full speed). */
  rateFactor = 1;
  /** When `rateFactor` last changed (monotonic). */
  lastRateChangeAt = 0;

  constructor(private readonly options: SendSchedulerOptions) {
    // Until the number is read, pace as a coexistence number, with the same headroom as later.
    this.updateRate();
  }

  /** The number's throughput as Meta reports it (messages per second). */
  setThroughput(mps: number): void {
    if (mps === this.mps) return;
    this.mps = mps;
    this.updateRate();
  }

  /** The number as last read: connected or not, and its pause (an alert's has no end). */
  setNumberState(connected: boolean, pause: { paused: boolean; until: number | null }): void {
    this.connected = connected;
    this.pausedIndefinitely = pause.paused && pause.until === null;
    this.pausedUntil = pause.paused ? pause.until : null;
  }

  /** True while nothing of the number may go (not connected, or paused). */
  numberPaused(clockNow: number): boolean {
    if (!this.connected || this.pausedIndefinitely) return true;
    return this.pausedUntil !== null && this.pausedUntil > clockNow;
  }

  /** Applies an outcome's changes to the number's pace and pause and to the recipient. */
  apply(decision: OutcomeDecision, recipient: Recipient, realNow: number): void {
    if (decision.rateChange !== null) {
      this.rateFactor = decision.rateChange;
      this.lastRateChangeAt = realNow;
      this.updateRate();
    }
    if (decision.pauseUntil !== null) this.pausedUntil = Math.max(this.pausedUntil ?? 0, decision.pauseUntil);
    if (decision.pauseIndefinitely) this.pausedIndefinitely = true;
    if (decision.holdRecipient) this.held.add(recipient.contactId);
    if (decision.exhaustPair) recipient.pair.exhaust(realNow);
  }

  private updateRate(): void {
    const mps = Math.max(0.1, this.mps * this.options.utilisation * this.rateFactor);
    this.numberRate.setRate(1000 / mps, Math.max(2, Math.floor(this.mps * 0.05)));
  }

  /** The recipient's state, created on first use. */
  recipient(contactId: string): Recipient {
    let recipient = this.recipients.get(contactId);
    if (!recipient) {
      recipient = {
        contactId,
        jobs: [],
        pair: new Gcra(this.options.pairIntervalMs, this.options.pairBurst),
        busy: false,
        scheduled: false,
      };
      this.recipients.set(contactId, recipient);
    }
    return recipient;
  }

  /** Adds a loaded job to its recipient's queue, in id order, unless it is known already. */
  add(job: QueuedJob): void {
    if (job.id > this.lastLoadedId) this.lastLoadedId = job.id;
    if (this.known.has(job.id)) return;
    this.known.add(job.id);
    const recipient = this.recipient(job.contactId);
    const { jobs } = recipient;
    const last = jobs[jobs.length - 1];
    if (!last || last.id < job.id) jobs.push(job);
    else
      jobs.splice(
        jobs.findIndex((queued) => queued.id > job.id),
        0,
        job,
      );
    this.schedule(recipient);
  }

  /** Forgets recipients with nothing queued whose pair limiter has fully recovered. */
  prune(realNow: number): void {
    for (const [id, recipient] of this.recipients) {
      if (
        recipient.jobs.length === 0 &&
        !recipient.busy &&
        !recipient.scheduled &&
        recipient.pair.idle(realNow)
      )
        this.recipients.delete(id);
    }
  }

  /** Replaces the held recipients; true when a hold lifted. */
  setHeld(held: Set<string>): boolean {
    const lifted = [...this.held].some((contactId) => !held.has(contactId));
    this.held = held;
    return lifted;
  }

  /** The job was resolved (sent, failed, or settled elsewhere): a later load may not add it again. */
  forget(jobId: number): void {
    this.known.delete(jobId);
  }

  /** Starts the pair limiters from sends made before this sender (`at` on the clock). */
  seedPairs(sends: readonly { contactId: string; at: number }[], clockNow: number): void {
    const realNow = performance.now();
    for (const sent of sends) this.recipient(sent.contactId).pair.take(realNow - (clockNow - sent.at));
  }

  /** The recipient's send ended (or never left): its next job can be scheduled. */
  release(recipient: Recipient): void {
    recipient.busy = false;
    this.schedule(recipient);
  }

  /** A due job that was not sent goes back to the head of its recipient's queue. */
  giveBack(due: DueSend): void {
    due.recipient.jobs.unshift(due.job);
    this.release(due.recipient);
  }

  schedule(recipient: Recipient): void {
    if (recipient.busy || recipient.scheduled) return;
    const head = recipient.jobs[0];
    // A recipient without jobs stays known until its pair limiter has fully recovered (see prune).
    if (!head) return;
    recipient.scheduled = true;
    if (this.backedOff(recipient, head, this.options.clock.now())) this.backoff.add(recipient);
    else this.waiting.push({ at: recipient.pair.nextAt(performance.now()), recipient });
  }

  /** Moves backed-off recipients whose backoff or hold ended back into the schedule. */
  promoteBackoff(clockNow: number): void {
    for (const recipient of this.backoff) {
      const head = recipient.jobs[0];
      if (head && head.notBefore !== null && head.notBefore > clockNow) continue;
      if (this.held.has(recipient.contactId)) continue;
      this.backoff.delete(recipient);
      recipient.scheduled = false;
      this.schedule(recipient);
    }
  }

  /** Takes up to `max` jobs that may go now, spending the number's and the pairs' rate. */
  pickDue(realNow: number, clockNow: number, max: number): DueSend[] {
    const { numberRate } = this;
    for (let next = this.waiting.peek(); next && next.at <= realNow; next = this.waiting.peek()) {
      this.waiting.pop();
      this.ready.push(next.recipient);
    }
    const due: DueSend[] = [];
    while (this.ready.size > 0 && due.length < max) {
      const at = numberRate.nextAt(realNow);
      if (at > realNow) break;
      const recipient = this.ready.pop() as Recipient;
      recipient.scheduled = false;
      const job = recipient.jobs[0];
      if (!job) continue;
      if (this.backedOff(recipient, job, clockNow)) {
        recipient.scheduled = true;
        this.backoff.add(recipient);
        continue;
      }
      const pairAt = recipient.pair.nextAt(realNow);
      if (pairAt > realNow) {
        recipient.scheduled = true;
        this.waiting.push({ at: pairAt, recipient });
        continue;
      }
      numberRate.take(at);
      recipient.pair.take(realNow);
      recipient.jobs.shift();
      recipient.busy = true;
      due.push({ job, recipient });
    }
    return due;
  }

  /** Milliseconds until a job may be due (Infinity when nothing waits or is ready). */
  nextDueIn(realNow: number): number {
    let wait = Number.POSITIVE_INFINITY;
    if (this.ready.size > 0) wait = this.numberRate.nextAt(realNow) - realNow;
    const next = this.waiting.peek();
    if (next) wait = Math.min(wait, next.at - realNow);
    return wait;
  }

  private backedOff(recipient: Recipient, head: QueuedJob, clockNow: number): boolean {
    return this.held.has(recipient.contactId) || (head.notBefore !== null && head.notBefore > clockNow);
  }
}
