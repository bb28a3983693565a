/**
 * A generic cell-rate limiter (GCRA, the token bucket in its scheduling form): `interval` ms per
 * message on average, up to `burst` messages at once. `nextAt()` says when the next message may
 * go; `take()` books it. Time is whatever monotonic ms the caller uses.
 */
export class Gcra {
  private tat = 0;
  constructor(
    private interval: number,
    private burst: number,
  ) {}

  /** Changes the rate, keeping what was booked. */
  setRate(interval: number, burst: number): void {
    this.interval = interval;
    this.burst = burst;
  }

  /** The earliest time at or after `now` at which one more message conforms. */
  nextAt(now: number): number {
    return Math.max(now, this.tat - (this.burst - 1) * this.interval);
  }

  /** Books one message at `at` (which must be >= nextAt). */
  take(at: number): void {
    this.tat = Math.max(this.tat, at) + this.interval;
  }

  /** True when nothing booked constrains the future any more (the limiter can be forgotten). */
  idle(now: number): boolean {
    return this.tat <= now;
  }

  /** Marks the limiter as if a message had just gone at `at` with no burst left (after a 131056). */
  exhaust(at: number): void {
    this.tat = Math.max(this.tat, at + this.burst * this.interval);
  }
}

/** Rates of one number: its throughput and the pair limit per recipient. */
export type RateSettings = {
  /** Messages per second the number may send (20 for coexistence numbers). */
  readonly mps: number;
  /** Share of the throughput the hub uses; the rest is headroom for mark-read and typing. */
  readonly utilisation: number;
  /** Pair limit: one message per `pairIntervalMs` to one recipient, with `pairBurst` at once. */
  readonly pairIntervalMs: number;
  readonly pairBurst: number;
};

export const DEFAULT_RATES: Omit<RateSettings, 'mps'> = {
  utilisation: 0.98,
  pairIntervalMs: 6000,
  pairBurst: 3,
};

/** A binary min-heap ordered by `less`. */
export class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i] as T, a[p] as T)) break;
      [a[i], a[p]] = [a[p] as T, a[i] as T];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as T;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l] as T, a[m] as T)) m = l;
        if (r < a.length && this.less(a[r] as T, a[m] as T)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as T, a[i] as T];
        i = m;
      }
    }
    return top;
  }
}
