import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import type { SendOutcome } from '../graph/graph-types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Dialect } from '../platform/db/database.ts';
import type { Signals } from '../platform/events/signals.ts';
import type { Logger } from '../platform/logger.ts';
import { numberPause, pauseNumber, raiseAlert } from './alerts.ts';
import { classifyError, errorJson } from './error-policy.ts';
import { contentFromStored } from './message-content.ts';
import {
  applyResults,
  type ClaimedJob,
  claimJobs,
  failOverdue,
  type JobResult,
  loadQueuedJobs,
  markOrphansUnknown,
  type QueuedJob,
  recentDispatches,
  reconcileUnknown,
} from './outbox.repository.ts';
import { DEFAULT_RATES, Gcra, Heap, type RateSettings } from './rate-limiter.ts';
import { Reachability } from './reachability.ts';
import { decideSend } from './send-policy.ts';
import { alertUnknownSends, heldRecipients, UNKNOWN_HOLD_MS } from './unknown-sends.ts';

export type SenderDeps = {
  readonly database: { readonly db: Kysely<DB>; readonly dialect: Dialect };
  readonly clock: Clock;
  readonly logger: Logger;
  readonly graph: GraphClient;
  /** This node's wake-ups: `outbox` (a send was queued for a number) wakes its sender at once. */
  readonly signals: Signals;
};

export type NumberSenderOptions = {
  readonly phoneNumberId: string;
  readonly wabaId: string;
  readonly holder: string;
  readonly epoch: number;
  readonly rates?: Partial<Omit<RateSettings, 'mps'>>;
  /** Longest pause between probes while Meta refuses connections (default 30 s). */
  readonly unreachableMaxBackoffMs?: number;
};

type Recipient = {
  readonly contactId: string;
  /** Queued jobs in id order; the head goes first. */
  readonly jobs: QueuedJob[];
  readonly pair: Gcra;
  /** One job of a recipient is in flight at a time: the next waits for the outcome (order). */
  busy: boolean;
  /** In the waiting heap, the ready heap or the backoff set. */
  scheduled: boolean;
};

type SideEffect = (trx: Kysely<DB>) => Promise<void>;

const POLL_MS = 100;
const SWEEP_MS = 5000;
const REFRESH_MS = 500;
const MAX_BATCH = 100;
/**
 * Claims happen at most this often: at high throughput a claim per message would spend the
 * database's commits on bookkeeping, so each tick claims what the rate allows since the last one
 * (the limiter's burst covers a tick, so pacing is unchanged).
 */
const CLAIM_TICK_MS = 20;
/** Outcomes are written together after this long, in one transaction. */
const FLUSH_DELAY_MS = 10;
const LOAD_LIMIT = 20_000;

/**
 * Sends the queued jobs of one number while this node holds the number's lease. Keeps each
 * recipient's jobs in order (one in flight per recipient), paces the number at its throughput and
 * each recipient at the pair limit, lets interactive sends overtake campaigns, and applies the
 * error policy. Pacing uses the process's monotonic time; stored times and backoffs use the clock.
 */
export class NumberSender {
  readonly phoneNumberId: string;
  readonly epoch: number;
  private readonly rates: Omit<RateSettings, 'mps'>;
  private readonly recipients = new Map<string, Recipient>();
  private readonly known = new Set<number>();
  private readonly waiting = new Heap<{ at: number; r: Recipient }>((a, b) => a.at < b.at);
  private readonly ready = new Heap<Recipient>((a, b) => {
    const x = a.jobs[0];
    const y = b.jobs[0];
    if (!x || !y) return !!x;
    return x.priority < y.priority || (x.priority === y.priority && x.id < y.id);
  });
  private readonly backoff = new Set<Recipient>();
  private readonly numberRate = new Gcra(1000 / 20, 2);
  private mps = 20;
  private rateFactor = 1;
  private lastThrottleAt = 0;
  private pausedUntil: number | null = null;
  private pausedIndefinitely = false;
  private connected = true;
  private maxLoadedId = 0;
  private nextPoll = 0;
  private nextSweep = 0;
  private nextRefresh = 0;
  private results: JobResult[] = [];
  private sideEffects: SideEffect[] = [];
  private flushing: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private nextClaim = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly reach: Reachability;
  /** Recipients whose later messages wait behind a send to them with an unknown outcome. */
  private held = new Set<string>();
  /** True once the sender ended (stopped, or lease lost). */
  finished = false;

