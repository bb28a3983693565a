import { isDatabaseUnavailable } from '../platform/db/database-errors.ts';

/** PostgreSQL's deadlock (40P01), serialization failure (40001) and lock not available (55P03). */
export function isContentionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '55P03';
}

/** Contention, or the database away: not the work's fault, so the same work may succeed later. */
export function isRetryableDbError(error: unknown): boolean {
  return isContentionError(error) || isDatabaseUnavailable(error);
}

/**
 * Runs `fn`, trying again on contention (deadlock, serialization failure) with exponential backoff
 * and full jitter (`baseMs` · 2^n, capped at `maxMs`, a random part of it), so transactions that
 * collided do not collide again in step; by default about 8 tries over up to ~10 s, long enough
 * to outlast a burst of contention. Other errors are thrown at once.
 */
export async function withDbRetry<T>(
  fn: () => Promise<T>,
  options: { attempts?: number; baseMs?: number; maxMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseMs ?? 25;
  const max = options.maxMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isContentionError(error) || attempt >= attempts) throw error;
      const ceiling = Math.min(max, base * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}
