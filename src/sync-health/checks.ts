import type { PhoneNumberRow } from '../numbers/number.table.ts';
import type { CheckState } from './sync-health.table.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The checks of a number, in the order the troubleshooting page lists them (`docs/sync-health.md`). */
export const CHECK_NAMES = [
  'connection',
  'webhook_subscription',
  'echoes',
  'app_open_rule',
  'history_import',
  'webhook_lag',
  'quality_rating',
  'templates',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Checks that need a Graph call; the others are read from the hub's own database. */
export const GRAPH_CHECKS: readonly CheckName[] = ['webhook_subscription', 'quality_rating'];

/** A history import with no progress for this long is stuck (Meta's one-time sync window is 24 h). */
export const HISTORY_STUCK_AFTER_MS = 24 * HOUR;
/** The 14-day app-open rule warns from day 12 and fails from day 14. */
export const APP_OPEN_WARN_DAYS = 12;
export const APP_OPEN_LIMIT_DAYS = 14;
/** Meta webhooks waiting longer than this to be processed make the lag check fail. */
export const WEBHOOK_LAG_THRESHOLD_MS = 5 * 60_000;
/** The echo baseline: echoes of the last 28 days, at least this many before silence is judged. */
export const ECHO_BASELINE_WINDOW_MS = 28 * DAY;
export const ECHO_BASELINE_MIN_ECHOES = 8;
/** Silence counts once it is this many times the number's own 90th-percentile gap between echoes… */
export const ECHO_SILENCE_FACTOR = 3;
/** …and at least this long, so a chatty number is not flagged after a quiet lunch. */
export const ECHO_SILENCE_MIN_MS = 6 * HOUR;

/** One check's title and, per state, what the operator should do about it. */
export const CHECK_INFO: Readonly<Record<CheckName, { title: string; fix: string; alertTitle: string }>> = {
  connection: {
    title: 'Connected to the Cloud API',
    alertTitle: 'The number is no longer connected',
    fix: 'Open the WhatsApp Business app on the phone (Settings > Account > Business Platform) and connect it again through onboarding (Embedded Signup). Stored conversations are kept; sending is paused until it reconnects.',
  },
  webhook_subscription: {
    title: "The hub's app receives the account's webhooks",
    alertTitle: "The hub's app is not subscribed to the business account's webhooks",
    fix: 'Subscribe the app again: POST /{waba_id}/subscribed_apps with the system user token (Meta Business Manager > WhatsApp accounts > the account > Partners), then check again.',
  },
  echoes: {
    title: 'Messages sent from the phone arrive (echoes)',
    alertTitle: 'No echoes from the phone for longer than usual',
    fix: 'Make sure the WhatsApp Business app is up to date, open on the phone and online (Wi-Fi or data). If the owner is writing from the phone and nothing arrives, check the webhook field smb_message_echoes in the app dashboard.',
  },
  app_open_rule: {
    title: '14-day app-open rule',
    alertTitle: 'The WhatsApp Business app must be opened soon',
    fix: 'Open the WhatsApp Business app on the primary phone: Meta disconnects a coexistence number whose app has not been opened for about 14 days.',
  },
  history_import: {
    title: 'Chat history import',
    alertTitle: 'The chat history import is stuck',
    fix: 'The one-time history sync can be requested only within 24 hours of onboarding. Check that the owner accepted sharing history on the phone and that the history webhook field is subscribed; if the window passed, reconnect the number to get a new one.',
  },
  webhook_lag: {
    title: 'Webhooks are processed promptly',
    alertTitle: 'Meta webhooks are waiting to be processed',
    fix: 'The hub stores webhooks and processes them in the background: check the hub is running, its database is healthy and the Failures page, and look at coexist_meta_webhook_processing_lag_seconds.',
  },
  quality_rating: {
    title: 'Quality rating',
    alertTitle: "The number's quality rating dropped",
    fix: 'Meta lowers the rating when customers block or report the number. Send fewer marketing messages, only to opted-in customers, and review the templates with low quality.',
  },
  templates: {
    title: 'Templates in use',
    alertTitle: 'A template is paused',
    fix: 'Meta pauses a template whose quality fell (3 h, then 6 h, then disabled). Edit the template or stop the campaign that uses it; paused templates cannot be sent.',
  },
};

/** The result of one check now. */
export type CheckResult = {
  readonly check: CheckName;
  readonly state: CheckState;
  readonly summary: string;
  readonly details?: Record<string, unknown>;
};

const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;

export function connectionCheck(row: PhoneNumberRow): CheckResult {
  if (row.connection_state === 'connected')
    return { check: 'connection', state: 'ok', summary: 'Connected to the Cloud API.' };
  if (row.connection_state === 'unknown')
    return { check: 'connection', state: 'unknown', summary: 'The connection state is not known yet.' };
  const reason = row.disconnection_reason ? ` (${row.disconnection_reason})` : '';
  const what =
    row.connection_state === 'offboarded'
      ? 'The business offboarded the number'
      : row.connection_state === 'uninstalled'
        ? 'The app was removed from the business account'
        : 'The partner was removed';
  return {
    check: 'connection',
    state: 'failing',
    summary: `${what}${reason}.`,
    details: {
      connection_state: row.connection_state,
      reason: row.disconnection_reason,
      initiated_by: row.disconnection_initiated_by,
    },
  };
}

/** The 90th percentile of the gaps between consecutive echo times (sorted or not). */
export function echoGapP90(times: readonly number[]): number | null {
  const sorted = [...times].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push((sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => a - b);
  return gaps[Math.min(gaps.length - 1, Math.ceil(0.9 * gaps.length) - 1)] ?? null;
}

/**
 * Echo silence judged against the number's own rhythm: the 90th-percentile gap between its echoes
 * of the last 28 days, times {@link ECHO_SILENCE_FACTOR}, and never under {@link ECHO_SILENCE_MIN_MS}.
 */
export function echoesCheck(input: {
  row: PhoneNumberRow;
  echoTimes: readonly number[];
  now: number;
}): CheckResult {
  const { row, echoTimes, now } = input;
  if (row.connection_state !== 'connected')
    return { check: 'echoes', state: 'unknown', summary: 'Not judged while the number is not connected.' };
  if (echoTimes.length < ECHO_BASELINE_MIN_ECHOES)
    return {
      check: 'echoes',
      state: 'unknown',
      summary: `Learning this number's rhythm: ${echoTimes.length} of ${ECHO_BASELINE_MIN_ECHOES} echoes seen in the last 28 days.`,
      details: { echoes: echoTimes.length },
    };
  const p90 = echoGapP90(echoTimes) ?? 0;
  const threshold = Math.max(ECHO_SILENCE_MIN_MS, ECHO_SILENCE_FACTOR * p90);
  const last = Math.max(...echoTimes);
  const silence = Math.max(0, now - last);
  const details = {
    echoes: echoTimes.length,
    usual_gap_p90_hours: hours(p90),
    threshold_hours: hours(threshold),
    silent_hours: hours(silence),
    last_echo_at: new Date(last).toISOString(),
  };
  if (silence > threshold)
    return {
      check: 'echoes',
      state: 'warning',
      summary: `No echo for ${hours(silence)} h; this number usually has one at least every ${hours(p90)} h (alert after ${hours(threshold)} h).`,
      details,
    };
  return {
    check: 'echoes',
    state: 'ok',
    summary: `Last echo ${hours(silence)} h ago, within this number's usual rhythm (alert after ${hours(threshold)} h).`,
    details,
  };
}

export function appOpenCheck(input: { appActivityAt: number | null; now: number }): CheckResult {
  if (input.appActivityAt === null)
    return {
      check: 'app_open_rule',
      state: 'unknown',
      summary: 'No sign of the Business app being used yet (no echo, no imported message).',
    };
  const days = Math.floor(Math.max(0, input.now - input.appActivityAt) / DAY);
  const left = Math.max(0, APP_OPEN_LIMIT_DAYS - days);
  const details = {
    last_app_activity_at: new Date(input.appActivityAt).toISOString(),
    day: days,
    days_left: left,
  };
  if (days >= APP_OPEN_LIMIT_DAYS)
    return {
      check: 'app_open_rule',
      state: 'failing',
      summary: `The app was last used ${days} days ago: Meta may disconnect the number now.`,
      details,
    };
  if (days >= APP_OPEN_WARN_DAYS)
    return {
      check: 'app_open_rule',
      state: 'warning',
      summary: `Day ${days} of 14 since the app was last used: open it within ${left} day${left === 1 ? '' : 's'}.`,
      details,
    };
  return {
    check: 'app_open_rule',
    state: 'ok',
    summary: `The app was used ${days} day${days === 1 ? '' : 's'} ago (${left} days left).`,
    details,
  };
}

export function historyCheck(input: {
  row: PhoneNumberRow;
  requestedAt: number | null;
  now: number;
}): CheckResult {
  const { row, now } = input;
  const state = row.history_state;
  if (state === 'not_requested')
    return { check: 'history_import', state: 'ok', summary: 'No history import was requested.' };
  if (state === 'complete' || state === 'complete_inferred')
    return { check: 'history_import', state: 'ok', summary: 'The history import is complete.' };
  if (state === 'declined')
    return {
      check: 'history_import',
      state: 'warning',
      summary: 'The owner declined sharing the chat history on the phone.',
      details: { history_state: state },
    };
  const started = input.requestedAt ?? row.onboarded_at ?? row.created_at;
  const lastProgress = Math.max(Number(started), Number(row.history_last_chunk_at ?? 0));
  const idle = Math.max(0, now - lastProgress);
  const details = {
    history_state: state,
    progress: Number(row.history_progress),
    requested_at: new Date(Number(started)).toISOString(),
    last_chunk_at: row.history_last_chunk_at
      ? new Date(Number(row.history_last_chunk_at)).toISOString()
      : null,
  };
  if (idle > HISTORY_STUCK_AFTER_MS)
    return {
      check: 'history_import',
      state: 'failing',
      summary: `The history import has made no progress for ${Math.floor(idle / HOUR)} h (${Number(row.history_progress)}%, ${state}).`,
      details,
    };
  return {
    check: 'history_import',
    state: 'ok',
    summary: `Importing history: ${Number(row.history_progress)}% (${state}).`,
    details,
  };
}

export function webhookLagCheck(input: { oldestPendingAt: number | null; now: number }): CheckResult {
  const lag = input.oldestPendingAt === null ? 0 : Math.max(0, input.now - input.oldestPendingAt);
  const details = { lag_seconds: Math.round(lag / 1000), threshold_seconds: WEBHOOK_LAG_THRESHOLD_MS / 1000 };
  if (lag > WEBHOOK_LAG_THRESHOLD_MS)
    return {
      check: 'webhook_lag',
      state: 'failing',
      summary: `The oldest unprocessed Meta webhook waited ${Math.round(lag / 1000)} s (threshold ${WEBHOOK_LAG_THRESHOLD_MS / 1000} s).`,
      details,
    };
  return {
    check: 'webhook_lag',
    state: 'ok',
    summary:
      lag === 0
        ? 'No Meta webhook is waiting.'
        : `The oldest unprocessed webhook waited ${Math.round(lag / 1000)} s.`,
    details,
  };
}

export function subscriptionCheck(
  result: { ok: true; apps: readonly { name: string | null }[] } | { ok: false; message: string },
): CheckResult {
  if (!result.ok)
    return {
      check: 'webhook_subscription',
      state: 'unknown',
      summary: `Could not ask Meta: ${result.message}`,
    };
  if (result.apps.length === 0)
    return {
      check: 'webhook_subscription',
      state: 'failing',
      summary: 'No app is subscribed to the business account: Meta sends the hub no webhooks.',
      details: { apps: [] },
    };
  return {
    check: 'webhook_subscription',
    state: 'ok',
    summary: `Subscribed: ${result.apps.map((a) => a.name ?? 'an app').join(', ')}.`,
    details: { apps: result.apps.map((a) => a.name) },
  };
}

export function qualityCheck(
  result: { ok: true; rating: string | null } | { ok: false; message: string },
): CheckResult {
  if (!result.ok)
    return { check: 'quality_rating', state: 'unknown', summary: `Could not ask Meta: ${result.message}` };
  const rating = result.rating ?? 'UNKNOWN';
  const details = { rating };
  if (rating === 'GREEN')
    return { check: 'quality_rating', state: 'ok', summary: 'High quality (GREEN).', details };
  if (rating === 'YELLOW')
    return { check: 'quality_rating', state: 'warning', summary: 'Medium quality (YELLOW).', details };
  if (rating === 'RED')
    return { check: 'quality_rating', state: 'failing', summary: 'Low quality (RED).', details };
  return { check: 'quality_rating', state: 'unknown', summary: `Meta reports ${rating}.`, details };
}

export function templatesCheck(paused: readonly { name: string; language: string }[]): CheckResult {
  if (paused.length === 0)
    return { check: 'templates', state: 'ok', summary: 'No template is paused.', details: { paused: [] } };
  const names = paused.map((t) => `${t.name} (${t.language})`);
  return {
    check: 'templates',
    state: 'warning',
    summary: `${paused.length} template${paused.length === 1 ? ' is' : 's are'} paused: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}.`,
    details: { paused: names },
  };
}
