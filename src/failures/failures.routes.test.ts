import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { OTHER_WABA, T0 } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

const fixture = readFileSync(new URL('../../fixtures/meta/messages_text.json', import.meta.url), 'utf8');
const FIXTURE_WABA = '1234567890987654321';
const FIXTURE_NUMBER = '1122334455667';
const PATH = 'entry[0].changes[0].value.messages[0]';

type Page = { data: { id: string }[]; next_cursor: string | null };

describe.each(testDialects)('failures API on %s', (dialect) => {
  let h: TestApp;
  let auth: { authorization: string };
  let eventId: number;

  const get = (url: string, headers = auth) => h.app.inject({ url, headers });

  const allIds = async (url: string, headers = auth) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const res = await get(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url, headers);
      expect(res.statusCode).toBe(200);
      const page = res.json() as Page;
      ids.push(...page.data.map((f) => f.id));
      cursor = page.next_cursor;
    } while (cursor);
    return ids;
  };

  const storeEvent = async (body: string) => {
    const row = await h.database.db
      .insertInto('webhook_events')
      .values({
        received_at: T0,
        path: '/webhooks/meta',
        body,
        state: 'failed',
        processed_at: T0,
        error: 'x',
        claimed_by: null,
        claimed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  };

  const failure = (id: string, webhookEventId: number, createdAt: number, itemPath = PATH) => ({
    id,
    webhook_event_id: webhookEventId,
    item_path: itemPath,
    field: 'messages',
    code: 'ITEM_PROCESSING_FAILED',
    message: 'database was busy',
    item_json: JSON.stringify({ id: 'wamid.xyzxyz' }),
    created_at: createdAt,
    resolved_at: null,
  });

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    eventId = await storeEvent(fixture);
    const otherBody = JSON.parse(fixture);
    otherBody.entry[0].id = OTHER_WABA;
    const otherEventId = await storeEvent(JSON.stringify(otherBody));
    await h.database.db
      .insertInto('processing_failures')
      .values([
        failure('f-real', eventId, T0 + 10),
        // Three failures sharing one created_at: paging must neither repeat nor skip.
        failure('f-a', eventId, T0, 'entry[0].changes[0].value.statuses[0]'),
        failure('f-b', eventId, T0, 'entry[0].changes[0].value.statuses[1]'),
        failure('f-c', eventId, T0, 'entry[0].changes[0].value.statuses[2]'),
        failure('f-other', otherEventId, T0 + 20),
        {
          ...failure('f-done', eventId, T0 + 5, 'entry[0].changes[0].value.statuses[9]'),
          resolved_at: T0 + 6,
        },
      ])
      .execute();
    auth = { authorization: `Bearer ${await h.token()}` };
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists open failures newest first, pages through equal times, and filters by state', async () => {
    for (const limit of [1, 2, 50]) {
      expect(await allIds(`/api/failures?limit=${limit}`)).toEqual([
        'f-other',
        'f-real',
        'f-c',
        'f-b',
        'f-a',
      ]);
    }
    expect(await allIds('/api/failures?state=resolved')).toEqual(['f-done']);
    expect(await allIds('/api/failures?state=all&limit=2')).toEqual([
      'f-other',
      'f-real',
      'f-done',
      'f-c',
      'f-b',
      'f-a',
    ]);
    const [first] = (await get('/api/failures?limit=2')).json().data.slice(1);
    expect(first).toMatchObject({
      id: 'f-real',
      webhook_event_id: String(eventId),
      item_path: PATH,
      code: 'ITEM_PROCESSING_FAILED',
      message: 'database was busy',
      item: { id: 'wamid.xyzxyz' },
      waba_id: FIXTURE_WABA,
      retry_count: 0,
      state: 'open',
      resolved_at: null,
    });
  });

  it('shows a WABA-restricted token only its WABA’s failures, and 404 on retrying another’s', async () => {
    const other = { authorization: `Bearer ${await h.token({ wabaId: OTHER_WABA })}` };
    expect(await allIds('/api/failures?limit=1', other)).toEqual(['f-other']);
    const res = await h.app.inject({ method: 'POST', url: '/api/failures/f-real/retry', headers: other });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('retries a failure from the stored body: the message is applied and the failure resolved', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/failures/f-real/retry', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      resolved: true,
      failure: { id: 'f-real', state: 'resolved', retry_count: 1 },
    });
    const stored = await h.database.db
      .selectFrom('messages')
      .select(['wamid', 'phone_number_id'])
      .where('wamid', '=', 'wamid.xyzxyz')
      .execute();
    expect(stored).toEqual([{ wamid: 'wamid.xyzxyz', phone_number_id: FIXTURE_NUMBER }]);
    expect(await allIds('/api/failures')).not.toContain('f-real');

    const again = await h.app.inject({ method: 'POST', url: '/api/failures/f-real/retry', headers: auth });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('FAILURE_NOT_RETRYABLE');
    const missing = await h.app.inject({ method: 'POST', url: '/api/failures/nope/retry', headers: auth });
    expect(missing.statusCode).toBe(404);
  });

  it('requires a token', async () => {
    expect((await h.app.inject({ url: '/api/failures' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: '/api/failures/f-a/retry' })).statusCode).toBe(401);
  });
});
