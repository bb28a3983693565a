import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';

type Breach = {
  conversation_id: string;
  phone_number_id: string;
  cycle: number;
  kind: 'first_response' | 'resolution';
  target_ms: number;
  due_at: number;
  assignee_user_id: string | null;
  team_id: string | null;
};

/**
 * Finds the open cycles that missed their number's targets at `now`: no human first response by
 * the first-response clock + target, or not resolved by the cycle's start + target. Each breach is
 * raised once per cycle and kind (a unique key), with `sla.breached`, which the realtime stream and
 * outbound webhooks carry. Returns how many were raised.
 */
export async function checkSlas(db: Kysely<DB>, now: number): Promise<number> {
  const rows = await db
    .selectFrom('analytics_conversations as a')
    .innerJoin('analytics_number_settings as s', 's.phone_number_id', 'a.phone_number_id')
    .select([
      'a.conversation_id',
      'a.phone_number_id',
      'a.cycle',
      'a.frt_clock_at',
      'a.first_response_at',
      'a.cycle_started_at',
      'a.assignee_user_id',
      'a.team_id',
      's.first_response_target_ms',
      's.resolution_target_ms',
    ])
    .where('a.state', '=', 'open')
    .where((eb) =>
      eb.or([eb('s.first_response_target_ms', 'is not', null), eb('s.resolution_target_ms', 'is not', null)]),
    )
    .execute();
  const due: Breach[] = [];
  for (const r of rows) {
    const base = {
      conversation_id: r.conversation_id,
      phone_number_id: r.phone_number_id,
      cycle: r.cycle,
      assignee_user_id: r.assignee_user_id,
      team_id: r.team_id,
    };
    const frt = r.first_response_target_ms === null ? null : Number(r.first_response_target_ms);
    if (
      frt !== null &&
      r.first_response_at === null &&
      r.frt_clock_at !== null &&
      Number(r.frt_clock_at) + frt <= now
    )
      due.push({ ...base, kind: 'first_response', target_ms: frt, due_at: Number(r.frt_clock_at) + frt });
    const res = r.resolution_target_ms === null ? null : Number(r.resolution_target_ms);
    if (res !== null && Number(r.cycle_started_at) + res <= now)
      due.push({ ...base, kind: 'resolution', target_ms: res, due_at: Number(r.cycle_started_at) + res });
  }
  let raised = 0;
  for (const b of due) {
    raised += await db.transaction().execute(async (trx) => {
      const id = newId();
      const inserted = await trx
        .insertInto('sla_breaches')
        .values({ id, ...b, created_at: now })
        .onConflict((oc) => oc.columns(['conversation_id', 'cycle', 'kind']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return 0;
      await recordEvent(
        trx,
        {
          type: 'sla.breached',
          phoneNumberId: b.phone_number_id,
          payload: {
            breach_id: id,
            conversation_id: b.conversation_id,
            kind: b.kind,
            target_ms: b.target_ms,
            due_at: b.due_at,
            assignee_user_id: b.assignee_user_id,
            team_id: b.team_id,
          },
        },
        now,
      );
      return 1;
    });
  }
  return raised;
}

/** Checks response SLAs every minute. */
export const slaCheckJob = defineJob({
  id: 'sla.check',
  schema: z.object({}),
  schedule: { everyMs: 60_000, firstRunMs: 10_000 },
  async handler(_payload, { deps }: JobContext<AppDeps>) {
    const raised = await checkSlas(deps.database.db, deps.clock.now());
    if (raised > 0) {
      deps.logger.info({ breaches: raised }, 'response SLA breaches raised');
      deps.signals.emit('events');
    }
  },
});
