/** A small seeded PRNG (mulberry32) so that a fixed seed gives the same world and the same ids. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick() from an empty list');
    return item;
  }

  /** Picks a key by weight: `{ text: 70, image: 10 }`. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= Math.max(0, weight);
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  digits(length: number): string {
    let out = String(this.int(1, 9));
    while (out.length < length) out += String(this.int(0, 9));
    return out;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    this.state = state >>> 0;
  }
}

/** Ids in Meta's formats: wamids are `wamid.` + base64, object ids are long digit strings. */
export class IdFactory {
  constructor(private readonly random: Random) {}

  /** A wamid in the shape Meta uses (`wamid.HBgL…`), built around the user's number. */
  wamid(waId: string): string {
    const head = Buffer.from([0x1c, 0x18, 0x0b]);
    const body = Buffer.concat([
      head,
      Buffer.from(waId.slice(-11).padStart(11, '0'), 'ascii'),
      Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]),
      Buffer.from(this.random.bytes(10).toString('hex').toUpperCase(), 'ascii'),
      Buffer.from([0x00]),
    ]);
    return `wamid.${body.toString('base64')}`;
  }

  /** A numeric Graph object id (media, templates, requests). */
  objectId(length = 16): string {
    return this.random.digits(length);
  }

  /** Lowercase hex of `bytes` random bytes (conversation ids, hashes). */
  hex(bytes = 16): string {
    return this.random.bytes(bytes).toString('hex');
  }

  traceId(): string {
    return this.random.bytes(16).toString('base64url').slice(0, 23);
  }
}
