import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { startSandbox } from '../testing/sandbox-env.ts';

const PNID = '106540352242922';
const WABA = '102290129340398';
const RECIPIENTS = 500;
const PER_RECIPIENT = 4;
/** A standard (non-coexistence) number: Graph reports `throughput.level: STANDARD`, which the hub reads as 80 mps. */
const MPS = 80;

type Node = { name: string; url: string; child: ChildProcess };

function startNode(name: string, databaseUrl: string, graphUrl: string): Promise<Node> {
  const child = spawn(process.execPath, [resolve('bin/coexist.mjs'), 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      COEXIST_NODE_ID: name,
      COEXIST_DATA_DIR: mkdtempSync(join(tmpdir(), `coexist-${name}-`)),
      META_APP_SECRET: 'sandbox-app-secret',
      META_VERIFY_TOKEN: 'sandbox-verify-token',
      META_GRAPH_URL: graphUrl,
      META_ACCESS_TOKEN: 'sandbox-access-token',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    let buffer = '';
    const timer = setTimeout(() => fail(new Error(`${name} did not start`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = buffer.match(
        /"url":"(http:\/\/[^"]+)"[^\n]*hub listening|hub listening[^\n]*"url":"(http:\/\/[^"]+)"/,
      );
      if (m) {
        clearTimeout(timer);
        buffer = '';
        ok({ name, url: (m[1] ?? m[2]) as string, child });
      }
      if (buffer.length > 100_000) buffer = buffer.slice(-10_000);
    });
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code}`)));
  });
}

const pgOnly = testDialects.includes('postgres') ? describe : describe.skip;

pgOnly('three hub nodes on PostgreSQL, one killed mid-run', () => {
  const nodes: Node[] = [];
  let db: TestDatabase | undefined;
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  afterAll(async () => {
    for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGTERM');
    await sandbox?.close();
    await db?.destroy();
  });

  it('sends every message exactly once, in order per recipient, within the rate', {
    timeout: 300_000,
  }, async () => {
    db = await createTestDatabase('postgres');
    sandbox = await startSandbox({
      port: 0,
      clock: 'real',
      statusDelays: { sentMs: 20, deliveredMs: 600_000, readMs: 1_200_000 },
      // The recipients below are made up: the sandbox must treat them as customers on WhatsApp.
      unknownRecipients: 'create',
      numbers: [
        {
          wabaId: WABA,
          phoneNumberId: PNID,
          displayPhoneNumber: '15550783881',
          verifiedName: 'Coexist Demo',
          coexistence: false,
          throughputMps: MPS,
        },
      ],
    });
    for (const name of ['n1', 'n2', 'n3']) nodes.push(await startNode(name, db.url, sandbox.url));
    const { token } = await createApiToken(db.db, { name: 'multi', role: 'admin', now: Date.now() });
    const call = async (node: Node, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${node.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed API answers.
      return { status: res.status, body: (await res.json()) as any };
    };
    expect(
      (await call(nodes[0]!, 'POST', '/api/numbers', { phone_number_id: PNID, waba_id: WABA })).status,
    ).toBe(201);
    expect((await call(nodes[1]!, 'POST', '/api/templates/sync', {})).status).toBe(200);
    // Queue everything through all three nodes: message k of every recipient before message k+1.
    const ids: string[] = [];
    const perRecipient = new Map<string, string[]>();
    for (let k = 0; k < PER_RECIPIENT; k++) {
      const batch = await Promise.all(
        Array.from({ length: RECIPIENTS }, async (_, r) => {
          const to = `4477009${String(r).padStart(5, '0')}`;
          const node = nodes[(r + k) % 3]!;
          const res = await call(node, 'POST', '/api/messages', {
            phone_number_id: PNID,
            to,
            type: 'template',
            template: { name: 'hello_world', language: 'en_US' },
            origin: 'campaign',
          });
          expect(res.status).toBe(202);
          return { to, id: res.body.id as string };
        }),
      );
      for (const b of batch) {
        ids.push(b.id);
        perRecipient.set(b.to, [...(perRecipient.get(b.to) ?? []), b.id]);
      }
    }
    const world = sandbox.world;
    const ours = () => Object.values(world.messages).filter((m) => m.outbound?.bizOpaque);
    // Kill the node that holds the number's lease once a third has gone out.
    while (ours().length < ids.length / 3) await new Promise((r) => setTimeout(r, 100));
    const lease = await db.db
      .selectFrom('number_leases')
      .selectAll()
      .where('phone_number_id', '=', PNID)
      .executeTakeFirstOrThrow();
    const victim = nodes.find((n) => lease.holder.startsWith(`${n.name}:`))!;
    const survivor = nodes.find((n) => n !== victim)!;
    await sandbox.setCallback(`${survivor.url}/webhooks/meta`);
    victim.child.kill('SIGKILL');
    const killedAt = ours().length;
    const _killTime = Date.now();

    const deadline = Date.now() + 240_000;
    let retried = 0;
    for (;;) {
      const rows = await db.db
        .selectFrom('messages')
        .select(['id', 'status'])
        .where('id', 'in', ids)
        .execute();
      const open = rows.filter((r) => ['queued', 'sending'].includes(r.status));
      const unknown = rows.filter((r) => r.status === 'unknown');
      if (open.length === 0 && unknown.length > 0) {
        // Give statuses time to resolve them; what remains never reached Meta: the operator retries.
        await new Promise((r) => setTimeout(r, 3000));
        const still = await db.db
          .selectFrom('messages')
          .select(['id'])
          .where(
            'id',
            'in',
            unknown.map((u) => u.id),
          )
          .where('status', '=', 'unknown')
          .execute();
        for (const u of still) {
          const sentTimes = ours().filter((m) => m.outbound?.bizOpaque === u.id).length;
          await call(survivor, 'POST', `/api/messages/${u.id}/resolve`, {
            outcome: sentTimes > 0 ? 'sent' : 'retry',
          });
          retried += sentTimes > 0 ? 0 : 1;
        }
      }
      if (open.length === 0 && unknown.length === 0) break;
      if (Date.now() > deadline) throw new Error(`not done: ${open.length} open, ${unknown.length} unknown`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const sends = ours();
    const count = new Map<string, number>();
    for (const m of sends) count.set(m.outbound!.bizOpaque!, (count.get(m.outbound!.bizOpaque!) ?? 0) + 1);
    expect(ids.filter((id) => count.get(id) !== 1)).toEqual([]);
    expect(sends).toHaveLength(ids.length);
    // Order per recipient: the sandbox's arrival order is our queue order.
    if (retried === 0) {
      const arrived = new Map<string, string[]>();
      for (const m of sends) arrived.set(m.waId, [...(arrived.get(m.waId) ?? []), m.outbound!.bizOpaque!]);
      for (const [to, expected] of perRecipient) expect(arrived.get(to)).toEqual(expected);
    }
    // Meta's limit is a token bucket (one second of burst): over any five seconds at most 5 × MPS arrive.
    const times = sends.map((m) => m.timestamp).sort((a, b) => a - b);
    let maxIn5s = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] as number) - (times[j] as number) >= 5000) j++;
      maxIn5s = Math.max(maxIn5s, i - j + 1);
    }
    expect(maxIn5s).toBeLessThanOrEqual(5 * MPS);
    expect(killedAt).toBeLessThan(ids.length);
  });
});
