import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects } from '../../testing/databases.ts';
import type { DomainEvent } from './catalogue.ts';
import type { EventTables } from './event.table.ts';
import { recordEvents } from './record-event.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CHILD = new URL('./subscriber-crash.child.ts', import.meta.url).pathname;
const EVENTS = 600;

function startChild(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  saw(line: string): Promise<void>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) if (out.includes(w.line)) w.resolve();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    child,
    output: () => out,
    saw: (line) =>
      new Promise((resolve, reject) => {
        if (out.includes(line)) return resolve();
        const timer = setTimeout(() => reject(new Error(`child never printed "${line}":\n${out}`)), 30_000);
        waiters.push({
          line,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${line}":\n${out}`)));
      }),
  };
}

describe.each(testDialects)('durable subscribers across a SIGKILL (real process) on %s', (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), 'coexist-subscriber-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands every event to each subscriber exactly once in effect, though the killed batch is delivered again', async () => {
    const database = await createTestDatabase(dialect);
    const db = database.db as unknown as Kysely<EventTables>;
    try {
      await (database.db as unknown as Kysely<unknown>).schema
        .createTable('probe_handled')
        .addColumn('subscriber', 'text', (c) => c.notNull())
        .addColumn('event_id', 'bigint', (c) => c.notNull())
        .execute();
      const events: DomainEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
        type: i % 5 === 0 ? 'failure.recorded' : 'alert.raised',
        phoneNumberId: 'pn-1',
        payload: i % 5 === 0 ? { failure_id: `f-${i}`, code: 'X' } : { alert_id: `a-${i}`, code: 'X' },
      })) as DomainEvent[];
      await db.transaction().execute((trx) => recordEvents(trx, events, Date.now()));
      const wanted = (
        await db
          .selectFrom('domain_events')
          .select('id')
          .where('fact', '=', 'alert.raised')
          .orderBy('id')
          .execute()
      ).map((r) => Number(r.id));
      const attemptsFile = join(dir, `attempts-${dialect}.log`);
      writeFileSync(attemptsFile, '');
      const env = { DATABASE_URL: database.url, ATTEMPTS_FILE: attemptsFile };

      const first = startChild(env);
      children.push(first.child);
      await first.saw('mid-batch');
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));

      const handled = async (name: string) => {
        const { rows } = await sql<{ event_id: string | number }>`
          select event_id from probe_handled where subscriber = ${name} order by event_id`.execute(db);
        return rows.map((r) => Number(r.event_id));
      };
      const attempted = (name: string) =>
        readFileSync(attemptsFile, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith(`${name} `))
          .map((l) => Number(l.split(' ')[1]));
      const killedAt = { one: await handled('probe.one'), attempts: attempted('probe.one').length };
      // The kill landed inside a batch: handlers ran for events whose effects never committed.
      expect(killedAt.attempts).toBeGreaterThan(killedAt.one.length);
      expect(killedAt.one.length).toBeLessThan(wanted.length);

      const second = startChild(env);
      children.push(second.child);
      await second.saw('started');
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const [one, two] = [await handled('probe.one'), await handled('probe.two')];
        if (one.length >= wanted.length && two.length >= wanted.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));

      for (const name of ['probe.one', 'probe.two']) {
        // In effect exactly once: each wanted event's write is there once, none missing, none extra.
        expect(await handled(name)).toEqual(wanted);
        // At least once: every event was delivered, some of them twice (the batch the kill rolled back).
        expect(new Set(attempted(name))).toEqual(new Set(wanted));
      }
      expect(attempted('probe.one').length).toBeGreaterThan(wanted.length);
    } finally {
      await database.destroy();
    }
  }, 120_000);
});
