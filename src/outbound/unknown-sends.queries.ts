import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { MessageRow } from '../messages/message.table.ts';
import { parseJsonOr } from '../platform/json.ts';

export type UnknownSendFilter = {
  readonly phoneNumberId?: string;
  readonly contactId?: string;
  readonly since?: number;
  readonly until?: number;
  /** The business accounts the caller may see; null = all. */
  readonly wabaIds: readonly string[] | null;
  /** Job id after which the page starts. */
  readonly afterJobId?: number;
  readonly limit: number;
};

export type UnknownSend = {
  readonly jobId: number;
  readonly message: MessageRow;
  readonly waId: string | null;
  readonly bsuid: string | null;
  readonly unknownSince: number;
  readonly attempts: number;
  readonly reason: string | null;
  /** The recipient's messages queued after this one. */
  readonly waiting: number;
};

/** Sends whose outcome is unknown, in the order they were queued (job id), one page. */
export async function listUnknownSends(
  db: Kysely<DB>,
  filter: UnknownSendFilter,
): Promise<{ items: UnknownSend[]; nextJobId: number | null }> {
  let q = db
    .selectFrom('outbox_jobs as j')
    .innerJoin('messages as m', 'm.id', 'j.message_id')
    .innerJoin('contacts as c', 'c.id', 'j.contact_id')
    .innerJoin('phone_numbers as p', 'p.id', 'j.phone_number_id')
    .selectAll('m')
    .select([
      'j.id as job_id',
      'j.updated_at as job_updated_at',
      'j.attempts as job_attempts',
      'j.last_error_json as job_error',
      'c.wa_id as contact_wa_id',
      'c.bsuid as contact_bsuid',
    ])
    .where('j.state', '=', 'unknown')
    .orderBy('j.id')
    .limit(filter.limit + 1);
  if (filter.phoneNumberId) q = q.where('j.phone_number_id', '=', filter.phoneNumberId);
  if (filter.contactId) q = q.where('j.contact_id', '=', filter.contactId);
  if (filter.since !== undefined) q = q.where('j.updated_at', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('j.updated_at', '<', filter.until);
  if (filter.afterJobId !== undefined) q = q.where('j.id', '>', filter.afterJobId);
  if (filter.wabaIds !== null) {
    if (filter.wabaIds.length === 0) return { items: [], nextJobId: null };
    q = q.where('p.waba_id', 'in', filter.wabaIds);
  }
  const rows = await q.execute();
  const page = rows.slice(0, filter.limit);
  const contacts = [...new Set(page.map((r) => r.contact_id))];
  const queued =
    contacts.length === 0
      ? []
      : await db
          .selectFrom('outbox_jobs')
          .select(['id', 'contact_id'])
          .where('state', '=', 'queued')
          .where('contact_id', 'in', contacts)
          .execute();
  const items = page.map((r) => {
    const { job_id, job_updated_at, job_attempts, job_error, contact_wa_id, contact_bsuid, ...message } = r;
    const error = parseJsonOr<{ message?: unknown } | null>(job_error, null);
    return {
      jobId: Number(job_id),
      message: message as MessageRow,
      waId: contact_wa_id,
      bsuid: contact_bsuid,
      unknownSince: job_updated_at,
      attempts: job_attempts,
      reason: typeof error?.message === 'string' ? error.message : null,
      waiting: queued.filter((j) => j.contact_id === r.contact_id && Number(j.id) > Number(job_id)).length,
    };
  });
  const last = page[page.length - 1];
  return { items, nextJobId: rows.length > filter.limit && last ? Number(last.job_id) : null };
}
