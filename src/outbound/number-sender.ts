import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import type { SendOutcome } from '../graph/graph-types.ts';
import { contentFromStored } from '../messages/content.ts';
import type { Clock } from '../platform/clock.ts';
import type { Dialect } from '../platform/db/database.ts';
import type { Signals } from '../platform/events/signals.ts';
import type { Logger } from '../platform/logger.ts';
import {
  applyResults,
  type ClaimedJob,
  claimJobs,
  failOverdue,
  type JobResult,
  loadQueuedJobs,
  markOrphansUnknown,
  recentDispatches,
  reconcileUnknown,
} from './outbox.repository.ts';
import { decideOutcome, refusedAtDispatch, type SideEffect } from './outcome-policy.ts';
import { DEFAULT_RATES, type RateSettings } from './rate-limiter.ts';
import { Reachability } from './reachability.ts';
import { decideSend } from './send-policy.ts';
import { type DueSend, SendScheduler } from './send-scheduler.ts';
import { readSenderState } from './sender-state.queries.ts';
import { WakeUp } from './wake-up.ts';

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
  private readonly scheduler: SendScheduler;
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
  private readonly wakeUp = new WakeUp();
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly reach: Reachability;
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
    this.scheduler = new SendScheduler({
      clock: deps.clock,
      utilisation: this.rates.utilisation,
      pairIntervalMs: this.rates.pairIntervalMs,
      pairBurst: this.rates.pairBurst,
    });
  }

  start(): void {
    this.unsubscribe = this.deps.signals.on('outbox', (id) => {
      if (id === this.phoneNumberId) {
        this.nextPoll = 0;
        this.wakeUp.wake();
      }
    });
    this.loop = this.run().finally(() => {
      this.finished = true;
      this.unsubscribe?.();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp.wake();
    await this.loop;
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
          await this.wakeUp.sleep(500);
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
      await this.wakeUp.sleep(POLL_MS);
      return true;
    }
    this.scheduler.promoteBackoff(clockNow);
    realNow = performance.now();
    if (realNow < this.nextClaim) {
      await this.wakeUp.sleep(this.nextClaim - realNow);
      return true;
    }
    // While Meta refuses connections, one probe at a time: the next waits for its outcome.
    if (this.reach.probing && this.inFlight.size > 0) {
      await this.wakeUp.sleep(POLL_MS);
      return true;
    }
    const due = this.scheduler.pickDue(realNow, clockNow, this.reach.probing ? 1 : MAX_BATCH);
    if (due.length === 0) {
      await this.wakeUp.sleep(this.untilNextEvent(realNow));
      return true;
    }
    this.nextClaim = realNow + CLAIM_TICK_MS;
    const claimed = await this.claim(due);
    if (claimed === null) {
      this.deps.logger.warn({ phoneNumberId: this.phoneNumberId }, 'sending lease lost; sender stops');
      return false;
    }
    if (claimed === 'paused') {
      // Paused as stored since this sender last looked: the jobs wait at the head of their
      // recipients, and the number's state is read again now.
      for (const dueSend of due.reverse()) this.scheduler.giveBack(dueSend);
      this.nextRefresh = 0;
      return true;
    }
    this.dispatchClaimed(due, claimed);
    return true;
  }

  /** Claims the due jobs under this node's lease; null when the lease is lost, `paused` when the number is. */
  private async claim(due: DueSend[]): Promise<ClaimedJob[] | null | 'paused'> {
    try {
      return await claimJobs(this.db, this.deps.database.dialect, {
        phoneNumberId: this.phoneNumberId,
        holder: this.options.holder,
        epoch: this.epoch,
        ids: due.map((dueSend) => dueSend.job.id),
        now: this.deps.clock.now(),
      });
    } catch (error) {
      // The database failed the claim (away, reset): the jobs go back to the head of their
      // recipients, or they would wait in memory, busy, forever.
      for (const dueSend of due.reverse()) this.scheduler.giveBack(dueSend);
      throw error;
    }
  }

  private dispatchClaimed(due: DueSend[], claimed: ClaimedJob[]): void {
    const byJob = new Map<number, ClaimedJob>();
    for (const claimedJob of claimed) byJob.set(claimedJob.jobId, claimedJob);
    for (const dueSend of due) {
      const claimedJob = byJob.get(dueSend.job.id);
      if (claimedJob) this.dispatch(claimedJob, dueSend);
      else {
        // No longer queued in the database (resolved or cancelled elsewhere): forget it.
        this.scheduler.forget(dueSend.job.id);
        this.scheduler.release(dueSend.recipient);
      }
    }
  }

  private isPaused(clockNow: number): boolean {
    return this.scheduler.numberPaused(clockNow) || this.reach.paused(clockNow);
  }

  private async refresh(): Promise<void> {
    this.scheduler.prune(performance.now());
    const state = await readSenderState(this.db, {
      phoneNumberId: this.phoneNumberId,
      clock: this.deps.clock,
    });
    if (state.number) this.scheduler.setThroughput(state.number.throughputMps);
    this.scheduler.setNumberState(state.number?.connected ?? false, state.pause);
    const clockNow = state.now;
    // A hold lifts when its unknown send was settled; one resolved for a retry is queued again
    // below the ids loaded so far, so load everything before the recipient's next message goes.
    if (this.scheduler.setHeld(state.held)) {
      this.nextPoll = 0;
      this.nextSweep = 0;
    }
    // While nothing can go, a message's wait still ends at its own deadline (or its window's end).
    if (this.isPaused(clockNow) || this.reach.probing) {
      await failOverdue(this.db, { phoneNumberId: this.phoneNumberId, now: clockNow });
    }
  }

  /** Rebuilds the pair limiter from recent sends, so a new holder does not burst at a recipient. */
  private async initPairs(): Promise<void> {
    const clockNow = this.deps.clock.now();
    const since = clockNow - this.rates.pairIntervalMs * this.rates.pairBurst;
    const sends = await recentDispatches(this.db, { phoneNumberId: this.phoneNumberId, since });
    this.scheduler.seedPairs(sends, clockNow);
  }

  private async load(sweep: boolean): Promise<void> {
    const jobs = await loadQueuedJobs(this.db, {
      phoneNumberId: this.phoneNumberId,
      afterId: sweep ? 0 : this.scheduler.lastLoadedId,
      limit: LOAD_LIMIT,
    });
    for (const job of jobs) this.scheduler.add(job);
  }

  private untilNextEvent(realNow: number): number {
    const wait = Math.min(this.nextPoll - realNow, this.scheduler.nextDueIn(realNow));
    return Math.max(0, Math.min(wait, POLL_MS));
  }

  private dispatch(claimed: ClaimedJob, dueSend: DueSend): void {
    const task = this.send(claimed, dueSend).catch((error: unknown) => {
      // Only a bug gets here; the job stays 'sending' and the next holder marks it unknown.
      this.deps.logger.error(
        { err: error, phoneNumberId: this.phoneNumberId, jobId: claimed.jobId },
        'dispatch failed',
      );
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async send(claimed: ClaimedJob, dueSend: DueSend): Promise<void> {
    const { job, recipient } = dueSend;
    const dispatchedAt = this.deps.clock.now();
    // What changed while the message waited in the queue, checked again before it goes.
    const refusal = decideSend({ ...claimed.facts, now: dispatchedAt }, 'dispatch');
    let result: JobResult;
    if (refusal) result = refusedAtDispatch(claimed, job.pairBackoffs, refusal);
    else {
      let outcome: SendOutcome;
      try {
        outcome = await this.deps.graph.sendMessage({
          phoneNumberId: this.phoneNumberId,
          to: { waId: claimed.waId, bsuid: claimed.bsuid },
          content: contentFromStored(claimed.type, claimed.contentJson),
          contextWamid: claimed.contextWamid,
          callbackData: claimed.messageId,
        });
      } catch (error) {
        outcome = { kind: 'unknown', reason: (error as Error).message, error: null };
      }
      result = this.applyOutcome(claimed, dueSend, outcome, dispatchedAt);
    }
    this.results.push(result);
    if (result.kind === 'requeue') {
      job.notBefore = result.notBefore;
      job.pairBackoffs = result.pairBackoffs;
      recipient.jobs.unshift(job);
    } else this.scheduler.forget(claimed.jobId);
    this.scheduleFlush();
    this.scheduler.release(recipient);
    this.wakeUp.wake();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  /**
   * Decides what the outcome means (`outcome-policy.ts`) and applies it to this sender's memory.
   * Positional parameters: this runs for every message, and an options object would be one more
   * allocation each time.
   */
  private applyOutcome(
    claimed: ClaimedJob,
    { job, recipient }: DueSend,
    outcome: SendOutcome,
    dispatchedAt: number,
  ): JobResult {
    const clockNow = this.deps.clock.now();
    const realNow = performance.now();
    const decision = decideOutcome({
      phoneNumberId: this.phoneNumberId,
      wabaId: this.options.wabaId,
      claimed,
      pairBackoffs: job.pairBackoffs,
      outcome,
      now: clockNow,
      realNow,
      rateFactor: this.scheduler.rateFactor,
      lastRateChangeAt: this.scheduler.lastRateChangeAt,
    });
    // Reachability queues its own writes; they keep their place before the decision's.
    if (outcome.kind === 'unreachable')
      this.reach.refused({ dispatchedAt, now: clockNow, reason: outcome.reason });
    else if (decision.reach === 'answered') this.reach.answered(clockNow);
    if (decision.refusal) {
      const { error, action } = decision.refusal;
      this.deps.logger.warn(
        { phoneNumberId: this.phoneNumberId, code: error.code, fbtraceId: error.fbtraceId, action },
        'send refused by Meta',
      );
    }
    this.scheduler.apply(decision, recipient, realNow);
    for (const effect of decision.effects) this.sideEffects.push(effect);
    return decision.result;
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
