import type { Kysely, Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';
import type { PhoneNumberRow } from '../numbers/number.table.ts';
import { raiseAlert } from '../outbound/alerts.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import {
  appOpenCheck,
  CHECK_INFO,
  CHECK_NAMES,
  type CheckName,
  type CheckResult,
  connectionCheck,
  ECHO_BASELINE_WINDOW_MS,
  echoesCheck,
  historyCheck,
  qualityCheck,
  subscriptionCheck,
  templatesCheck,
  webhookLagCheck,
} from './checks.ts';
import type { CheckState, SyncHealthCheckRow } from './sync-health.table.ts';

/** The alert code a failing or warning check raises (`SYNC_HEALTH_CONNECTION`, …). */
export const alertCodeOf = (check: CheckName) => `SYNC_HEALTH_${check.toUpperCase()}`;
/** Raised once when a number that was offboarded or removed is connected again. */
export const RECONNECTED_ALERT = 'NUMBER_RECONNECTED';

const BAD: readonly CheckState[] = ['warning', 'failing'];

/** The checks read from the hub's own database (no Graph call). */
async function localChecks(db: Kysely<DB>, row: PhoneNumberRow, now: number): Promise<CheckResult[]> {
  const echoes = await db
    .selectFrom('messages')
    .select('received_at')
    .where('phone_number_id', '=', row.id)
    .where('origin', '=', 'business_app')
    .where('received_at', '>=', now - ECHO_BASELINE_WINDOW_MS)
    .orderBy('received_at', 'desc')
    .limit(500)
    .execute();
  const echoTimes = echoes.map((e) => Number(e.received_at));
  let appActivityAt = row.last_echo_at === null ? null : Number(row.last_echo_at);
  if (appActivityAt === null) {
    const history = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('timestamp').as('at'))
      .where('phone_number_id', '=', row.id)
      .where('origin', '=', 'history')
      .where('direction', '=', 'outbound')
      .executeTakeFirst();
    appActivityAt = history?.at == null ? null : Number(history.at);
  }
  const request = await db
    .selectFrom('number_sync_requests')
    .select('requested_at')
    .where('phone_number_id', '=', row.id)
    .where('sync_type', '=', 'history')
    .orderBy('requested_at', 'desc')
    .executeTakeFirst();
  const pending = await db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.min('received_at').as('oldest'))
    .where('state', '=', 'pending')
    .executeTakeFirst();
  const paused = await db
    .selectFrom('templates')
    .select(['name', 'language'])
    .where('waba_id', '=', row.waba_id)
    .where('status', '=', 'PAUSED')
    .orderBy('name')
    .execute();
  return [
    connectionCheck(row),
    echoesCheck({ row, echoTimes, now }),
    appOpenCheck({ appActivityAt, now }),
    historyCheck({ row, requestedAt: request ? Number(request.requested_at) : null, now }),
    webhookLagCheck({ oldestPendingAt: pending?.oldest == null ? null : Number(pending.oldest), now }),
    templatesCheck(paused),
  ];
}

/** The checks that ask Meta: the app's webhook subscription and the quality rating. */
async function graphChecks(deps: AppDeps, row: PhoneNumberRow): Promise<CheckResult[]> {
  const [apps, phone] = await Promise.all([
    deps.graph.listSubscribedApps(row.waba_id),
    deps.graph.getPhoneNumber(row.id),
  ]);
  return [
    subscriptionCheck(apps.ok ? { ok: true, apps: apps.value } : { ok: false, message: apps.error.message }),
    qualityCheck(
      phone.ok
        ? { ok: true, rating: phone.value.qualityRating }
        : { ok: false, message: phone.error.message },
    ),
  ];
}

/**
 * Stores one check's result. A change of state records `number.sync_health_changed` (so outbound
 * webhooks and the realtime stream see it) and, into warning or failing, raises the check's alert;
 * back to ok it resolves that alert, and a connection back to ok raises "reconnected".
 */