  constructor(
    private readonly deps: SenderDeps,
    private readonly options: NumberSenderOptions,
  ) {
    this.phoneNumberId = options.phoneNumberId;
    this.epoch = options.epoch;
    this.rates = { ...DEFAULT_RATES, ...options.rates };
    this.reach = new Reachability({
      phoneNumberId: options.phoneNumberId,
      wabaId: options.wabaId,
      maxBackoffMs: options.unreachableMaxBackoffMs ?? 30_000,
      effect: (effect) => this.sideEffects.push(effect),
    });
    // Until the number is read, pace as a coexistence number, with the same headroom as later.
    this.updateRate();
  }

  start(): void {
    this.unsubscribe = this.deps.signals.on('outbox', (id) => {
      if (id === this.phoneNumberId) {
        this.nextPoll = 0;
        this.wake();
      }
    });
    this.loop = this.run().finally(() => {
      this.finished = true;
      this.unsubscribe?.();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.wakeUp = null;
          resolve();
        },
        Math.max(0, ms),
      );
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private get db(): Kysely<DB> {
    return this.deps.database.db;
  }

  private async run(): Promise<void> {
    const { logger } = this.deps;
    try {
      const orphans = await markOrphansUnknown(this.db, {
        phoneNumberId: this.phoneNumberId,
        epoch: this.epoch,
        now: this.deps.clock.now(),
      });
      if (orphans > 0)
        logger.warn(
          { phoneNumberId: this.phoneNumberId, orphans },
          'sends of a previous holder marked unknown',
        );
      await this.refresh();
      await this.initPairs();
      while (!this.stopped) {
        try {
          if (!(await this.iteration())) break;
        } catch (error) {
          logger.error({ err: error, phoneNumberId: this.phoneNumberId }, 'outbound sender iteration failed');
          await this.sleep(500);
        }
      }
    } catch (error) {
      logger.error({ err: error, phoneNumberId: this.phoneNumberId }, 'outbound sender stopped on an error');
    } finally {
      await Promise.allSettled([...this.inFlight]);
      await this.flush();
    }
  }

  /** One turn of the loop; false when the lease is lost. */
  private async iteration(): Promise<boolean> {
    let realNow = performance.now();
    if (realNow >= this.nextRefresh) {
      this.nextRefresh = realNow + REFRESH_MS;
      await this.refresh();
      await reconcileUnknown(this.db, { phoneNumberId: this.phoneNumberId, now: this.deps.clock.now() });
    }
    if (realNow >= this.nextPoll) {
      this.nextPoll = realNow + POLL_MS;
      const sweep = realNow >= this.nextSweep;
      if (sweep) this.nextSweep = realNow + SWEEP_MS;
      await this.load(sweep);
    }
    const clockNow = this.deps.clock.now();
    if (this.isPaused(clockNow)) {
      await this.sleep(POLL_MS);
      return true;
    }
    this.promoteBackoff(clockNow);
    realNow = performance.now();
    if (realNow < this.nextClaim) {
      await this.sleep(this.nextClaim - realNow);
      return true;
    }
    // While Meta refuses connections, one probe at a time: the next waits for its outcome.
    if (this.reach.probing && this.inFlight.size > 0) {
      await this.sleep(POLL_MS);
      return true;
    }
    const due = this.pickDue(realNow, clockNow, this.reach.probing ? 1 : MAX_BATCH);
    if (due.length === 0) {
      await this.sleep(this.untilNextEvent(realNow));
      return true;
    }
    this.nextClaim = realNow + CLAIM_TICK_MS;
    let claimed: Awaited<ReturnType<typeof claimJobs>>;
    try {
      claimed = await claimJobs(this.db, this.deps.database.dialect, {
        phoneNumberId: this.phoneNumberId,
        holder: this.options.holder,
        epoch: this.epoch,
        ids: due.map((d) => d.job.id),
        now: this.deps.clock.now(),
      });
    } catch (error) {
      // The database failed the claim (away, reset): the jobs go back to the head of their
      // recipients, or they would wait in memory, busy, forever.
      for (const d of due.reverse()) {
        d.r.jobs.unshift(d.job);
        d.r.busy = false;
        this.schedule(d.r);
      }
      throw error;
    }
    if (claimed === null) {
      this.deps.logger.warn({ phoneNumberId: this.phoneNumberId }, 'sending lease lost; sender stops');
      return false;
    }
    const byJob = new Map(claimed.map((c) => [c.jobId, c]));
    for (const d of due) {
      const c = byJob.get(d.job.id);
      if (c) this.dispatch(c, d.job, d.r);
      else {
        // No longer queued in the database (resolved or cancelled elsewhere): forget it.
        this.known.delete(d.job.id);
        d.r.busy = false;
        this.schedule(d.r);
      }
    }
    return true;
  }

  private isPaused(clockNow: number): boolean {
    if (!this.connected || this.pausedIndefinitely || this.reach.paused(clockNow)) return true;
    return this.pausedUntil !== null && this.pausedUntil > clockNow;
  }

  private async refresh(): Promise<void> {
    const realNow = performance.now();
    for (const [id, r] of this.recipients) {
      if (r.jobs.length === 0 && !r.busy && !r.scheduled && r.pair.idle(realNow)) this.recipients.delete(id);
    }
    const number = await this.db
      .selectFrom('phone_numbers')
      .select(['throughput_mps', 'connection_state'])
      .where('id', '=', this.phoneNumberId)
      .executeTakeFirst();
    this.connected = number?.connection_state === 'connected';
    if (number && number.throughput_mps !== this.mps) {
      this.mps = number.throughput_mps;
      this.updateRate();
    }
    const pause = await numberPause(this.db, this.phoneNumberId, this.deps.clock.now());
    this.pausedIndefinitely = pause.paused && pause.until === null;
    this.pausedUntil = pause.paused ? pause.until : null;
    const clockNow = this.deps.clock.now();
    const held = await heldRecipients(this.db, {
      phoneNumberId: this.phoneNumberId,
      since: clockNow - UNKNOWN_HOLD_MS,
    });
    // A hold lifts when its unknown send was settled; one resolved for a retry is queued again
    // below the ids loaded so far, so load everything before the recipient's next message goes.
    if ([...this.held].some((c) => !held.has(c))) {
      this.nextPoll = 0;
      this.nextSweep = 0;
    }
    this.held = held;
    // While nothing can go, a message's wait still ends at its own deadline (or its window's end).
    if (this.isPaused(clockNow) || this.reach.probing) {
      await failOverdue(this.db, { phoneNumberId: this.phoneNumberId, now: clockNow });
    }
  }

  private updateRate(): void {
    const mps = Math.max(0.1, this.mps * this.rates.utilisation * this.rateFactor);
    this.numberRate.setRate(1000 / mps, Math.max(2, Math.floor(this.mps * 0.05)));
  }

  private recipient(contactId: string): Recipient {
    let r = this.recipients.get(contactId);
    if (!r) {
      r = {
        contactId,
        jobs: [],
        pair: new Gcra(this.rates.pairIntervalMs, this.rates.pairBurst),
        busy: false,
        scheduled: false,
      };
      this.recipients.set(contactId, r);
    }
    return r;
  }

  /** Rebuilds the pair limiter from recent sends, so a new holder does not burst at a recipient. */
  private async initPairs(): Promise<void> {
    const clockNow = this.deps.clock.now();
    const realNow = performance.now();
    const since = clockNow - this.rates.pairIntervalMs * this.rates.pairBurst;
    for (const d of await recentDispatches(this.db, { phoneNumberId: this.phoneNumberId, since })) {
      this.recipient(d.contactId).pair.take(realNow - (clockNow - d.at));
    }
  }

  private async load(sweep: boolean): Promise<void> {
    const jobs = await loadQueuedJobs(this.db, {
      phoneNumberId: this.phoneNumberId,
      afterId: sweep ? 0 : this.maxLoadedId,
      limit: LOAD_LIMIT,
    });
    for (const job of jobs) {
      if (job.id > this.maxLoadedId) this.maxLoadedId = job.id;
      if (this.known.has(job.id)) continue;
      this.known.add(job.id);
      const r = this.recipient(job.contactId);
      const last = r.jobs[r.jobs.length - 1];
      if (!last || last.id < job.id) r.jobs.push(job);
      else
        r.jobs.splice(
          r.jobs.findIndex((j) => j.id > job.id),
          0,
          job,
        );
      this.schedule(r);
    }
  }

  private schedule(r: Recipient): void {
    if (r.busy || r.scheduled) return;
    const head = r.jobs[0];
    // A recipient without jobs stays known until its pair limiter has fully recovered (see refresh).
    if (!head) return;
    r.scheduled = true;
    if (this.held.has(r.contactId) || (head.notBefore !== null && head.notBefore > this.deps.clock.now()))
      this.backoff.add(r);
    else this.waiting.push({ at: r.pair.nextAt(performance.now()), r });
  }

  private promoteBackoff(clockNow: number): void {
    for (const r of this.backoff) {
      const head = r.jobs[0];
      if (head && head.notBefore !== null && head.notBefore > clockNow) continue;
      if (this.held.has(r.contactId)) continue;
      this.backoff.delete(r);
      r.scheduled = false;
      this.schedule(r);
    }
  }

  private pickDue(realNow: number, clockNow: number, max: number): { job: QueuedJob; r: Recipient }[] {
    for (let w = this.waiting.peek(); w && w.at <= realNow; w = this.waiting.peek()) {
      this.waiting.pop();
      this.ready.push(w.r);
    }
    const due: { job: QueuedJob; r: Recipient }[] = [];
    while (this.ready.size > 0 && due.length < max) {
      const at = this.numberRate.nextAt(realNow);
      if (at > realNow) break;
      const r = this.ready.pop() as Recipient;
      r.scheduled = false;
      const job = r.jobs[0];
      if (!job) continue;
      if (this.held.has(r.contactId) || (job.notBefore !== null && job.notBefore > clockNow)) {
        r.scheduled = true;
        this.backoff.add(r);
        continue;
      }
      const pairAt = r.pair.nextAt(realNow);
      if (pairAt > realNow) {
        r.scheduled = true;
        this.waiting.push({ at: pairAt, r });
        continue;
      }
      this.numberRate.take(at);
      r.pair.take(realNow);
      r.jobs.shift();
      r.busy = true;
      due.push({ job, r });
    }
    return due;
  }

  private untilNextEvent(realNow: number): number {
    let wait = this.nextPoll - realNow;
    if (this.ready.size > 0) wait = Math.min(wait, this.numberRate.nextAt(realNow) - realNow);
    const w = this.waiting.peek();
    if (w) wait = Math.min(wait, w.at - realNow);
    return Math.max(0, Math.min(wait, POLL_MS));
  }

  private dispatch(c: ClaimedJob, job: QueuedJob, r: Recipient): void {
    const task = this.send(c, job, r).catch((error: unknown) => {
      // Only a bug gets here; the job stays 'sending' and the next holder marks it unknown.
      this.deps.logger.error(
        { err: error, phoneNumberId: this.phoneNumberId, jobId: c.jobId },
        'dispatch failed',
      );
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async send(c: ClaimedJob, job: QueuedJob, r: Recipient): Promise<void> {
    let result: JobResult;
    const clockNow = this.deps.clock.now();
    // What changed while the message waited in the queue, checked again before it goes.
    const refusal = decideSend({ ...c.facts, now: clockNow }, 'dispatch');
    if (refusal?.hold) {
      // The number went away while the job waited: it stays queued until the number is back.
      result = {
        kind: 'requeue',
        jobId: c.jobId,
        messageId: c.messageId,
        notBefore: null,
        pairBackoffs: job.pairBackoffs,
        refundAttempt: true,
        errorJson: errorJson(null, refusal.message, refusal.code),
      };
    } else if (refusal) {
      result = {
        kind: 'failed',
        jobId: c.jobId,
        messageId: c.messageId,
        errorJson: errorJson(null, refusal.message, refusal.code),
      };
    } else {
      let outcome: SendOutcome;
      try {
        outcome = await this.deps.graph.sendMessage({
          phoneNumberId: this.phoneNumberId,
          to: { waId: c.waId, bsuid: c.bsuid },
          content: contentFromStored(c.type, c.contentJson),
          contextWamid: c.contextWamid,
          callbackData: c.messageId,
        });
      } catch (error) {
        outcome = { kind: 'unknown', reason: (error as Error).message, error: null };
      }
      result = this.outcomeToResult(c, job, r, outcome, clockNow);
    }
    this.results.push(result);
    r.busy = false;
    if (result.kind === 'requeue') {
      job.notBefore = result.notBefore;
      job.pairBackoffs = result.pairBackoffs;
      r.jobs.unshift(job);
    } else this.known.delete(c.jobId);
    this.scheduleFlush();
    this.schedule(r);
    this.wake();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  private outcomeToResult(
    c: ClaimedJob,
    job: QueuedJob,
    r: Recipient,
    outcome: SendOutcome,
    dispatchedAt: number,
  ): JobResult {
    const base = { jobId: c.jobId, messageId: c.messageId };
    const clockNow = this.deps.clock.now();
    const realNow = performance.now();
    if (outcome.kind === 'unreachable') {
      // Provably not sent: the message keeps its place and its attempts; the number backs off.
      this.reach.refused({ dispatchedAt, now: clockNow, reason: outcome.reason });
      return {
        kind: 'requeue',
        ...base,
        notBefore: null,
        pairBackoffs: job.pairBackoffs,
        refundAttempt: true,
        errorJson: errorJson(
          null,
          `Meta's Cloud API could not be reached (${outcome.reason}); the message was not sent and waits.`,
          'META_UNREACHABLE',
        ),
      };
    }
    if (outcome.kind !== 'unknown' || outcome.error !== null) this.reach.answered(clockNow);
    if (outcome.kind === 'accepted') {
      if (this.rateFactor < 1 && realNow - this.lastThrottleAt > 10_000) {
        this.rateFactor = Math.min(1, this.rateFactor * 1.1);
        this.lastThrottleAt = realNow;
        this.updateRate();
      }
      return { kind: 'accepted', ...base, wamid: outcome.wamid };
    }
    if (outcome.kind === 'unknown') {
      this.held.add(r.contactId);
      this.sideEffects.push((trx) =>
        alertUnknownSends(trx, {
          phoneNumberId: this.phoneNumberId,
          wabaId: this.options.wabaId,
          count: 1,
          now: clockNow,
        }),
      );
      return {
        kind: 'unknown',
        ...base,
        errorJson: errorJson(
          outcome.error,
          `The send's outcome is unknown (${outcome.reason}); it may have reached Meta. A status webhook or an operator resolves it.`,
          'SEND_OUTCOME_UNKNOWN',
        ),
      };
    }
    const error = outcome.error;
    const action = classifyError(error, c.attempts);
    const current = job.pairBackoffs;
    const requeue = (
      notBefore: number | null,
      refundAttempt: boolean,
      pairBackoffs = current,
    ): JobResult => ({
      kind: 'requeue',
      ...base,
      notBefore,
      pairBackoffs,
      refundAttempt,
      errorJson: errorJson(error, error.message),
    });
    this.deps.logger.warn(
      {
        phoneNumberId: this.phoneNumberId,
        code: error.code,
        fbtraceId: error.fbtraceId,
        action: action.kind,
      },
      'send refused by Meta',
    );
    switch (action.kind) {
      case 'retry':
        return requeue(clockNow + action.delayMs, false);
      case 'number_backoff': {
        if (action.slowDown) {
          this.rateFactor = Math.max(0.3, this.rateFactor * 0.75);
          this.lastThrottleAt = realNow;
          this.updateRate();
        }
        const until = clockNow + action.delayMs;
        this.pausedUntil = Math.max(this.pausedUntil ?? 0, until);
        this.sideEffects.push((trx) =>
          pauseNumber(trx, {
            phoneNumberId: this.phoneNumberId,
            kind: 'backoff',
            until,
            reason: `Meta error ${error.code}: ${error.message}`,
            alertId: null,
            now: clockNow,
          }),
        );
        return requeue(null, true);
      }
      case 'recipient_backoff':
        r.pair.exhaust(realNow);
        return requeue(clockNow + 4 ** current * 1000, true, current + 1);
      case 'pause_number':
        this.pausedIndefinitely = true;
        this.sideEffects.push(async (trx) => {
          const alertId = await raiseAlert(trx, {
            phoneNumberId: this.phoneNumberId,
            wabaId: this.options.wabaId,
            code: String(error.code),
            title: action.alertTitle,
            message: `${error.message}${error.details ? ` — ${error.details}` : ''}`,
            details: { fbtrace_id: error.fbtraceId, http_status: error.httpStatus },
            now: clockNow,
          });
          await pauseNumber(trx, {
            phoneNumberId: this.phoneNumberId,
            kind: 'alert',
            until: null,
            reason: action.alertTitle,
            alertId,
            now: clockNow,
          });
        });
        return requeue(null, true);
      case 'fail':
        if (action.alert) {
          this.sideEffects.push(async (trx) => {
            await raiseAlert(trx, {
              phoneNumberId: this.phoneNumberId,
              wabaId: this.options.wabaId,
              code: String(error.code),
              title: action.reason,
              message: `${error.message}${error.details ? ` — ${error.details}` : ''}`,
              details: { fbtrace_id: error.fbtraceId },
              now: clockNow,
            });
          });
        }
        return { kind: 'failed', ...base, errorJson: errorJson(error, action.reason) };
    }
  }

  private async flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.results.length > 0 || this.sideEffects.length > 0) {
        const batch = this.results.splice(0);
        const effects = this.sideEffects.splice(0);
        try {
          await applyResults(this.db, {
            phoneNumberId: this.phoneNumberId,
            results: batch,
            now: this.deps.clock.now(),
          });
          if (effects.length > 0) {
            await this.db.transaction().execute(async (trx) => {
              for (const effect of effects) await effect(trx);
            });
          }
        } catch (error) {
          this.deps.logger.error(
            { err: error, phoneNumberId: this.phoneNumberId },
            'writing send outcomes failed; retrying',
          );
          this.results.unshift(...batch);
          this.sideEffects.unshift(...effects);
          await new Promise((resolve) => setTimeout(resolve, 200));
          if (this.stopped && this.inFlight.size === 0) break;
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}
