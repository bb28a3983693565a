/**
 * A child process for `subscriber-worker.test.ts`: runs the hub's subscriber worker with two probe
 * subscribers on `DATABASE_URL`, so the test can SIGKILL it mid-batch and start it again. Each
 * handler writes its effect in the handler's transaction (`probe_handled`) and appends every call
 * to `ATTEMPTS_FILE` (an effect outside the database, which sees the redelivery).
 */
import { appendFileSync } from 'node:fs';
import { sql, type Transaction } from 'kysely';
import { startEventSubscribers } from '../../hub.ts';
import { systemClock } from '../clock.ts';
import { openDatabase } from '../db/database.ts';
import type { EventTables } from './event.table.ts';
import { defineSubscriber } from './subscriber.ts';

const url = process.env.DATABASE_URL ?? '';
const attemptsFile = process.env.ATTEMPTS_FILE ?? '';
const database = openDatabase<EventTables>(url);
let calls = 0;

const probe = (name: string) =>
  defineSubscriber({
    name,
    types: ['alert.raised'],
    async handle(trx: Transaction<EventTables>, event) {
      appendFileSync(attemptsFile, `${name} ${event.id}\n`);
      await sql`insert into probe_handled (subscriber, event_id) values (${name}, ${event.id})`.execute(trx);
      calls++;
      // Announce a batch in flight, then take long enough that the kill lands inside it.
      if (calls === 30) process.stdout.write('mid-batch\n');
      await new Promise((r) => setTimeout(r, 2));
    },
  });

const worker = startEventSubscribers(
  { database, clock: systemClock },
  { subscribers: [probe('probe.one'), probe('probe.two')], leaseMs: 400, pollMs: 20, batchSize: 100 },
);
process.stdout.write('started\n');
process.once('SIGTERM', () => {
  void worker.stop().then(() => database.close().then(() => process.exit(0)));
});
