import type { Kysely } from 'kysely';
import { loadConsentFacts, UNKNOWN_CONSENT } from '../consent/consent-policy.ts';
import type { DB } from '../database.ts';
import type { MessageStatus } from '../messages/message.table.ts';
import { type StatusMove, statusRankOf, transitionStatuses } from '../messages/message-status.ts';
import type { Dialect } from '../platform/db/database.ts';
import { loadAutomatedSendFacts } from './automation-hold.ts';
import type { SendFacts } from './send-policy.ts';
import { alertUnknownSends, clearUnknownSendsAlert } from './unknown-sends.ts';

/** A queued job as the sender keeps it in memory. */
export type QueuedJob = {
  readonly id: number;
  readonly contactId: string;
  readonly priority: number;
  notBefore: number | null;
  pairBackoffs: number;
};

/** What the sender needs to send one claimed job. */
export type ClaimedJob = {
  readonly jobId: number;
  readonly messageId: string;
  readonly type: string;
  readonly contentJson: string;
  readonly contextWamid: string | null;
  readonly waId: string | null;
  readonly bsuid: string | null;
  readonly attempts: number;
  /** What the send policy decides on again before the job goes (`send-policy.ts`, stage `dispatch`). */
  readonly facts: SendFacts;
};

/** The outcome of one job, written back in batches. */
export type JobResult =
  | { readonly kind: 'accepted'; readonly jobId: number; readonly messageId: string; readonly wamid: string }
  | {
      readonly kind: 'failed';
      readonly jobId: number;
      readonly messageId: string;
      readonly errorJson: string;
    }
  | {
      readonly kind: 'unknown';
      readonly jobId: number;
      readonly messageId: string;
      readonly errorJson: string;
    }
  | {
      readonly kind: 'requeue';
      readonly jobId: number;
      readonly messageId: string;
      readonly notBefore: number | null;
      readonly pairBackoffs: number;
      /** The attempt did not count (number paused, rate limit): give it back. */
      readonly refundAttempt: boolean;
      readonly errorJson: string;
    };

/** Queued jobs of a number in id order, after `afterId`. */
export async function loadQueuedJobs(
  db: Kysely<DB>,
  input: { phoneNumberId: string; afterId: number; limit: number },
): Promise<QueuedJob[]> {
  const rows = await db
    .selectFrom('outbox_jobs')
    .select(['id', 'contact_id', 'priority', 'not_before', 'pair_backoffs'])
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('state', '=', 'queued')
    .where('id', '>', input.afterId)
    .orderBy('id')
    .limit(input.limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    contactId: r.contact_id,
    priority: r.priority,
    notBefore: r.not_before,
    pairBackoffs: r.pair_backoffs,
  }));
}

/** When each recipient was last sent to (to rebuild the pair limiter after a takeover). */
export async function recentDispatches(
  db: Kysely<DB>,
  input: { phoneNumberId: string; since: number },
): Promise<{ contactId: string; at: number }[]> {
  const rows = await db
    .selectFrom('outbox_jobs')
    .select(['contact_id', 'dispatched_at'])
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('dispatched_at', '>', input.since)
    .orderBy('dispatched_at')
    .execute();
  return rows.map((r) => ({ contactId: r.contact_id, at: r.dispatched_at ?? 0 }));
}

/**
 * A new holder's first step: jobs a previous holder claimed (`sending` under an older epoch) may
 * or may not have reached Meta, so they become `unknown`, never sent again automatically.
 */
export async function markOrphansUnknown(
  db: Kysely<DB>,
  input: { phoneNumberId: string; epoch: number; now: number },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const orphans = await trx
      .selectFrom('outbox_jobs')
      .select(['id', 'message_id'])
      .where('phone_number_id', '=', input.phoneNumberId)
      .where('state', '=', 'sending')
      .where((eb) => eb.or([eb('lease_epoch', '<', input.epoch), eb('lease_epoch', 'is', null)]))
      .execute();
    const errorJson = JSON.stringify({
      code: 'SEND_OUTCOME_UNKNOWN',
      title: 'Outcome unknown',
      message: 'The node sending this message stopped during the send; it may or may not have reached Meta.',
    });
    if (orphans.length === 0) return 0;
    await trx
      .updateTable('outbox_jobs')
      .set({ state: 'unknown', last_error_json: errorJson, updated_at: input.now })
      .where(
        'id',
        'in',
        orphans.map((o) => o.id),
      )
      .where('state', '=', 'sending')
      .execute();
    await transitionStatuses(trx, {
      moves: orphans.map((o) => ({
        messageId: o.message_id,
        to: 'unknown' as const,
        from: ['sending' as const],
        error: errorJson,
      })),
      at: input.now,
    });
    const number = await trx
      .selectFrom('phone_numbers')
      .select('waba_id')
      .where('id', '=', input.phoneNumberId)
      .executeTakeFirst();
    await alertUnknownSends(trx, {
      phoneNumberId: input.phoneNumberId,
      wabaId: number?.waba_id ?? null,
      count: orphans.length,
      now: input.now,
    });
    return orphans.length;
  });
}

