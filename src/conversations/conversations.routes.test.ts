import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import {
  NUMBER,
  OTHER_NUMBER,
  OTHER_WABA,
  seedContact,
  seedConversation,
  seedMessage,
  seedNumber,
  T0,
  WABA,
} from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

type Item = { id: string };

describe.each(testDialects)('conversations API on %s', (dialect) => {
  let h: TestApp;
  let auth: { authorization: string };

  const get = async (url: string, headers = auth) => h.app.inject({ url, headers });

  /** Follows `next_cursor` until the end and returns every id in the order served. */
  const allPages = async (url: string, headers = auth): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const sep = url.includes('?') ? '&' : '?';
      const res = await get(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url, headers);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { data: Item[]; next_cursor: string | null };
      ids.push(...body.data.map((d) => d.id));
      cursor = body.next_cursor;
      if (!cursor) return ids;
    }
    throw new Error('pagination did not end');
  };

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    const { db } = h.database;
    await seedNumber(db, { id: NUMBER, waba_id: WABA });
    await seedNumber(db, { id: OTHER_NUMBER, waba_id: OTHER_WABA, display_phone_number: '15550000002' });
    await seedContact(db, {
      id: 'k-ana',
      phone_number_id: NUMBER,
      wa_id: '16505551234',
      profile_name: 'Ana',
    });
    await seedContact(db, {
      id: 'k-bruno',
      phone_number_id: NUMBER,
      wa_id: '16505550000',
      profile_name: 'B',
      address_book_name: 'Bruno Díaz',
      in_address_book: 1,
    });
    await seedContact(db, {
      id: 'k-carla',
      phone_number_id: NUMBER,
      bsuid: 'US.13491208655302741918',
      username: 'carla.shop',
    });
    for (const n of [1, 2, 3, 4]) {
      await seedContact(db, {
        id: `k-x${n}`,
        phone_number_id: NUMBER,
        wa_id: `4477000000${n}`,
        profile_name: 'Same',
      });
    }
    await seedContact(db, {
      id: 'k-other',
      phone_number_id: OTHER_NUMBER,
      wa_id: '16505551234',
      profile_name: 'Ana Other',
    });

    await seedConversation(db, {
      id: 'c-ana',
      phone_number_id: NUMBER,
      contact_id: 'k-ana',
      last_message_at: T0 + 5000,
      last_message_preview: 'latest',
      window_expires_at: T0 + 60_000,
      unread_count: 2,
      assignee_user_id: 'u-1',
      team_id: 't-sales',
    });
    await seedConversation(db, {
      id: 'c-bruno',
      phone_number_id: NUMBER,
      contact_id: 'k-bruno',
      last_message_at: T0,
      status: 'pending',
      window_expires_at: T0 - 1,
    });
    await seedConversation(db, {
      id: 'c-carla',
      phone_number_id: NUMBER,
      contact_id: 'k-carla',
      last_message_at: null,
    });
    // Four conversations with the same last_message_at: pagination must neither repeat nor skip one.
    for (const n of [1, 2, 3, 4]) {
      await seedConversation(db, {
        id: `c-x${n}`,
        phone_number_id: NUMBER,
        contact_id: `k-x${n}`,
        last_message_at: T0 + 1000,
        status: n === 4 ? 'resolved' : 'open',
      });
    }
    await seedConversation(db, {
      id: 'c-other',
      phone_number_id: OTHER_NUMBER,
      contact_id: 'k-other',
      last_message_at: T0 + 9000,
    });

    // Seven messages in c-ana, five sharing one timestamp.
    const base = { phone_number_id: NUMBER, conversation_id: 'c-ana', contact_id: 'k-ana' };
    await seedMessage(db, { ...base, id: 'm-1', timestamp: T0 - 2000 });
    for (const n of [2, 3, 4, 5, 6]) await seedMessage(db, { ...base, id: `m-${n}`, timestamp: T0 });
    await seedMessage(db, {
      ...base,
      id: 'm-7',
      timestamp: T0 + 5000,
      direction: 'outbound',
      origin: 'business_app',
      status: 'read',
      status_at: T0 + 6000,
      context_wamid: 'wamid.m-1',
      context_json: JSON.stringify({ from: '15550783881', id: 'wamid.m-1' }),
      content_json: JSON.stringify({ body: 'first version' }),
      edited_content_json: JSON.stringify({ body: 'second version' }),
      edited_at: T0 + 5500,
      reactions_json: JSON.stringify({ customer: { emoji: '👍', wamid: 'wamid.r1', at: T0 + 5600 } }),
      pricing_json: JSON.stringify({ billable: false, pricing_model: 'PMP', category: 'service' }),
    });
    await seedMessage(db, {
      id: 'm-other',
      phone_number_id: OTHER_NUMBER,
      conversation_id: 'c-other',
      contact_id: 'k-other',
    });
    await db
      .insertInto('users')
      .values({
        id: 'u-1',
        email: 'marta@example.com',
        name: 'Marta',
        role: 'agent',
        password_hash: 'x',
        all_wabas: 1,
        mfa_secret: null,
        mfa_pending_secret: null,
        mfa_enabled_at: null,
        mfa_last_step: null,
        presence: 'online',
        presence_at: null,
        last_login_at: null,
        disabled_at: null,
        created_at: T0,
        updated_at: T0,
      })
      .execute();
    await seedMessage(db, {
      ...base,
      id: 'm-0',
      timestamp: T0 - 3000,
      direction: 'outbound',
      origin: 'agent',
      author_user_id: 'u-1',
      status: 'failed',
      error_json: JSON.stringify({
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: { details: 'More than 24 hours have passed.' },
      }),
    });
    await db
      .insertInto('labels')
      .values({ id: 'l-vip', name: 'VIP', color: 'gold', waba_id: null, created_at: T0 })
      .execute();
    await db
      .insertInto('conversation_labels')
      .values({ conversation_id: 'c-x2', label_id: 'l-vip', created_at: T0 })
      .execute();
    h.clock.set(T0 + 10_000);
    auth = { authorization: `Bearer ${await h.token()}` };
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists conversations newest activity first, with the contact and the window embedded', async () => {
    const res = await get(`/api/conversations?phone_number_id=${NUMBER}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.map((c: Item) => c.id)).toEqual([
      'c-ana',
      'c-x4',
      'c-x3',
      'c-x2',
      'c-x1',
      'c-bruno',
      'c-carla',
    ]);
    expect(body.next_cursor).toBeNull();
    expect(body.data[0]).toMatchObject({
      id: 'c-ana',
      phone_number_id: NUMBER,
      status: 'open',
      contact: { id: 'k-ana', display_name: 'Ana', wa_id: '16505551234' },
      window: { expires_at: new Date(T0 + 60_000).toISOString(), open: true },
      last_message_at: new Date(T0 + 5000).toISOString(),
      last_message_preview: 'latest',
      unread_count: 2,
      assignee_user_id: 'u-1',
      team_id: 't-sales',
    });
    expect(body.data[5]).toMatchObject({
      id: 'c-bruno',
      window: { open: false },
      contact: { display_name: 'Bruno Díaz' },
    });
  });

  it('pages through conversations with equal timestamps without duplicates or gaps', async () => {
    for (const limit of [1, 2, 3]) {
      const ids = await allPages(`/api/conversations?limit=${limit}`);
      expect(ids).toEqual(['c-other', 'c-ana', 'c-x4', 'c-x3', 'c-x2', 'c-x1', 'c-bruno', 'c-carla']);
    }
  });

  it('filters by status, assignee and team, and searches contact name, phone and username', async () => {
    const ids = async (query: string) =>
      ((await get(`/api/conversations?${query}`)).json().data as Item[]).map((c) => c.id);
    expect(await ids('status=pending')).toEqual(['c-bruno']);
    expect(await ids('status=resolved')).toEqual(['c-x4']);
    expect(await ids(`phone_number_id=${OTHER_NUMBER}`)).toEqual(['c-other']);
    expect(await ids('assignee=u-1')).toEqual(['c-ana']);
    expect(await ids('assignee=none&status=open&limit=3')).toEqual(['c-other', 'c-x3', 'c-x2']);
    expect(await ids('team_id=t-sales')).toEqual(['c-ana']);
    expect(await ids('label=l-vip')).toEqual(['c-x2']);
    const labelled = (await get('/api/conversations/c-x2')).json();
    expect(labelled.labels).toMatchObject([{ id: 'l-vip', name: 'VIP', color: 'gold' }]);
    expect((await get('/api/conversations?label=l-vip')).json().data[0].labels).toMatchObject([
      { id: 'l-vip' },
    ]);
    expect(await ids('q=bruno')).toEqual(['c-bruno']);
    expect(await ids('q=ANA')).toEqual(['c-other', 'c-ana']);
    expect(await ids(`q=${encodeURIComponent('+1 (650) 555-1234')}&phone_number_id=${NUMBER}`)).toEqual([
      'c-ana',
    ]);
    expect(await ids('q=%40carla')).toEqual(['c-carla']);
    expect(await ids('q=100%25')).toEqual([]);
    expect(await ids('q=zzz')).toEqual([]);
  });

  it('rejects an invalid status or a forged cursor with VALIDATION_FAILED', async () => {
    const bad = await get('/api/conversations?status=closed');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const forged = await get('/api/conversations?cursor=bm90LWEtY3Vyc29y');
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('returns one conversation, or 404', async () => {
    const res = await get('/api/conversations/c-bruno');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'c-bruno', status: 'pending', contact: { id: 'k-bruno' } });
    const missing = await get('/api/conversations/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('pages messages newest first, stable under equal timestamps', async () => {
    const expected = ['m-7', 'm-6', 'm-5', 'm-4', 'm-3', 'm-2', 'm-1', 'm-0'];
    for (const limit of [1, 2, 3, 50]) {
      expect(await allPages(`/api/conversations/c-ana/messages?limit=${limit}`)).toEqual(expected);
    }
  });

  it('returns the edited content with the original, the quoted message, reactions, status and pricing', async () => {
    const res = await get('/api/conversations/c-ana/messages?limit=1');
    const [m] = res.json().data;
    expect(m).toMatchObject({
      id: 'm-7',
      wamid: 'wamid.m-7',
      conversation_id: 'c-ana',
      contact_id: 'k-ana',
      phone_number_id: NUMBER,
      direction: 'outbound',
      origin: 'business_app',
      author: null,
      type: 'text',
      content: { body: 'second version' },
      original_content: { body: 'first version' },
      edited_at: new Date(T0 + 5500).toISOString(),
      deleted_at: null,
      context: { wamid: 'wamid.m-1', message_id: 'm-1' },
      reactions: [
        { from: 'customer', emoji: '👍', wamid: 'wamid.r1', at: new Date(T0 + 5600).toISOString() },
      ],
      timestamp: new Date(T0 + 5000).toISOString(),
      status: 'read',
      status_at: new Date(T0 + 6000).toISOString(),
      error: null,
      pricing: { billable: false, pricing_model: 'PMP', category: 'service' },
    });
    const plain = (await get('/api/conversations/c-ana/messages?limit=7')).json().data[6];
    expect(plain).toMatchObject({ id: 'm-1', content: { body: 'text of m-1' }, context: null });
    expect(plain).not.toHaveProperty('original_content');
    const byAgent = (await get('/api/conversations/c-ana/messages?limit=8')).json().data[7];
    expect(byAgent).toMatchObject({
      id: 'm-0',
      origin: 'agent',
      author: { id: 'u-1', name: 'Marta' },
      status: 'failed',
      error: { code: 131047, title: 'Re-engagement message', message: 'More than 24 hours have passed.' },
    });
  });

  it('gives a token restricted to one WABA nothing of another: lists, details, search and messages', async () => {
    const other = { authorization: `Bearer ${await h.token({ wabaId: OTHER_WABA })}` };
    expect(await allPages('/api/conversations', other)).toEqual(['c-other']);
    expect(await allPages('/api/conversations?q=ana', other)).toEqual(['c-other']);
    expect(await allPages(`/api/conversations?phone_number_id=${NUMBER}`, other)).toEqual([]);
    expect((await get('/api/conversations/c-ana', other)).statusCode).toBe(404);
    expect((await get('/api/conversations/c-ana/messages', other)).statusCode).toBe(404);
    expect(await allPages('/api/conversations/c-other/messages', other)).toEqual(['m-other']);
  });

  it('requires a valid token on every route', async () => {
    for (const url of [
      '/api/conversations',
      '/api/conversations/c-ana',
      '/api/conversations/c-ana/messages',
    ]) {
      const res = await h.app.inject({ url });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'Authentication is required.' },
      });
    }
  });
});
