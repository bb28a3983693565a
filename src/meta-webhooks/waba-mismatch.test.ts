import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_WABA, seedNumber, WABA } from '../testing/seed.ts';
import { createWebhookHarness, type WebhookHarness } from '../testing/webhook-harness.ts';

/** A message webhook for the seeded number, under `entry[].id = wabaId`. */
function messageEntry(wabaId: string, wamid: string, statusOf?: string) {
  const value = statusOf
    ? {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550783881', phone_number_id: NUMBER },
        statuses: [{ id: statusOf, status: 'read', timestamp: '1750000100', recipient_id: '16505551234' }],
      }
    : {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550783881', phone_number_id: NUMBER },
        contacts: [{ profile: { name: 'Ana' }, wa_id: '16505551234' }],
        messages: [
          { from: '16505551234', id: wamid, timestamp: '1750000000', type: 'text', text: { body: wamid } },
        ],
      };
  return { id: wabaId, changes: [{ field: 'messages', value }] };
}

const body = (...entry: unknown[]) => JSON.stringify({ object: 'whatsapp_business_account', entry });

/** Issue 15 item 3: a webhook whose `entry[].id` is not the number's WABA is a visible failure, not applied. */
describe.each(testDialects)('a webhook for a number under another WABA on %s', (dialect) => {
  let database: TestDatabase;
  let h: WebhookHarness;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    h = await createWebhookHarness(database);
    await seedNumber(database.db, { id: NUMBER, waba_id: WABA });
  });
  afterAll(async () => {
    await h.close();
    await database.destroy();
  });

  const wamids = async () =>
    (await database.db.selectFrom('messages').select('wamid').execute()).map((m) => m.wamid);

  it('applies the entry of the right WABA and records the other as WABA_MISMATCH, in the same body', async () => {
    const res = await h.post(
      body(messageEntry(OTHER_WABA, 'wamid.FOREIGN'), messageEntry(WABA, 'wamid.OWN')),
    );
    expect(res.statusCode).toBe(200);
    const [outcome] = await h.drain();
    expect(outcome).toMatchObject({ applied: 1, failed: 1 });
    expect(await wamids()).toEqual(['wamid.OWN']);

    const failures = await database.db.selectFrom('processing_failures').selectAll().execute();
    expect(failures.map((f) => ({ code: f.code, path: f.item_path }))).toEqual([
      { code: 'WABA_MISMATCH', path: 'entry[0].changes[0].value.messages[0]' },
    ]);
    expect(failures[0]?.message).toContain(OTHER_WABA);
    const event = await database.db.selectFrom('webhook_events').select('state').executeTakeFirstOrThrow();
    expect(event.state).toBe('failed');
  });

  it('shows the failure on GET /api/failures, and a retry still does not apply it', async () => {
    const { token } = await createApiToken(database.db, { name: 'ops', role: 'admin', now: h.clock.now() });
    const auth = { authorization: `Bearer ${token}` };
    const list = await h.app.inject({ url: '/api/failures', headers: auth });
    expect(list.statusCode).toBe(200);
    const failure = (list.json().data as { id: string; code: string }[]).find(
      (f) => f.code === 'WABA_MISMATCH',
    );
    expect(failure).toBeDefined();
    const retry = await h.app.inject({
      method: 'POST',
      url: `/api/failures/${failure?.id}/retry`,
      headers: auth,
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().resolved).toBe(false);
    expect(await wamids()).toEqual(['wamid.OWN']);
  });

  it('does not apply a status of another WABA to the number’s message', async () => {
    await h.post(body(messageEntry(OTHER_WABA, '', 'wamid.OWN')));
    const [outcome] = await h.drain();
    expect(outcome).toMatchObject({ applied: 0, failed: 1 });
    const own = await database.db
      .selectFrom('messages')
      .select('status')
      .where('wamid', '=', 'wamid.OWN')
      .executeTakeFirstOrThrow();
    expect(own.status).not.toBe('read');
  });
});
