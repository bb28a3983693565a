import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { audienceBatches } from '../audiences/audience.ts';
import { loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { type StatusMove, transitionStatuses } from '../messages/message-status.ts';
import { enqueueSend, notifyEnqueued } from '../outbound/enqueue-send.ts';
import { prepareSend } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { enqueueJob } from '../platform/jobs/job.repository.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { parseJsonOr } from '../platform/json.ts';
import type { CampaignRow } from './campaign.table.ts';
import { MissingParameter, templateContentFor, templateShape } from './campaign-parameters.ts';
import type { Audience, CampaignParameters } from './campaigns.schemas.ts';

/** At most this many recipients are queued per transaction. */
export const FANOUT_BATCH = 500;
/** The fan-out keeps at most this many seconds of the number's throughput queued ahead of the sender. */
export const FANOUT_WINDOW_SECONDS = 15;
/** Wait before looking again when the window is full. */
const FULL_WAIT_MS = 1_000;

const schema = z.object({ campaign_id: z.string(), step: z.number().int().min(0) });

/** Snapshots the audience into `campaign_recipients` (ordinal order = contact id order). */
async function materialize(trx: Kysely<DB>, c: CampaignRow, now: number): Promise<number> {
  const audience = parseJsonOr<Audience>(c.audience_json, { contact_ids: [] } as unknown as Audience);
  let ordinal = 0;
  const insert = async (ids: readonly string[]) => {
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      if (slice.length === 0) continue;
      await trx
        .insertInto('campaign_recipients')
        .values(
          slice.map((contact_id) => ({
            campaign_id: c.id,
            ordinal: ordinal++,
            contact_id,
            state: 'pending' as const,
            message_id: null,
            refusal_code: null,
            refusal_message: null,
            queued_at: null,
            replied_at: null,
            reply_message_id: null,
            button_payload: null,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  };
  if ('contact_ids' in audience) {
    const known = new Set<string>();
    for (let i = 0; i < audience.contact_ids.length; i += 500) {
      const rows = await trx
        .selectFrom('contacts')
        .select('id')
        .where('phone_number_id', '=', c.phone_number_id)
        .where('id', 'in', audience.contact_ids.slice(i, i + 500))
        .execute();
      for (const r of rows) known.add(r.id);
    }
    await insert([...new Set(audience.contact_ids)].filter((id) => known.has(id)));
  } else {
    const segment = 'segment_id' in audience ? audience.segment_id : audience.filter;
    for await (const batch of audienceBatches(trx, segment, {
      numberId: c.phone_number_id,
      now,
      size: 1000,
    })) {
      await insert(batch);
    }
  }
  return ordinal;
}

/**
 * Takes back the campaign's sends still waiting in the outbox (not yet claimed by the sender) when
 * its template stopped being APPROVED: each outbox job is cancelled, its message fails with
 * TEMPLATE_NOT_APPROVED, and the recipient is pending again so a resume sends it. Returns the lowest
 * ordinal put back, or null.
 */
async function requeueQueued(trx: Kysely<DB>, campaignId: string, status: string, now: number) {
  const waiting = await trx
    .selectFrom('campaign_recipients as r')
    .innerJoin('outbox_jobs as o', 'o.message_id', 'r.message_id')
    .select(['r.ordinal', 'o.id as job_id', 'o.message_id'])
    .where('r.campaign_id', '=', campaignId)
    .where('r.state', '=', 'queued')
    .where('o.state', '=', 'queued')
    .execute();
  const reason = `The campaign paused: its template is ${status}, not APPROVED; this recipient is sent on resume.`;
  const error = JSON.stringify({
    code: 'TEMPLATE_NOT_APPROVED',
    title: reason,
    message: reason,
    error_data: { details: reason },
  });
  const moves: StatusMove[] = [];
  let lowest: number | null = null;
  for (const w of waiting) {
    const done = await trx
      .updateTable('outbox_jobs')
      .set({ state: 'cancelled', last_error_json: error, finished_at: now, updated_at: now })
      .where('id', '=', w.job_id)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0 || w.message_id === null) continue;
    moves.push({ messageId: w.message_id, to: 'failed', from: ['queued'], error });
    await trx
      .updateTable('campaign_recipients')
      .set({ state: 'pending', message_id: null, queued_at: null, updated_at: now })
      .where('campaign_id', '=', campaignId)
      .where('ordinal', '=', w.ordinal)
      .execute();
    lowest = lowest === null ? w.ordinal : Math.min(lowest, w.ordinal);
  }
  await transitionStatuses(trx, { moves, at: now });
  return lowest;
}

/**
 * The fan-out of one campaign, one step per run: starts it (snapshot of the audience) on its first
 * run, then queues the next recipients through `enqueueSend` in one transaction, where the one send
 * policy decides each (consent, window, template) and a refusal is recorded on the recipient with
 * its code. It keeps at most {@link FANOUT_WINDOW_SECONDS} of the number's throughput queued, so the
 * sender (which lets live conversations overtake campaign sends) sets the pace, a pause takes effect
 * within that window, and an opt-out during the send meets most recipients at enqueue. Each run
 * schedules the next; a run whose step is stale (a duplicate) does nothing.
 */
export const campaignFanoutJob = defineJob({
  id: 'campaigns.fanout',
  schema,
  retry: { attempts: 10, backoffMs: 2_000, maxBackoffMs: 60_000 },
  async handler(payload, { deps }: JobContext<AppDeps>) {
    await runFanoutStep(deps, payload);
  },
});

/** One step of {@link campaignFanoutJob} (exported for tests that drive it by hand). */
export async function runFanoutStep(
  deps: Pick<AppDeps, 'database' | 'clock' | 'config' | 'signals'>,
  payload: { campaign_id: string; step: number },
): Promise<'stale' | 'waiting' | 'queued' | 'completed' | 'stopped'> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const card = await loadRateCard({ db, dataDir: deps.config.dataDir, now });
  const result = await db.transaction().execute(async (trx) => {
    // Fencing: only the run of the current step goes on (and holds the row on PostgreSQL).
    const fenced = await trx
      .updateTable('campaigns')
      .set({ fanout_step: payload.step + 1, state: 'running', updated_at: now })
      .where('id', '=', payload.campaign_id)
      .where('fanout_step', '=', payload.step)
      .where('state', 'in', ['running', 'scheduled'])
      .returningAll()
      .executeTakeFirst();
    if (!fenced) return { outcome: 'stale' as const, numbers: [] as string[] };
    let c = fenced;
    if (c.started_at === null) {
      const total = await materialize(trx, c, now);
      c = await trx
        .updateTable('campaigns')
        .set({ started_at: now, total_recipients: total })
        .where('id', '=', c.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(
        trx,
        {
          type: 'campaign.changed',
          phoneNumberId: c.phone_number_id,
          payload: { campaign_id: c.id, action: 'started', actor: null },
        },
        now,
      );
    }
    // A template Meta paused or disabled stops the fan-out: the campaign pauses (resume when it is
    // APPROVED again) rather than every remaining recipient being refused, and takes back what still
    // waits in the outbox. A send the sender claimed before meets the one send policy at dispatch,
    // which refuses a template that is not APPROVED (or Meta answers 132015/132016).
    const stored = await trx
      .selectFrom('templates')
      .select(['status', 'components_json', 'parameter_format'])
      .where('waba_id', '=', c.waba_id)
      .where('name', '=', c.template_name)
      .where('language', '=', c.template_language)
      .executeTakeFirst();
    if (stored && stored.status.toUpperCase() !== 'APPROVED') {
      const back = await requeueQueued(trx, c.id, stored.status, now);
      await trx
        .updateTable('campaigns')
        .set({
          state: 'paused',
          updated_at: now,
          ...(back === null ? {} : { next_ordinal: Math.min(back, c.next_ordinal) }),
        })
        .where('id', '=', c.id)
        .execute();
      await recordEvent(
        trx,
        {
          type: 'campaign.changed',
          phoneNumberId: c.phone_number_id,
          payload: { campaign_id: c.id, action: 'paused', actor: null },
        },
        now,
      );
      return { outcome: 'stopped' as const, numbers: [] };
    }
    const number = await trx
      .selectFrom('phone_numbers')
      .select(['throughput_mps'])
      .where('id', '=', c.phone_number_id)
      .executeTakeFirstOrThrow();
    const outstandingRow = await trx
      .selectFrom('campaign_recipients as r')
      .innerJoin('outbox_jobs as o', 'o.message_id', 'r.message_id')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('r.campaign_id', '=', c.id)
      .where('o.state', 'in', ['queued', 'sending'])
      .executeTakeFirstOrThrow();
    const outstanding = Number(outstandingRow.n);
    const window = Math.max(FANOUT_BATCH, Math.max(1, Number(number.throughput_mps)) * FANOUT_WINDOW_SECONDS);
    const room = Math.min(FANOUT_BATCH, window - outstanding);
    const next = async (runAt: number) => {
      await enqueueJob(trx, campaignFanoutJob, { campaign_id: c.id, step: payload.step + 1 }, { now, runAt });
    };
    if (room <= 0) {
      await next(now + FULL_WAIT_MS);
      return { outcome: 'waiting' as const, numbers: [] };
    }
    const recipients = await trx
      .selectFrom('campaign_recipients as r')
      .innerJoin('contacts as ct', 'ct.id', 'r.contact_id')
      .select([
        'r.ordinal',
        'r.contact_id',
        'ct.wa_id',
        'ct.profile_name',
        'ct.address_book_first_name',
        'ct.address_book_name',
        'ct.attributes_json',
      ])
      .where('r.campaign_id', '=', c.id)
      .where('r.state', '=', 'pending')
      .where('r.ordinal', '>=', c.next_ordinal)
      .orderBy('r.ordinal')
      .limit(room)
      .execute();
    if (recipients.length === 0) {
      if (outstanding > 0) {
        await next(now + FULL_WAIT_MS);
        return { outcome: 'waiting' as const, numbers: [] };
      }
      await trx
        .updateTable('campaigns')
        .set({ state: 'completed', finished_at: now, updated_at: now })
        .where('id', '=', c.id)
        .execute();
      await recordEvent(
        trx,
        {
          type: 'campaign.changed',
          phoneNumberId: c.phone_number_id,
          payload: { campaign_id: c.id, action: 'completed', actor: null },
        },
        now,
      );
      return { outcome: 'completed' as const, numbers: [] };
    }
    const parameters = parseJsonOr<CampaignParameters>(c.parameters_json, {});
    const template = {
      name: c.template_name,
      language: c.template_language,
      shape: stored ? templateShape(stored) : undefined,
    };
    let nextOrdinal = c.next_ordinal;
    for (const r of recipients) {
      let update: {
        state: 'queued' | 'refused';
        message_id?: string;
        queued_at?: number;
        refusal_code?: string;
        refusal_message?: string;
      };
      try {
        const prepared = prepareSend(templateContentFor(template, parameters, r));
        const sent = await enqueueSend(trx, {
          recipient: { contactId: r.contact_id },
          prepared,
          origin: 'campaign',
          rateCard: card,
          now,
        });
        update = { state: 'queued', message_id: sent.message.id, queued_at: now };
      } catch (error) {
        // The template stopped being APPROVED while this batch was queued: this recipient and the
        // rest stay pending, and the next step pauses the campaign.
        if (error instanceof AppError && error.code === 'TEMPLATE_NOT_APPROVED') break;
        if (error instanceof AppError) {
          update = { state: 'refused', refusal_code: error.code, refusal_message: error.message };
        } else if (error instanceof MissingParameter) {
          update = {
            state: 'refused',
            refusal_code: 'TEMPLATE_PARAMETERS_INVALID',
            refusal_message: error.message,
          };
        } else throw error;
      }
      await trx
        .updateTable('campaign_recipients')
        .set({ ...update, updated_at: now })
        .where('campaign_id', '=', c.id)
        .where('ordinal', '=', r.ordinal)
        .execute();
      nextOrdinal = r.ordinal + 1;
    }
    await trx.updateTable('campaigns').set({ next_ordinal: nextOrdinal }).where('id', '=', c.id).execute();
    await recordEvent(
      trx,
      {
        type: 'campaign.changed',
        phoneNumberId: c.phone_number_id,
        payload: { campaign_id: c.id, action: 'progress', actor: null },
      },
      now,
    );
    await next(now);
    return { outcome: 'queued' as const, numbers: [c.phone_number_id] };
  });
  deps.signals.emit('jobs');
  notifyEnqueued(deps, result.numbers);
  return result.outcome;
}

/** Resumes the fan-out at the campaign's current step (start, resume). */
export async function scheduleFanout(
  trx: Kysely<DB>,
  campaign: { id: string; fanout_step: number },
  input: { now: number; runAt?: number },
): Promise<void> {
  await enqueueJob(trx, campaignFanoutJob, { campaign_id: campaign.id, step: campaign.fanout_step }, input);
}

export type FanoutOutcome = Awaited<ReturnType<typeof runFanoutStep>>;
export const stoppedStates = ['paused', 'cancelled', 'completed'] as const;
