import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  raw: string;
  signature: string | undefined;
  signatureValid: boolean;
  body: Record<string, unknown>;
}

/**
 * A minimal webhook receiver for tests: answers Meta's verify handshake, checks the signature
 * of each POST, records it, and can be told to fail (to exercise retries).
 */
export class TestReceiver {
  readonly posts: ReceivedPost[] = [];
  readonly handshakes: URLSearchParams[] = [];
  /** HTTP status answered to POSTs (200 = success). */
  failWith = 200;
  private server: Server | null = null;
  private waiters: (() => void)[] = [];
  url = '';

  constructor(
    private readonly appSecret = 'sandbox-app-secret',
    private readonly verifyToken = 'sandbox-verify-token',
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') {
        this.handshakes.push(u.searchParams);
        const ok =
          u.searchParams.get('hub.mode') === 'subscribe' &&
          u.searchParams.get('hub.verify_token') === this.verifyToken;
        res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
        res.end(ok ? (u.searchParams.get('hub.challenge') ?? '') : 'forbidden');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const signature = req.headers['x-hub-signature-256'] as string | undefined;
        const expected = Buffer.from(
          `sha256=${createHmac('sha256', this.appSecret).update(raw).digest('hex')}`,
        );
        const given = Buffer.from(signature ?? '');
        const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
        if (this.failWith === 200) {
          this.posts.push({
            raw: raw.toString('utf8'),
            signature,
            signatureValid,
            body: JSON.parse(raw.toString('utf8')),
          });
          const w = this.waiters;
          this.waiters = [];
          for (const f of w) f();
        }
        res.writeHead(this.failWith, { 'content-type': 'text/plain' });
        res.end(this.failWith === 200 ? 'EVENT_RECEIVED' : 'fail');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/meta`;
    return this;
  }

  /** Every change (`{ field, value }`) received so far, in arrival order. */
  changes(
    field?: string,
  ): { field: string; value: Record<string, unknown>; entryId: string; time?: unknown }[] {
    const out: { field: string; value: Record<string, unknown>; entryId: string; time?: unknown }[] = [];
    for (const p of this.posts) {
      for (const e of p.body.entry as {
        id: string;
        time?: unknown;
        changes: { field: string; value: Record<string, unknown> }[];
      }[]) {
        for (const c of e.changes)
          if (!field || c.field === field)
            out.push({ field: c.field, value: c.value, entryId: e.id, time: e.time });
      }
    }
    return out;
  }

  /** Items of one array (`messages`, `statuses`, `message_echoes` …) across every received change. */
  items(key: string, field?: string): Record<string, unknown>[] {
    return this.changes(field).flatMap((c) =>
      Array.isArray(c.value[key]) ? (c.value[key] as Record<string, unknown>[]) : [],
    );
  }

  /** Waits until `predicate` holds (checked after each POST), or fails after `ms` of real time. */
  async waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for webhooks');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50).unref();
      });
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
