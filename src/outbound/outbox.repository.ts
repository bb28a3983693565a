import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { MessageStatus } from '../messages/message.table.ts';
import type { Dialect } from '../platform/db/database.ts';
import { recordDomainEvent } from '../platform/realtime/domain-events.ts';

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
  readonly windowExpiresAt: number | null;
  readonly attempts: number;
  /** A marketing template to a contact who opted out after it was queued: it must not go. */
  readonly marketingOptedOut: boolean;
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
    for (const o of orphans) {
      await trx
        .updateTable('outbox_jobs')
        .set({ state: 'unknown', last_error_json: errorJson, updated_at: input.now })
        .where('id', '=', o.id)
        .where('state', '=', 'sending')
        .execute();
      await setMessageStatus(trx, o.message_id, 'unknown', { errorJson, now: input.now, from: ['sending'] });
    }
    return orphans.length;
  });
}

async function setMessageStatus(
  trx: Kysely<DB>,
  messageId: string,
  status: MessageStatus,
  input: { errorJson?: string | null; now: number; from: MessageStatus[]; phoneNumberId?: string },
): Promise<boolean> {
  const set: { status: MessageStatus; status_at: number; error_json?: string | null } = {
    status,
    status_at: input.now,
  };
  if (input.errorJson !== undefined) set.error_json = input.errorJson;
  const r = await trx
    .updateTable('messages')
    .set(set)
    .where('id', '=', messageId)
    .where('status', 'in', input.from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Claims jobs for sending under the caller's lease, in one transaction: only if the lease is still
 * held (fencing), only jobs still `queued`. Returns null when the lease was lost.
 */
export async function claimJobs(
  db: Kysely<DB>,
  dialect: Dialect,
  input: { phoneNumberId: string; holder: string; epoch: number; ids: number[]; now: number },
): Promise<ClaimedJob[] | null> {
  return db.transaction().execute(async (trx) => {
    let leaseQuery = trx
      .selectFrom('number_leases')
      .select(['holder', 'epoch', 'expires_at'])
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
      .returning(['id', 'message_id', 'attempts'])
      .execute();
    if (claimed.length === 0) return [];
    const messageIds = claimed.map((c) => c.message_id);
    await trx
      .updateTable('messages')
      .set({ status: 'sending', status_at: input.now })
      .where('id', 'in', messageIds)
      .where('status', '=', 'queued')
      .execute();
    const rows = await trx
      .selectFrom('messages as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .innerJoin('conversations as v', 'v.id', 'm.conversation_id')
      .leftJoin('outbound_costs as oc', 'oc.message_id', 'm.id')
      .select([
        'm.id',
        'm.type',
        'm.content_json',
        'm.context_wamid',
        'c.wa_id',
        'c.bsuid',
        'c.marketing_opt_out',
        'v.window_expires_at',
        'oc.category',
      ])
      .where('m.id', 'in', messageIds)
      .execute();
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
        windowExpiresAt: r.window_expires_at,
        attempts: c.attempts,
        marketingOptedOut: r.category === 'marketing' && r.marketing_opt_out === 1,
      });
    }
    return out;
  });
}

/** Writes a batch of outcomes in one transaction. */
export async function applyResults(
  db: Kysely<DB>,
  input: { phoneNumberId: string; results: JobResult[]; now: number },
): Promise<void> {
  if (input.results.length === 0) return;
  const now = input.now;
  await db.transaction().execute(async (trx) => {
    for (const r of input.results) {
      let changed = false;
      if (r.kind === 'accepted') {
        await trx
          .updateTable('outbox_jobs')
          .set({ state: 'done', finished_at: now, updated_at: now })
          .where('id', '=', r.jobId)
          .where('state', 'in', ['sending', 'unknown'])
          .execute();
        await trx
          .updateTable('messages')
          .set({ wamid: r.wamid })
          .where('id', '=', r.messageId)
          .where('wamid', 'is', null)
          .execute();
        changed = await setMessageStatus(trx, r.messageId, 'sent', {
          errorJson: null,
          now,
          from: ['queued', 'sending', 'unknown'],
        });
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
        changed = await setMessageStatus(trx, r.messageId, r.kind, {
          errorJson: r.errorJson,
          now,
          from: ['queued', 'sending', 'unknown'],
        });
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
        changed = await setMessageStatus(trx, r.messageId, 'queued', { now, from: ['sending', 'unknown'] });
      }
      if (changed) {
        await recordDomainEvent(
          trx,
          {
            type: 'message.changed',
            phoneNumberId: input.phoneNumberId,
            payload: { message_id: r.messageId },
          },
          now,
        );
      }
    }
  });
}

const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 4 };

/**
 * Resolves `unknown` sends from what came back since: a status webhook carrying our message id as
 * `biz_opaque_callback_data` proves the send was accepted (or failed); a message whose status was
 * already moved on by status processing closes its job. Returns how many were resolved.
 */
export async function reconcileUnknown(
  db: Kysely<DB>,
  input: { phoneNumberId: string; now: number },
): Promise<number> {
  const rows = await db
    .selectFrom('outbox_jobs as j')
    .innerJoin('messages as m', 'm.id', 'j.message_id')
    .select(['j.id as job_id', 'm.id as message_id', 'm.status'])
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
  let resolved = 0;
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      const mine = events.filter((e) => e.biz_opaque_callback_data === row.message_id);
      let final: 'done' | 'failed' | null = null;
      if (row.status !== 'unknown' && row.status !== 'sending' && row.status !== 'queued') {
        final = row.status === 'failed' ? 'failed' : 'done';
      } else if (mine.length > 0) {
        const best = mine.reduce((a, b) => ((RANK[b.status] ?? 0) > (RANK[a.status] ?? 0) ? b : a));
        const ok = (RANK[best.status] ?? 0) > 0;
        await trx
          .updateTable('messages')
          .set({ wamid: best.wamid })
          .where('id', '=', row.message_id)
          .where('wamid', 'is', null)
          .execute();
        await setMessageStatus(trx, row.message_id, ok ? (best.status as MessageStatus) : 'failed', {
          errorJson: ok ? null : (best.errors_json ?? null),
          now: input.now,
          from: ['unknown'],
        });
        await recordDomainEvent(
          trx,
          {
            type: 'message.changed',
            phoneNumberId: input.phoneNumberId,
            payload: { message_id: row.message_id },
          },
          input.now,
        );
        final = ok ? 'done' : 'failed';
      }
      if (final) {
        await trx
          .updateTable('outbox_jobs')
          .set({ state: final, finished_at: input.now, updated_at: input.now })
          .where('id', '=', row.job_id)
          .where('state', '=', 'unknown')
          .execute();
        resolved++;
      }
    }
  });
  return resolved;
}
