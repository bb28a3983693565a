import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { raiseAlert } from './alerts.ts';

/** The alert code raised while Meta's Cloud API refuses connections (and cleared when it answers). */
export const META_UNREACHABLE = 'META_UNREACHABLE';

/** The first pause after a refused connection; each further refusal doubles it, up to the maximum. */
const FIRST_BACKOFF_MS = 500;
/** Refused attempts in a row before the alert: one blip is not an outage. */
const ALERT_AFTER = 3;

type SideEffect = (trx: Kysely<DB>) => Promise<void>;

/**
 * Whether one number's sender can reach Meta. A connection that failed before the request left
 * (`unreachable`) is provably not a send, so the message stays queued (its attempt not counted)
 * while the sender backs off: one probe at a time, 0.5 s, 1 s, 2 s, … up to `maxBackoffMs` apart.
 * After a few refusals in a row it raises the `META_UNREACHABLE` alert; the first answer from Meta
 * (any HTTP status) ends the backoff and resolves the alert. Database writes are handed back as
 * side effects for the sender's next batch.
 */
export class Reachability {
  private streak = 0;
  private until = 0;
  private alertRaised = false;
  /** An alert of an earlier process may be open: the first answer resolves it too. */
  private alertMayBeOpen = true;

  constructor(
    private readonly options: {
      readonly phoneNumberId: string;
      readonly wabaId: string;
      readonly maxBackoffMs: number;
      readonly effect: (effect: SideEffect) => void;
    },
  ) {}

  /** True while backing off: nothing is dispatched before `pausedUntil`. */
  paused(clockNow: number): boolean {
    return this.until > clockNow;
  }

  /** True after a refusal, until Meta answers: dispatch one message at a time (a probe). */
  get probing(): boolean {
    return this.streak > 0;
  }

  /** A send dispatched at `dispatchedAt` could not connect. */
  refused(input: { dispatchedAt: number; now: number; reason: string }): void {
    // Sends that were already in flight when the first refusal came back count as one.
    if (this.streak > 0 && input.dispatchedAt < this.until) return;
    this.streak++;
    const delay = Math.min(this.options.maxBackoffMs, FIRST_BACKOFF_MS * 2 ** (this.streak - 1));
    this.until = Math.max(this.until, input.now + delay);
    if (this.streak < ALERT_AFTER || this.alertRaised) return;
    this.alertRaised = true;
    this.alertMayBeOpen = true;
    const { phoneNumberId, wabaId } = this.options;
    const now = input.now;
    this.options.effect(async (trx) => {
      await raiseAlert(trx, {
        phoneNumberId,
        wabaId,
        code: META_UNREACHABLE,
        title: "Meta's Cloud API is unreachable",
        message: `Connections to the Cloud API fail (${input.reason}). Queued messages wait (none fails for it) and go once it answers; this alert then resolves itself.`,
        now,
      });
    });
  }

  /** Meta answered (any HTTP status): the backoff ends and the alert, if any, resolves. */
  answered(now: number): void {
    if (this.streak === 0 && !this.alertMayBeOpen) return;
    this.streak = 0;
    this.until = 0;
    this.alertRaised = false;
    if (!this.alertMayBeOpen) return;
    this.alertMayBeOpen = false;
    const { phoneNumberId } = this.options;
    this.options.effect(async (trx) => {
      await trx
        .updateTable('alerts')
        .set({ resolved_at: now, resolved_by: 'system' })
        .where('phone_number_id', '=', phoneNumberId)
        .where('code', '=', META_UNREACHABLE)
        .where('resolved_at', 'is', null)
        .execute();
    });
  }
}