function templateKey(contentJson: string): string {
  try {
    const t = JSON.parse(contentJson) as { name?: unknown; language?: unknown };
    return `${String(t.name)}\u0000${String(t.language)}`;
  } catch {
    return '';
  }
}

/** The stored templates of the claimed template sends, by name and language (what the policy reads). */
async function templatesOf(
  trx: Kysely<DB>,
  wabaId: string,
  rows: readonly { type: string; content_json: string }[],
): Promise<Map<string, NonNullable<SendFacts['template']>>> {
  const names = [
    ...new Set(
      rows
        .filter((r) => r.type === 'template')
        .map((r) => templateKey(r.content_json).split('\u0000')[0] ?? ''),
    ),
  ];
  if (names.length === 0) return new Map();
  const found = await trx
    .selectFrom('templates')
    .select(['name', 'language', 'status', 'category', 'reason'])
    .where('waba_id', '=', wabaId)
    .where('name', 'in', names)
    .execute();
  return new Map(found.map((t) => [`${t.name}\u0000${t.language}`, t]));
}

/**
 * Claims jobs for sending under the caller's lease, in one transaction: only if the lease is still
 * held (fencing), only jobs still `queued`, and only while the number is not paused as stored (a
 * pause written a moment ago holds before the sender's memory of it is refreshed). Returns null
 * when the lease was lost, `paused` when the number is paused (nothing claimed).
 */
