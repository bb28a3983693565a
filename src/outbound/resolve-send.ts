import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { transitionStatus } from '../messages/message-status.ts';
import { clearUnknownSendsAlert } from './unknown-sends.ts';

/** What an operator says became of a send whose outcome is unknown. */
export type ResolveOutcome = 'sent' | 'failed' | 'retry';

export type ResolveItem = {
  readonly messageId: string;
  readonly outcome: ResolveOutcome;
  /** The wamid, when the operator knows it (from Meta's side). */
  readonly wamid?: string;
};

/** The result of one resolve; a refused item says why with a stable code. */
export type ResolveResult =
  | { readonly messageId: string; readonly ok: true; readonly status: 'sent' | 'failed' | 'queued' }
  | {
      readonly messageId: string;
      readonly ok: false;
      readonly code: 'NOT_FOUND' | 'SEND_NOT_UNKNOWN';
      readonly status: string | null;
    };

/**
 * Resolves one `unknown` send as the operator decides, in the caller's transaction: `sent` closes
 * its job (the message shows sent, without the outcome-unknown error), `failed` closes it as not
 * sent, `retry` queues it again (only when the operator knows it did not reach Meta: this may
 * otherwise send it twice). Anything but an unknown send is refused and left as it is. The
 * number's unknown-sends alert resolves itself with its last unknown send.
 */
export async function resolveUnknownSend(
  trx: Kysely<DB>,
  input: ResolveItem & { readonly by: string; readonly now: number },
): Promise<ResolveResult> {
  const result = await resolveOne(trx, input);
  if (result.ok && result.phoneNumberId)
    await clearUnknownSendsAlert(trx, { phoneNumberId: result.phoneNumberId, now: input.now });
  const { phoneNumberId: _, ...rest } = result as ResolveResult & { phoneNumberId?: string };
  return rest as ResolveResult;
}

async function resolveOne(
  trx: Kysely<DB>,
  input: ResolveItem & { readonly by: string; readonly now: number },
): Promise<ResolveResult & { phoneNumberId?: string }> {
  const { messageId, outcome, now } = input;
  const current = await trx
    .selectFrom('messages')
    .leftJoin('outbox_jobs as j', 'j.message_id', 'messages.id')
    .select(['messages.status', 'messages.phone_number_id', 'j.id as job_id', 'j.state as job_state'])
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  if (!current) return { messageId, ok: false, code: 'NOT_FOUND', status: null };
  if (current.job_id === null || current.job_state !== 'unknown' || current.status !== 'unknown') {
    return { messageId, ok: false, code: 'SEND_NOT_UNKNOWN', status: current.status };
  }
  const jobId = Number(current.job_id);
  const phoneNumberId = current.phone_number_id;
  if (outcome === 'retry') {
    await trx
      .updateTable('outbox_jobs')
      .set({ state: 'queued', not_before: null, updated_at: now })
      .where('id', '=', jobId)
      .execute();
    await transitionStatus(trx, { messageId, to: 'queued', from: ['unknown'], error: null, at: now });
    return { messageId, ok: true, status: 'queued', phoneNumberId };
  }
  if (outcome === 'sent') {
    await trx
      .updateTable('outbox_jobs')
      .set({ state: 'done', finished_at: now, updated_at: now })
      .where('id', '=', jobId)
      .execute();
    await transitionStatus(trx, {
      messageId,
      to: 'sent',
      from: ['unknown'],
      error: null,
      ...(input.wamid ? { wamid: input.wamid } : {}),
      at: now,
    });
    return { messageId, ok: true, status: 'sent', phoneNumberId };
  }
  const errorJson = JSON.stringify({
    code: 'RESOLVED_FAILED',
    title: 'Resolved as not sent',
    message: `An operator (${input.by}) resolved this unknown send as not sent.`,
  });
  await trx
    .updateTable('outbox_jobs')
    .set({ state: 'failed', finished_at: now, updated_at: now, last_error_json: errorJson })
    .where('id', '=', jobId)
    .execute();
  await transitionStatus(trx, { messageId, to: 'failed', from: ['unknown'], error: errorJson, at: now });
  return { messageId, ok: true, status: 'failed', phoneNumberId };
}
