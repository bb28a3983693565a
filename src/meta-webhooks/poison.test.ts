import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Worker } from '../platform/worker.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { createWebhookHarness, type WebhookHarness } from '../testing/webhook-harness.ts';
import { retryFailure } from './webhook.processor.ts';
import { startWebhookWorker } from './webhook.worker.ts';

const PN = '106540352242922';

const body = (wamid: string, name = 'Ana') =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PN },
              contacts: [{ profile: { name }, wa_id: '16505551234' }],
              messages: [
                {
                  from: '16505551234',
                  id: wamid,
                  timestamp: '1750000000',
                  type: 'text',
                  text: { body: `hello ${wamid}` },
                },
              ],
            },
          },
        ],
      },
    ],
  });

/** Events that a database refuses must not hold up the others, and must end visible, not retried forever. */
describe.each(testDialects)('events the database cannot store as they are (%s)', (dialect) => {
  let database: TestDatabase;
  let h: WebhookHarness;
  let worker: Worker | undefined;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    h = await createWebhookHarness(database);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await h.close();
    await database.destroy();
  });

  const settled = async () => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const pending = await database.db
        .selectFrom('webhook_events')
        .select('id')
        .where('state', 'not in', ['processed', 'failed'])
        .execute();
      if (pending.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending.length} event(s) still pending`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const wamids = async () =>
    (await database.db.selectFrom('messages').select('wamid').orderBy('wamid').execute()).map((m) => m.wamid);

  it('keeps NUL characters out of the database: escaped ones become U+FFFD, a raw NUL body is a failure', async () => {
    expect((await h.post(body('wamid.GOOD1'))).statusCode).toBe(200);
    expect((await h.post(body('wamid.NUL', 'A\u0000na'))).statusCode).toBe(200);
    expect((await h.post(Buffer.from('{"object":\u0000}'))).statusCode).toBe(200);
    expect((await h.post(body('wamid.GOOD2'))).statusCode).toBe(200);
    worker = await startWebhookWorker(h.deps, { pollMs: 20, maxDeferMs: 0 });
    await settled();
    expect(await wamids()).toEqual(['wamid.GOOD1', 'wamid.GOOD2', 'wamid.NUL']);
    const contact = await database.db.selectFrom('contacts').select('profile_name').executeTakeFirstOrThrow();
    expect(['Ana', 'A\uFFFDna']).toContain(contact.profile_name);
    const failures = await database.db.selectFrom('processing_failures').select('code').execute();
    expect(failures.map((f) => f.code)).toEqual(['WEBHOOK_UNPARSABLE']);
  });

  it('processes the rest of a batch when one event breaks its transaction, and fails that one visibly', async () => {
    for (const w of ['wamid.A', 'wamid.POISON', 'wamid.B'])
      expect((await h.post(body(w))).statusCode).toBe(200);
    const poisoned = await database.db
      .selectFrom('webhook_events')
      .select('id')
      .where('body', 'like', '%wamid.POISON%')
      .executeTakeFirstOrThrow();
    // A fault the item savepoints cannot contain: the database refuses to mark this event processed.
    if (dialect === 'sqlite') {
      await sql
        .raw(
          `CREATE TRIGGER poison BEFORE UPDATE OF state ON webhook_events
           WHEN NEW.id = ${Number(poisoned.id)} AND NEW.state = 'processed'
           BEGIN SELECT RAISE(ABORT, 'poisoned event'); END`,
        )
        .execute(database.db);
    } else {
      await sql
        .raw(
          `CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN
             IF NEW.id = ${Number(poisoned.id)} AND NEW.state = 'processed' THEN RAISE EXCEPTION 'poisoned event'; END IF;
             RETURN NEW; END $$ LANGUAGE plpgsql;
           CREATE TRIGGER poison BEFORE UPDATE ON webhook_events FOR EACH ROW EXECUTE FUNCTION poison();`,
        )
        .execute(database.db);
    }
    worker = await startWebhookWorker(h.deps, { pollMs: 20, maxDeferMs: 0 });
    await settled();
    expect(await wamids()).toEqual(['wamid.A', 'wamid.B']);
    const states = await database.db
      .selectFrom('webhook_events')
      .select(['id', 'state'])
      .orderBy('id')
      .execute();
    expect(states.map((s) => s.state)).toEqual(['processed', 'failed', 'processed']);
    const failures = await database.db
      .selectFrom('processing_failures')
      .select(['code', 'webhook_event_id', 'message'])
      .execute();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.code).toBe('EVENT_PROCESSING_FAILED');
    expect(Number(failures[0]?.webhook_event_id)).toBe(Number(poisoned.id));
    expect(failures[0]?.message).toMatch(/poisoned event/);

    // Once the fault is gone, the operator's retry runs the event again.
    await sql
      .raw(`DROP TRIGGER poison${dialect === 'postgres' ? ' ON webhook_events' : ''}`)
      .execute(database.db);
    const failureId = (
      await database.db.selectFrom('processing_failures').select('id').executeTakeFirstOrThrow()
    ).id;
    expect(await retryFailure(h.deps, failureId)).toEqual({ resolved: true, message: 'Applied.' });
    expect(await wamids()).toEqual(['wamid.A', 'wamid.B', 'wamid.POISON']);
  });
});