async function applyResult(
  trx: Transaction<DB>,
  input: { row: PhoneNumberRow; result: CheckResult; previous: SyncHealthCheckRow | undefined; now: number },
): Promise<boolean> {
  const { row, result, previous, now } = input;
  const details = result.details === undefined ? null : JSON.stringify(result.details);
  const changed = previous?.state !== result.state;
  if (!previous) {
    await trx
      .insertInto('sync_health_checks')
      .values({
        phone_number_id: row.id,
        check_name: result.check,
        state: result.state,
        summary: result.summary,
        details_json: details,
        since: now,
        checked_at: now,
      })
      .execute();
  } else {
    await trx
      .updateTable('sync_health_checks')
      .set({
        state: result.state,
        summary: result.summary,
        details_json: details,
        checked_at: now,
        ...(changed ? { since: now } : {}),
      })
      .where('phone_number_id', '=', row.id)
      .where('check_name', '=', result.check)
      .execute();
  }
  // A first result that is fine (or not known) is no news.
  if (!changed || (!previous && !BAD.includes(result.state))) return false;
  await recordEvent(
    trx,
    {
      type: 'number.sync_health_changed',
      phoneNumberId: row.id,
      payload: {
        phone_number_id: row.id,
        check: result.check,
        from: previous?.state ?? null,
        to: result.state,
        summary: result.summary,
      },
    },
    now,
  );
  const info = CHECK_INFO[result.check];
  if (BAD.includes(result.state)) {
    await raiseAlert(trx, {
      phoneNumberId: row.id,
      wabaId: row.waba_id,
      code: alertCodeOf(result.check),
      title: info.alertTitle,
      message: `${result.summary} ${info.fix}`,
      details: { check: result.check, state: result.state, ...(result.details ?? {}) },
      now,
    });
  } else if (result.state === 'ok') {
    await trx
      .updateTable('alerts')
      .set({ resolved_at: now, resolved_by: null })
      .where('phone_number_id', '=', row.id)
      .where('code', '=', alertCodeOf(result.check))
      .where('resolved_at', 'is', null)
      .execute();
    if (result.check === 'connection' && previous?.state === 'failing')
      await raiseAlert(trx, {
        phoneNumberId: row.id,
        wabaId: row.waba_id,
        code: RECONNECTED_ALERT,
        title: 'The number is connected again',
        message:
          'The number reconnected after being offboarded or removed. The one-time contacts and history syncs apply to this new onboarding: request them within 24 hours if they are wanted.',
        details: { check: 'connection' },
        now,
      });
  }
  return true;
}

/**
 * Runs the sync-health checks of every number (or of `phoneNumberIds`) at `now` and stores the
 * results with their transitions. With `probeGraph`, also asks Meta for the webhook subscription
 * and the quality rating (the periodic job and "check now"); without, those keep their last result.
 * Returns how many checks changed state.
 */
export async function runSyncHealthChecks(
  deps: AppDeps,
  input: { now: number; probeGraph: boolean; phoneNumberIds?: readonly string[] },
): Promise<{ numbers: number; changed: number }> {
  const db = deps.database.db;
  let q = db.selectFrom('phone_numbers').selectAll();
  if (input.phoneNumberIds) {
    if (input.phoneNumberIds.length === 0) return { numbers: 0, changed: 0 };
    q = q.where('id', 'in', [...input.phoneNumberIds]);
  }
  const rows = await q.orderBy('id').execute();
  let changed = 0;
  for (const row of rows) {
    const results = await localChecks(db, row, input.now);
    if (input.probeGraph) results.push(...(await graphChecks(deps, row)));
    changed += await withEvents(deps, async (trx) => {
      const previous = await trx
        .selectFrom('sync_health_checks')
        .selectAll()
        .where('phone_number_id', '=', row.id)
        .execute();
      let n = 0;
      for (const result of results) {
        const before = previous.find((p) => p.check_name === result.check);
        if (await applyResult(trx, { row, result, previous: before, now: input.now })) n += 1;
      }
      return n;
    });
  }
  return { numbers: rows.length, changed };
}

/** The stored checks of one number, every check listed (a check never run yet is `unknown`). */
export async function syncHealthOf(db: Kysely<DB>, phoneNumberId: string) {
  const rows = await db
    .selectFrom('sync_health_checks')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .execute();
  return CHECK_NAMES.map((check) => {
    const row = rows.find((r) => r.check_name === check);
    const info = CHECK_INFO[check];
    return {
      check,
      title: info.title,
      state: (row?.state ?? 'unknown') as CheckState,
      summary: row?.summary ?? 'Not checked yet.',
      what_to_do: row && BAD.includes(row.state) ? info.fix : null,
      details: row?.details_json ? (JSON.parse(row.details_json) as Record<string, unknown>) : null,
      since: row ? Number(row.since) : null,
      checked_at: row ? Number(row.checked_at) : null,
    };
  });
}
