/**
 * The waits between attempts of a delivery (Svix's schedule): immediately, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h: eight attempts over about 27.5 hours.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Attempts in all, the first included. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Up to this share is added to each wait, so endpoints that failed together do not retry together. */
export const JITTER = 0.1;

/** The longest `Retry-After` honoured; a longer one is capped (the schedule still ends). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** An endpoint failing for this long without a success is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

/**
 * `Retry-After` as milliseconds from `now`: delta seconds or an HTTP date; null when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

/**
 * When the attempt after `attemptsMade` failed attempts is due, or null when none is left. The wait
 * is the schedule's plus jitter (`random` in [0, 1)), and never earlier than the receiver's
 * `Retry-After`.
 */
export function nextAttemptAt(input: {
  attemptsMade: number;
  now: number;
  retryAfterMs: number | null;
  random?: () => number;
}): number | null {
  const base = RETRY_DELAYS_MS[input.attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 + JITTER * (input.random ?? Math.random)()));
  return input.now + Math.max(jittered, input.retryAfterMs ?? 0);
}
