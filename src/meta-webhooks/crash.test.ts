import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../database.ts';
import { APP_SECRET, VERIFY_TOKEN } from '../testing/test-app.ts';
import { envelope } from '../testing/webhook-harness.ts';
import { signBody } from './webhook.endpoint.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

type Hub = { child: ChildProcess; url: string };

function startHub(dbUrl: string): Promise<Hub> {
  const child = spawn(process.execPath, ['bin/coexist.mjs', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl,
      META_APP_SECRET: APP_SECRET,
      META_VERIFY_TOKEN: VERIFY_TOKEN,
      META_GRAPH_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m =
        /"url":"(http:\/\/[^"]+)"[^\n]*hub listening|hub listening[^\n]*"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: (m[1] ?? m[2]) as string });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}:\n${out}`));
    });
  });
}

function body(i: number): string {
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
    contacts: [{ profile: { name: `Customer ${i % 7}` }, wa_id: `1650555${String(1000 + (i % 7))}` }],
    messages: [
      {
        from: `1650555${String(1000 + (i % 7))}`,
        id: `wamid.CRASH${i}`,
        timestamp: String(1_750_000_000 + i),
        type: 'text',
        text: { body: `m${i}` },
      },
    ],
  });
}

describe('crash safety (real hub process, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coexist-crash-'));
  const dbUrl = `sqlite:${join(dir, 'hub.db')}`;
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged webhook exactly once across a SIGKILL and restart', async () => {
    const first = await startHub(dbUrl);
    children.push(first.child);
    const acked: number[] = [];
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (next < 100_000) {
        const i = next++;
        const payload = body(i);
        try {
          const res = await fetch(`${first.url}/webhooks/meta`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-hub-signature-256': signBody(APP_SECRET, payload),
            },
            body: payload,
          });
          if (res.status === 200) acked.push(i);
        } catch {
          if (killed) return;
        }
        if (killed) return;
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    // Kill mid-stream, while requests are in flight.
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(senders);
    await exited;
    expect(acked.length).toBeGreaterThanOrEqual(300);

    const second = await startHub(dbUrl);
    children.push(second.child);
    const database = openDatabase(dbUrl);
    try {
      // The restarted worker resumes whatever was acknowledged but not processed.
      for (;;) {
        const pending = await database.db
          .selectFrom('webhook_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('state', '=', 'pending')
          .executeTakeFirstOrThrow();
        if (Number(pending.n) === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const messages = await database.db.selectFrom('messages').select('wamid').execute();
      const counts = new Map<string, number>();
      for (const m of messages) counts.set(m.wamid ?? '', (counts.get(m.wamid ?? '') ?? 0) + 1);
      const events = await database.db.selectFrom('webhook_events').select('body').execute();
      const stored = new Map<string, number>();
      for (const e of events) {
        const id = /wamid\.CRASH(\d+)/.exec(e.body)?.[1];
        if (id) stored.set(id, (stored.get(id) ?? 0) + 1);
      }
      for (const i of acked) {
        expect(stored.get(String(i)), `raw event ${i}`).toBe(1);
        expect(counts.get(`wamid.CRASH${i}`), `message ${i}`).toBe(1);
      }
      // Nothing is doubled, acknowledged or not.
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      const failures = await database.db.selectFrom('processing_failures').selectAll().execute();
      expect(failures).toEqual([]);
    } finally {
      await database.close();
      const exited = new Promise((r) => second.child.once('exit', r));
      second.child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