export async function claimJobs(
  db: Kysely<DB>,
  dialect: Dialect,
  input: { phoneNumberId: string; holder: string; epoch: number; ids: number[]; now: number },
): Promise<ClaimedJob[] | null | 'paused'> {
  return db.transaction().execute(async (trx) => {
    let leaseQuery = trx
      .selectFrom('number_leases')
      .select((eb) => [
        'holder',
        'epoch',
        'expires_at',
        eb
          .selectFrom('number_send_state as s')
          .select('s.pause_kind')
          .whereRef('s.phone_number_id', '=', 'number_leases.phone_number_id')
          .as('pause_kind'),
        eb
          .selectFrom('number_send_state as s')
          .select('s.paused_until')
          .whereRef('s.phone_number_id', '=', 'number_leases.phone_number_id')
          .as('paused_until'),
      ])
      .where('phone_number_id', '=', input.phoneNumberId);
    if (dialect === 'postgres') leaseQuery = leaseQuery.forUpdate();
    const lease = await leaseQuery.executeTakeFirst();
    if (
      !lease ||
      lease.holder !== input.holder ||
      Number(lease.epoch) !== input.epoch ||
      lease.expires_at <= input.now
    ) {
      return null;
    }
    // The same rule as `numberPause` (alerts.ts): an alert holds until resolved, a backoff until its time.
    if (
      lease.pause_kind === 'alert' ||
      (lease.pause_kind === 'backoff' &&
        lease.paused_until !== null &&
        Number(lease.paused_until) > input.now)
    ) {
      return 'paused';
    }
    const claimed = await trx
      .updateTable('outbox_jobs')
      .set((eb) => ({
        state: 'sending',
        lease_epoch: input.epoch,
        claimed_by: input.holder,
        dispatched_at: input.now,
        attempts: eb('attempts', '+', 1),
        updated_at: input.now,
      }))
      .where('id', 'in', input.ids)
      .where('state', '=', 'queued')
      .returning(['id', 'message_id', 'attempts', 'deadline_at'])
      .execute();
    if (claimed.length === 0) return [];
    const messageIds = claimed.map((c) => c.message_id);
    await transitionStatuses(trx, {
      moves: messageIds.map((messageId) => ({
        messageId,
        to: 'sending' as const,
        from: ['queued' as const],
      })),
      at: input.now,
    });
    const rows = await trx
      .selectFrom('messages as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .innerJoin('conversations as v', 'v.id', 'm.conversation_id')
      .select([
        'm.id',
        'm.type',
        'm.content_json',
        'm.context_wamid',
        'm.origin',
        'm.seq',
        'm.conversation_id',
        'm.phone_number_id',
        'c.id as contact_id',
        'c.wa_id',
        'c.bsuid',
        'c.marketing_opt_out',
        'c.marketing_opt_out_at',
        'v.window_expires_at',
      ])
      .where('m.id', 'in', messageIds)
      .execute();
    const number = await trx
      .selectFrom('phone_numbers')
      .select(['id', 'waba_id', 'display_phone_number', 'connection_state'])
      .where('id', '=', input.phoneNumberId)
      .executeTakeFirstOrThrow();
    const templates = await templatesOf(trx, number.waba_id, rows);
    const templateContacts = rows.filter((r) => r.type === 'template').map((r) => r.contact_id);
    const consent =
      templateContacts.length > 0 ? await loadConsentFacts(trx, number.id, templateContacts) : new Map();
    const automated = await loadAutomatedSendFacts(trx, rows);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: ClaimedJob[] = [];
    for (const c of claimed) {
      const r = byId.get(c.message_id);
      if (!r) continue;
      out.push({
        jobId: Number(c.id),
        messageId: c.message_id,
        type: r.type,
        contentJson: r.content_json,
        contextWamid: r.context_wamid,
        waId: r.wa_id,
        bsuid: r.bsuid,
        attempts: c.attempts,
        facts: {
          number,
          contact: {
            id: r.contact_id,
            marketing_opt_out: r.marketing_opt_out,
            marketing_opt_out_at: r.marketing_opt_out_at,
          },
          conversation: { window_expires_at: r.window_expires_at },
          consent: consent.get(r.contact_id) ?? UNKNOWN_CONSENT,
          type: r.type,
          template: r.type === 'template' ? (templates.get(templateKey(r.content_json)) ?? null) : undefined,
          deadline: c.deadline_at,
          automation: automated.get(r.id),
          now: input.now,
        },
      });
    }
    return out;
  });
}

const SENT_FROM: readonly MessageStatus[] = ['queued', 'sending', 'unknown'];

/** Writes a batch of outcomes in one transaction: the jobs, then every message's status in one batch. */
export async function applyResults(
  db: Kysely<DB>,
  input: { phoneNumberId: string; results: JobResult[]; now: number },
): Promise<void> {
  if (input.results.length === 0) return;
  const now = input.now;
  await db.transaction().execute(async (trx) => {
    const moves: StatusMove[] = [];
    const done: number[] = [];
    for (const r of input.results) {
      if (r.kind === 'accepted') {
        done.push(r.jobId);
        moves.push({ messageId: r.messageId, to: 'sent', from: SENT_FROM, wamid: r.wamid, error: null });
      } else if (r.kind === 'failed' || r.kind === 'unknown') {
        await trx
          .updateTable('outbox_jobs')
          .set({
            state: r.kind,
            last_error_json: r.errorJson,
            finished_at: r.kind === 'failed' ? now : null,
            updated_at: now,
          })
          .where('id', '=', r.jobId)
          .where('state', 'in', ['sending', 'unknown'])
          .execute();
        moves.push({ messageId: r.messageId, to: r.kind, from: SENT_FROM, error: r.errorJson });
      } else {
        await trx
          .updateTable('outbox_jobs')
          .set((eb) => ({
            state: 'queued',
            not_before: r.notBefore,
            pair_backoffs: r.pairBackoffs,
            last_error_json: r.errorJson,
            updated_at: now,
            ...(r.refundAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
          }))
          .where('id', '=', r.jobId)
          .where('state', 'in', ['sending', 'unknown'])
          .execute();
        moves.push({ messageId: r.messageId, to: 'queued', from: ['sending', 'unknown'] });
      }
    }
    if (done.length > 0) {
      await trx
        .updateTable('outbox_jobs')
        .set({ state: 'done', finished_at: now, updated_at: now })
        .where('id', 'in', done)
        .where('state', 'in', ['sending', 'unknown'])
        .execute();
    }
    await transitionStatuses(trx, { moves, at: now });
  });
}

/**
 * Resolves `unknown` sends from what came back since: a status webhook carrying our message id as
 * `biz_opaque_callback_data` proves the send was accepted (or failed); a message whose status was
 * already moved on by status processing closes its job (and loses the outcome-unknown error it
 * carried). Returns how many were resolved.
 */
export async function reconcileUnknown(
  db: Kysely<DB>,
  input: { phoneNumberId: string; now: number },
): Promise<number> {
  const rows = await db
    .selectFrom('outbox_jobs as j')
    .innerJoin('messages as m', 'm.id', 'j.message_id')
    .select(['j.id as job_id', 'j.last_error_json', 'm.id as message_id', 'm.status', 'm.error_json'])
    .where('j.phone_number_id', '=', input.phoneNumberId)
    .where('j.state', '=', 'unknown')
    .limit(500)
    .execute();
  if (rows.length === 0) return 0;
  const events = await db
    .selectFrom('message_status_events')
    .select(['biz_opaque_callback_data', 'wamid', 'status', 'errors_json', 'timestamp'])
    .where(
      'biz_opaque_callback_data',
      'in',
      rows.map((r) => r.message_id),
    )
    .execute();
  const moves: StatusMove[] = [];
  const finals: { jobId: number; state: 'done' | 'failed' }[] = [];
  for (const row of rows) {
    const mine = events.filter(
      (e) => e.biz_opaque_callback_data === row.message_id && statusRankOf(e.status) > 0,
    );
    if (row.status !== 'unknown' && row.status !== 'sending' && row.status !== 'queued') {
      finals.push({ jobId: Number(row.job_id), state: row.status === 'failed' ? 'failed' : 'done' });
      if (row.status !== 'failed' && row.error_json !== null && row.error_json === row.last_error_json) {
        moves.push({ messageId: row.message_id, to: row.status, from: [row.status], error: null });
      }
    } else if (mine.length > 0) {
      const best = mine.reduce((a, b) => (statusRankOf(b.status) > statusRankOf(a.status) ? b : a));
      const to = best.status as MessageStatus;
      moves.push({
        messageId: row.message_id,
        to,
        wamid: best.wamid,
        statusAt: best.timestamp,
        ...(to === 'failed' ? { error: best.errors_json ?? null } : {}),
      });
      finals.push({ jobId: Number(row.job_id), state: to === 'failed' ? 'failed' : 'done' });
    }
  }
  if (finals.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    await transitionStatuses(trx, { moves, at: input.now });
    for (const state of ['done', 'failed'] as const) {
      const ids = finals.filter((f) => f.state === state).map((f) => f.jobId);
      if (ids.length === 0) continue;
      await trx
        .updateTable('outbox_jobs')
        .set({ state, finished_at: input.now, updated_at: input.now })
        .where('id', 'in', ids)
        .where('state', '=', 'unknown')
        .execute();
    }
    await clearUnknownSendsAlert(trx, { phoneNumberId: input.phoneNumberId, now: input.now });
  });
  return finals.length;
}

/**
 * Fails the queued jobs of a number that can no longer go: past their own deadline, or free-form
 * messages whose window has closed. The sender calls it while it cannot dispatch (Meta unreachable,
 * the number paused), so a wait is bounded by each message's deadline. Returns how many failed.
 */
export async function failOverdue(
  db: Kysely<DB>,
  input: { phoneNumberId: string; now: number },
): Promise<number> {
  const rows = await db
    .selectFrom('outbox_jobs as j')
    .innerJoin('messages as m', 'm.id', 'j.message_id')
    .innerJoin('conversations as v', 'v.id', 'm.conversation_id')
    .select(['j.id', 'j.message_id', 'j.deadline_at'])
    .where('j.phone_number_id', '=', input.phoneNumberId)
    .where('j.state', '=', 'queued')
    .where((eb) =>
      eb.or([
        eb('j.deadline_at', '<', input.now),
        eb.and([
          eb('m.type', '!=', 'template'),
          eb.or([eb('v.window_expires_at', 'is', null), eb('v.window_expires_at', '<=', input.now)]),
        ]),
      ]),
    )
    .limit(1000)
    .execute();
  if (rows.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    const moves: StatusMove[] = [];
    for (const r of rows) {
      const late = r.deadline_at !== null && r.deadline_at < input.now;
      const error = late
        ? errorJsonOf(
            'SEND_DEADLINE_PASSED',
            `The message was still queued at its deadline (${new Date(r.deadline_at ?? 0).toISOString()}).`,
          )
        : errorJsonOf(
            'MESSAGE_WINDOW_CLOSED',
            'The customer-service window closed before the message could be sent; send a template.',
          );
      const done = await trx
        .updateTable('outbox_jobs')
        .set({ state: 'failed', last_error_json: error, finished_at: input.now, updated_at: input.now })
        .where('id', '=', r.id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) > 0)
        moves.push({ messageId: r.message_id, to: 'failed', from: ['queued'], error });
    }
    await transitionStatuses(trx, { moves, at: input.now });
  });
  return rows.length;
}

function errorJsonOf(code: string, reason: string): string {
  return JSON.stringify({ code, title: reason, message: reason, error_data: { details: reason } });
}
