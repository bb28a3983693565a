import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedContact, seedNumber, T0, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

type Page = { data: { id: string }[]; next_cursor: string | null };

describe.each(testDialects)('contacts API on %s', (dialect) => {
  let h: TestApp;
  let auth: { authorization: string };

  const get = (url: string, headers = auth) => h.app.inject({ url, headers });
  const allIds = async (url: string, headers = auth) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const res = await get(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url, headers);
      expect(res.statusCode).toBe(200);
      const page = res.json() as Page;
      ids.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    return ids;
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
      marketing_opt_out: 1,
      marketing_opt_out_at: T0,
      attributes_json: JSON.stringify({ tier: 'gold' }),
    });
    await seedContact(db, {
      id: 'k-bruno',
      phone_number_id: NUMBER,
      wa_id: '5491155550000',
      profile_name: 'bru',
      address_book_name: 'Bruno Díaz',
      address_book_first_name: 'Bruno',
      in_address_book: 1,
    });
    await seedContact(db, {
      id: 'k-carla',
      phone_number_id: NUMBER,
      bsuid: 'US.1349120865530274',
      username: 'carla_shop',
    });
    for (const n of [3, 1, 2]) {
      await seedContact(db, {
        id: `k-same-${n}`,
        phone_number_id: NUMBER,
        wa_id: `447700000${n}`,
        profile_name: 'Same Name',
      });
    }
    await seedContact(db, {
      id: 'k-other',
      phone_number_id: OTHER_NUMBER,
      wa_id: '16505551234',
      profile_name: 'Ana',
    });
    await db
      .insertInto('contact_number_changes')
      .values([
        {
          id: 'nc2',
          contact_id: 'k-ana',
          old_wa_id: '16505550001',
          new_wa_id: '16505551234',
          changed_at: T0 + 1000,
          message_wamid: 'wamid.sys2',
        },
        {
          id: 'nc1',
          contact_id: 'k-ana',
          old_wa_id: '16505559999',
          new_wa_id: '16505550001',
          changed_at: T0,
          message_wamid: null,
        },
      ])
      .execute();
    auth = { authorization: `Bearer ${await h.token()}` };
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists contacts alphabetically by shown name and pages through equal names without loss', async () => {
    const expected = ['k-ana', 'k-other', 'k-bruno', 'k-carla', 'k-same-1', 'k-same-2', 'k-same-3'];
    for (const limit of [1, 2, 3, 100])
      expect(await allIds(`/api/contacts?limit=${limit}`)).toEqual(expected);
    const first = (await get('/api/contacts?limit=1')).json();
    expect(first.data[0]).toMatchObject({
      id: 'k-ana',
      display_name: 'Ana',
      wa_id: '16505551234',
      marketing_opt_out: true,
      marketing_opt_out_at: new Date(T0).toISOString(),
      attributes: { tier: 'gold' },
      in_address_book: false,
    });
    expect(first.data[0]).not.toHaveProperty('number_changes');
  });

  it('searches name, address-book name, phone, username and BSUID, and filters by number', async () => {
    const ids = async (query: string) => allIds(`/api/contacts?${query}`);
    expect(await ids('q=bruno')).toEqual(['k-bruno']);
    expect(await ids('q=D%C3%ADaz')).toEqual(['k-bruno']);
    expect(await ids(`q=${encodeURIComponent('+54 9 11 5555')}`)).toEqual(['k-bruno']);
    expect(await ids('q=%40carla')).toEqual(['k-carla']);
    expect(await ids('q=carla_')).toEqual(['k-carla']);
    expect(await ids('q=US.13491')).toEqual(['k-carla']);
    expect(await ids('q=same&limit=2')).toEqual(['k-same-1', 'k-same-2', 'k-same-3']);
    expect(await ids(`q=ana&phone_number_id=${NUMBER}`)).toEqual(['k-ana']);
    expect(await ids(`phone_number_id=${OTHER_NUMBER}`)).toEqual(['k-other']);
  });

  it('returns one contact with its number-change history, oldest first', async () => {
    const res = await get('/api/contacts/k-ana');
    expect(res.statusCode).toBe(200);
    expect(res.json().number_changes).toEqual([
      {
        old_wa_id: '16505559999',
        new_wa_id: '16505550001',
        changed_at: new Date(T0).toISOString(),
        message_wamid: null,
      },
      {
        old_wa_id: '16505550001',
        new_wa_id: '16505551234',
        changed_at: new Date(T0 + 1000).toISOString(),
        message_wamid: 'wamid.sys2',
      },
    ]);
    expect((await get('/api/contacts/k-bruno')).json()).toMatchObject({
      display_name: 'Bruno Díaz',
      address_book_first_name: 'Bruno',
      in_address_book: true,
      number_changes: [],
    });
    expect((await get('/api/contacts/nope')).statusCode).toBe(404);
  });

  it('keeps a WABA-restricted token inside its WABA and refuses requests without a token', async () => {
    const other = { authorization: `Bearer ${await h.token({ wabaId: OTHER_WABA })}` };
    expect(await allIds('/api/contacts', other)).toEqual(['k-other']);
    expect(await allIds('/api/contacts?q=16505551234', other)).toEqual(['k-other']);
    expect(await allIds(`/api/contacts?phone_number_id=${NUMBER}`, other)).toEqual([]);
    const hidden = await get('/api/contacts/k-ana', other);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('NOT_FOUND');
    expect((await h.app.inject({ url: '/api/contacts' })).statusCode).toBe(401);
    expect((await h.app.inject({ url: '/api/contacts/k-ana' })).statusCode).toBe(401);
  });
});
