import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import type { ConversationRow } from '../conversations/conversation.table.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import type { Actor } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { enqueueJob } from '../platform/jobs/job.repository.ts';
import { conversationFor } from './conversation-access.ts';
import { conversationView } from './conversation-actions.ts';
import { snoozeEndJob } from './snooze-end.job.ts';
import { numberTimeZone, type SnoozePreset, snoozePresetTimes } from './snooze-presets.ts';
import { endSnoozeInTransaction } from './snooze-wake.ts';

/*
 * Snooze (docs/inbox.md): a snoozed conversation is `pending` with `snoozed_until`, so it leaves
 * the open list; it comes back (`open`) when its time comes (the `inbox.snooze-end` job), when the
 * customer writes (`snooze.subscriber.ts`) or when an operator wakes it. Operators, rules
 * (automation's `snooze` action) and bots all go through these functions.
 */

/** The longest snooze: a year. */
const MAX_SNOOZE_MS = 366 * 24 * 3_600_000;
const MIN_SNOOZE_MS = 60_000;

/**
 * Snoozes a conversation until `until` in the caller's transaction: it becomes `pending`, a job
 * wakes it at `until`, and `conversation.snoozed` is recorded. Snoozing again moves the time (the
 * earlier job finds a different `snoozed_until` and does nothing).
 */
export async function snoozeInTransaction(
  trx: Kysely<DB>,
  input: { row: ConversationRow; until: number; actor: Actor; now: number; by?: string | null },
): Promise<void> {
  const { row, until, actor, now } = input;
  const by = input.by ?? actor.id;
  await trx
    .updateTable('conversations')
    .set({ status: 'pending', snoozed_until: until, snoozed_by: by, updated_at: now })
    .where('id', '=', row.id)
    .execute();
  await enqueueJob(trx, snoozeEndJob, { conversation_id: row.id, until }, { now, runAt: until });
  await recordEvent(
    trx,
    {
      type: 'conversation.snoozed',
      phoneNumberId: row.phone_number_id,
      payload: { conversation_id: row.id, until, actor },
    },
    now,
  );
}

/** The presets offered for a conversation, in its number's time zone. */
export async function snoozeOptions(deps: AppDeps, input: { principal: Principal; conversationId: string }) {
  const db = deps.database.db;
  const { row } = await conversationFor(db, input.principal, input.conversationId);
  const timeZone = await numberTimeZone(db, row.phone_number_id);
  const times = snoozePresetTimes(deps.clock.now(), timeZone);
  return {
    time_zone: timeZone,
    options: Object.entries(times).map(([preset, until]) => ({
      preset: preset as SnoozePreset,
      until: new Date(until).toISOString(),
    })),
  };
}

/**
 * Snoozes a conversation until a preset (in its number's time zone) or a chosen time, for an
 * operator (`POST /api/conversations/:id/snooze`).
 */
export async function snoozeConversation(
  deps: AppDeps,
  input: {
    principal: Principal;
    conversationId: string;
    preset?: SnoozePreset | undefined;
    until?: number | undefined;
  },
) {
  const db = deps.database.db;
  const { row } = await conversationFor(db, input.principal, input.conversationId);
  const now = deps.clock.now();
  let until = input.until;
  if (input.preset) {
    until = snoozePresetTimes(now, await numberTimeZone(db, row.phone_number_id))[input.preset];
    if (until === undefined) {
      throw new AppError('VALIDATION_FAILED', 'It is too late for “tonight”; pick another time.', {
        preset: input.preset,
      });
    }
  }
  if (until === undefined) throw new AppError('VALIDATION_FAILED', 'Give a preset or a time (until).');
  if (until < now + MIN_SNOOZE_MS || until > now + MAX_SNOOZE_MS) {
    throw new AppError('VALIDATION_FAILED', 'A snooze ends between one minute and one year from now.', {
      until: new Date(until).toISOString(),
    });
  }
  const snoozeUntil = until;
  await withEvents(deps, (trx) =>
    snoozeInTransaction(trx, {
      row,
      until: snoozeUntil,
      actor: actorOf(input.principal),
      now,
      by: input.principal.userId ?? input.principal.id,
    }),
  );
  return conversationView(deps, input.principal, row.id);
}

/** Wakes a snoozed conversation now (`DELETE /api/conversations/:id/snooze`). */
export async function unsnoozeConversation(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string },
) {
  const db = deps.database.db;
  const { row } = await conversationFor(db, input.principal, input.conversationId);
  if (row.snoozed_until === null) throw new AppError('CONFLICT', 'This conversation is not snoozed.');
  await withEvents(deps, (trx) =>
    endSnoozeInTransaction(trx, {
      row,
      reason: 'operator',
      actor: actorOf(input.principal),
      now: deps.clock.now(),
    }),
  );
  return conversationView(deps, input.principal, row.id);
}
