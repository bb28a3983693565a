/**
 * Foreground first. One Node event loop (and, on SQLite, one writer) serves both the foreground
 * (acknowledging webhooks, which Meta times and retries) and the background (applying them, then
 * the durable subscribers). While the foreground is saturated (its group commits carry many
 * requests at once), the background as a whole gets at most a share of the time: every background
 * slice is timed, and the next slice of any worker waits until the others' time is paid back. The
 * share grows with the background's lag (the age of the oldest webhook it applies), so a burst is
 * absorbed at the full acknowledgement rate while a sustained overload slows the acknowledgements
 * (backpressure on Meta) instead of letting the backlog grow without end. When the foreground is
 * not saturated nobody waits (the background uses all the idle time).
 */
export type LoopShare = {
  /** The foreground just committed `requests` at once. */
  foreground(requests: number): void;
  /** True while the foreground is saturated. */
  saturated(): boolean;
  /** Resolves when background work may run its next slice. */
  turn(): Promise<void>;
  /** A background slice ran `ms`; `lagMs`, when known, is how long its oldest work had waited. */
  ran(ms: number, lagMs?: number): void;
  /**
   * Runs `fn` as one background slice: waits its turn, and while the foreground is saturated runs
   * alone (slices of several workers, or of one worker's concurrent lanes, would overlap in wall
   * time and each count only its own), then pays its time back (`ran`), whether it threw or not.
   * `lagOf` reads the lag from the slice's result. Needed wherever the background runs concurrent
   * slices (PostgreSQL: two webhook drains, subscribers side by side): their time is round trips to
   * a server on the same cores as much as this event loop.
   */
  slice<T>(fn: () => Promise<T>, lagOf?: (result: T) => number | undefined): Promise<T>;
  /** The background's share of the time right now (0 to 1; 1 when the foreground is not saturated). */
  share(): number;
};

export type LoopShareOptions = {
  /** Requests in one foreground commit that mean it is saturated; 16. */
  readonly saturatedAt?: number;
  /** How long one saturated commit counts; 250 ms. */
  readonly windowMs?: number;
  /** The background's share while saturated and not lagging; 0.2. */
  readonly minShare?: number;
  /** The share once the lag reaches `fullLagMs`; 0.75. */
  readonly maxShare?: number;
  /** Lag below which the share stays at `minShare`; 5 s. */
  readonly lagFloorMs?: number;
  /** Lag at which the share reaches `maxShare`; 20 s. */
  readonly fullLagMs?: number;
  /** Longest single wait, so a stale debt never parks a worker; 500 ms. */
  readonly maxWaitMs?: number;
  readonly now?: () => number;
};

export function createLoopShare(options: LoopShareOptions = {}): LoopShare {
  const saturatedAt = options.saturatedAt ?? 16;
  const windowMs = options.windowMs ?? 250;
  const minShare = options.minShare ?? 0.2;
  const maxShare = options.maxShare ?? 0.75;
  const lagFloorMs = options.lagFloorMs ?? 5_000;
  const fullLagMs = options.fullLagMs ?? 20_000;
  const maxWaitMs = options.maxWaitMs ?? 500;
  const now = options.now ?? (() => performance.now());
  let saturatedUntil = Number.NEGATIVE_INFINITY;
  let nextAt = Number.NEGATIVE_INFINITY;
  let lagMs = 0;
  /** The slice running alone while saturated, if any. */
  let alone: Promise<void> | null = null;

  const saturated = () => now() < saturatedUntil;
  const share = () => {
    if (!saturated()) return 1;
    if (lagMs <= lagFloorMs) return minShare;
    const k = Math.min(1, (lagMs - lagFloorMs) / Math.max(1, fullLagMs - lagFloorMs));
    return minShare + k * (maxShare - minShare);
  };

  const turn = async () => {
    while (saturated()) {
      const wait = Math.min(nextAt - now(), maxWaitMs);
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const ran = (ms: number, lag?: number) => {
    if (lag !== undefined) lagMs = lag;
    const s = share();
    if (s >= 1) {
      nextAt = Number.NEGATIVE_INFINITY;
      return;
    }
    // `ms` of background time buys the foreground ms × (1 − s) / s before the next slice.
    nextAt = Math.max(nextAt, now()) + (ms * (1 - s)) / s;
  };

  return {
    foreground(requests) {
      if (requests >= saturatedAt) saturatedUntil = now() + windowMs;
    },
    saturated,
    share,
    turn,
    ran,
    async slice(fn, lagOf) {
      let release: (() => void) | null = null;
      for (;;) {
        await turn();
        if (!saturated()) break;
        if (alone) {
          await alone;
          continue;
        }
        alone = new Promise<void>((resolve) => {
          release = resolve;
        });
        break;
      }
      const started = now();
      let lag: number | undefined;
      try {
        const result = await fn();
        lag = lagOf?.(result);
        return result;
      } finally {
        ran(now() - started, lag);
        if (release) {
          alone = null;
          (release as () => void)();
        }
      }
    },
  };
}
