import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import { removeFromSearch } from './remove-from-search.ts';
import type { SearchResponse } from './search.schemas.ts';
import { highlight, searchTerms } from './search-text.ts';

describe('search text', () => {
  it('folds case and accents into prefix terms, and marks the words they start in the original spelling', () => {
    expect(searchTerms('  Ação, JOSÉ ação! 42 ')).toEqual(['acao', 'jose', '42']);
    expect(searchTerms('¡¿!')).toEqual([]);
    expect(highlight('Olá José, a ação já começou', ['jose', 'aca'])).toEqual([
      { text: 'Olá ', match: false },
      { text: 'José', match: true },
      { text: ', a ', match: false },
      { text: 'ação', match: true },
      { text: ' já começou', match: false },
    ]);
    const long = `${'palabra '.repeat(40)}aguacate ${'fin '.repeat(40)}`;
    const snippet = highlight(long, ['aguacate'], 60);
    expect(snippet[0]?.text.startsWith('…')).toBe(true);
    expect(snippet.at(-1)?.text.endsWith('…')).toBe(true);
    expect(snippet.filter((s) => s.match).map((s) => s.text)).toEqual(['aguacate']);
    expect(snippet.map((s) => s.text).join('').length).toBeLessThanOrEqual(62);
  });
});

describe.each(testDialects)('GET /api/search on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp(dialect);
    const db = t.db;
    await seedNumber(db, { id: NUMBER, waba_id: WABA });
    await seedNumber(db, { id: OTHER_NUMBER, waba_id: OTHER_WABA, display_phone_number: '15550000002' });
    await seedContact(db, {
      id: 'c-jose',
      phone_number_id: NUMBER,
      wa_id: '34600111222',
      profile_name: 'José Núñez',
    });
    await seedContact(db, {
      id: 'c-ana',
      phone_number_id: NUMBER,
      wa_id: '34600333444',
      profile_name: 'Ana',
    });
    await seedContact(db, {
      id: 'c-other',
      phone_number_id: OTHER_NUMBER,
      wa_id: '5511999',
      profile_name: 'Joséfina',
    });
    await seedConversation(db, { id: 'v-jose', phone_number_id: NUMBER, contact_id: 'c-jose' });
    await seedConversation(db, { id: 'v-ana', phone_number_id: NUMBER, contact_id: 'c-ana' });
    await seedConversation(db, { id: 'v-other', phone_number_id: OTHER_NUMBER, contact_id: 'c-other' });
    const text = (id: string, conversation: string, contact: string, body: string, at: number, pn = NUMBER) =>
      seedMessage(db, {
        id,
        phone_number_id: pn,
        conversation_id: conversation,
        contact_id: contact,
        content_json: JSON.stringify({ body }),
        timestamp: at,
      });
    await text('m1', 'v-jose', 'c-jose', 'Quiero pedir una CANCIÓN para la boda', T0);
    await text('m2', 'v-ana', 'c-ana', 'la canción de la boda, la canción!', T0 + 1000);
    await text('m3', 'v-ana', 'c-ana', 'nada que ver', T0 + 2000);
    await text('m4', 'v-other', 'c-other', 'canción de otra empresa', T0 + 3000, OTHER_NUMBER);
    await seedMessage(db, {
      id: 'm5',
      phone_number_id: NUMBER,
      conversation_id: 'v-jose',
      contact_id: 'c-jose',
      type: 'image',
      content_json: JSON.stringify({ id: '1', mime_type: 'image/jpeg', caption: 'foto de la cancion' }),
      timestamp: T0 + 4000,
    });
  });
  afterEach(async () => t.close());

  const search = async (query: string, token?: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/search?${query}`,
      headers: { authorization: `Bearer ${token ?? (await t.token())}` },
    });
    expect(res.statusCode).toBe(200);
    return res.json() as SearchResponse;
  };

  it('finds message text and captions whatever the accents and case, best first, with the words marked', async () => {
    const r = await search('q=cancion');
    expect(r.messages.map((m) => m.message_id).sort()).toEqual(['m1', 'm2', 'm4', 'm5']);
    // m2 says it twice in a short text: ranked above the others of its number.
    expect(r.messages[0]?.message_id).toBe('m2');
    const m1 = r.messages.find((m) => m.message_id === 'm1');
    expect(m1?.snippet.filter((s) => s.match).map((s) => s.text)).toEqual(['CANCIÓN']);
    expect(m1).toMatchObject({ conversation_id: 'v-jose', contact_name: 'José Núñez', origin: 'customer' });
    // Prefixes, several terms (all required), accents in the query.
    expect((await search('q=CANCIÓ%20boda')).messages.map((m) => m.message_id).sort()).toEqual(['m1', 'm2']);
    expect((await search('q=zzz')).messages).toEqual([]);
  });

  it('finds contacts by name and number, and keeps to what the caller may see', async () => {
    const all = await search('q=jose');
    expect(all.contacts.map((c) => c.contact_id).sort()).toEqual(['c-jose', 'c-other']);
    expect(all.contacts.find((c) => c.contact_id === 'c-jose')).toMatchObject({
      conversation_id: 'v-jose',
      display_name: 'José Núñez',
    });
    expect((await search('q=34600333')).contacts.map((c) => c.contact_id)).toEqual(['c-ana']);
    const scoped = await t.token({ wabaId: WABA, role: 'agent' });
    const mine = await search('q=cancion', scoped);
    expect(mine.messages.map((m) => m.message_id).sort()).toEqual(['m1', 'm2', 'm5']);
    expect((await search('q=jose', scoped)).contacts.map((c) => c.contact_id)).toEqual(['c-jose']);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/search?q=cancion&conversation_id=v-other',
      headers: { authorization: `Bearer ${scoped}` },
    });
    expect(denied.statusCode).toBe(404);
    const within = await search('q=cancion&conversation_id=v-jose');
    expect(within.messages.map((m) => m.message_id).sort()).toEqual(['m1', 'm5']);
    expect(within.contacts).toEqual([]);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/search?q=',
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('follows edits, revokes and renames in the same transaction, and removeFromSearch erases a contact', async () => {
    await t.db
      .updateTable('messages')
      .set({ edited_content_json: JSON.stringify({ body: 'ahora dice guitarra' }) })
      .where('id', '=', 'm1')
      .execute();
    await t.db.updateTable('messages').set({ deleted_at: T0 }).where('id', '=', 'm2').execute();
    await t.db.updateTable('contacts').set({ profile_name: 'Anabel' }).where('id', '=', 'c-ana').execute();
    expect((await search('q=cancion')).messages.map((m) => m.message_id).sort()).toEqual(['m4', 'm5']);
    expect((await search('q=guitarra')).messages.map((m) => m.message_id)).toEqual(['m1']);
    expect((await search('q=anabel')).contacts.map((c) => c.contact_id)).toEqual(['c-ana']);
    await t.db.transaction().execute((trx) => removeFromSearch(trx, { contactId: 'c-jose' }));
    expect((await search('q=guitarra')).messages).toEqual([]);
    expect((await search('q=jose')).contacts.map((c) => c.contact_id)).toEqual(['c-other']);
    expect((await search('q=cancion')).messages.map((m) => m.message_id)).toEqual(['m4']);
  });
});
