/** Token buckets: one per phone number (throughput, 130429) and one per (number, recipient) pair (131056). */
interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly numberBuckets = new Map<string, Bucket>();
  private readonly pairBuckets = new Map<string, Bucket>();
  enabled: boolean;

  constructor(
    enabled: boolean,
    private readonly pair: { burst: number; everyMs: number },
  ) {
    this.enabled = enabled;
  }

  /** Takes one token of the number's throughput bucket (capacity and refill = mps); false when empty. */
  takeThroughput(phoneNumberId: string, mps: number, now: number): boolean {
    if (!this.enabled) return true;
    return take(this.numberBuckets, phoneNumberId, { capacity: mps, perMs: mps / 1000, now });
  }

  /** Takes one token of the pair bucket (burst 45, one per 6 s by default); false when empty. */
  takePair(phoneNumberId: string, waId: string, now: number): boolean {
    if (!this.enabled) return true;
    return take(this.pairBuckets, `${phoneNumberId}:${waId}`, {
      capacity: this.pair.burst,
      perMs: 1 / this.pair.everyMs,
      now,
    });
  }

  /** Gives back a token taken for a send that was rejected later in validation. */
  refundPair(phoneNumberId: string, waId: string): void {
    const b = this.pairBuckets.get(`${phoneNumberId}:${waId}`);
    if (b) b.tokens += 1;
  }
}

function take(
  buckets: Map<string, Bucket>,
  key: string,
  o: { capacity: number; perMs: number; now: number },
): boolean {
  let b = buckets.get(key);
  if (!b) {
    b = { tokens: o.capacity, updatedAt: o.now };
    buckets.set(key, b);
  }
  b.tokens = Math.min(o.capacity, b.tokens + Math.max(0, o.now - b.updatedAt) * o.perMs);
  b.updatedAt = o.now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}
