import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consentHistory, consentState } from '../consent/consent-ledger.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedInbox, seedMessage, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { countAudience, resolveAudience } from './audience.ts';
import { runContactImport } from './contact-import.job.ts';
import { validateImport } from './contact-import.ts';

const CSV = [
  'phone,name,consent,consent_at,evidence,wording,city,tier',
  '+1 650 555 0101,Ana,opt_in,2026-11-01T10:00:00Z,web form 2026-11,Yes send me offers,Lisbon,gold',
  '16505550102,Bruno,,,,,Porto,',
  'not-a-phone,Carla,opt_in,,paper form,,Faro,', // bad phone
  '16505550103,Dora,opt_in,,,,Braga,', // consent without evidence
  '16505550101,Ana again,,,,,,', // duplicate of row 2
  '16505550104,Eva,maybe,,form,,Lisbon,', // bad consent value
  '16505550105,Fabio,opt_out,,called to unsubscribe,,Lisbon,silver',
].join('\n');

describe('CSV validation (pure)', () => {
  it('reports every bad row with its reason and keeps the good ones', () => {
    const r = validateImport(CSV, Date.parse('2026-11-25T00:00:00Z'));
    expect(r.total).toBe(7);
    expect(r.valid.map((v) => v.phone)).toEqual(['16505550101', '16505550102', '16505550105']);
    expect(r.rejects.map((x) => [x.row, x.reason])).toEqual([
      [4, expect.stringContaining('phone "not-a-phone"')],
      [5, expect.stringContaining('without evidence')],
      [6, 'phone 16505550101 is already on row 2'],
      [7, expect.stringContaining('consent "maybe"')],
    ]);
    // Each reason also has a stable code and its values, which the web app's catalogues translate.
    expect(r.rejects.map((x) => [x.code, x.params])).toEqual([
      ['phone_characters', { phone: 'not-a-phone' }],
      ['consent_without_evidence', {}],
      ['phone_duplicate', { phone: '16505550101', row: '2' }],
      ['consent_value', { value: 'maybe' }],
    ]);
    for (const lang of ['en', 'es', 'pt-BR']) {
      const catalogue = JSON.parse(
        readFileSync(new URL(`../../web/src/i18n/locales/${lang}/audiences.json`, import.meta.url), 'utf8'),
      ) as { import: { reasons: Record<string, string> } };
      for (const x of r.rejects) expect(catalogue.import.reasons[x.code], `${lang}: ${x.code}`).toBeTruthy();
    }
    expect(r.valid[0]?.attributes).toEqual({ city: 'Lisbon', tier: 'gold' });
    expect(() => validateImport('name,city\nAna,Lisbon', 0)).toThrow(/no "phone" column/);
    expect(() => validateImport('phone,name\n"16505550101,Ana', 0)).toThrow(/not valid CSV/);
  });
});

describe.each(testDialects)('contact import and segments on %s', (dialect) => {
  let t: TestApp;
  let auth: { authorization: string };
  beforeEach(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
    auth = { authorization: `Bearer ${await t.token({ role: 'admin' })}` };
  });
  afterEach(async () => t.close());

  const post = (url: string, payload: unknown) =>
    t.app.inject({ method: 'POST', url, headers: auth, payload: payload as object });
  const contactsOfNumber = async () =>
    (
      await t.db
        .selectFrom('contacts')
        .select('wa_id')
        .where('phone_number_id', '=', NUMBER)
        .orderBy('wa_id')
        .execute()
    ).map((c) => c.wa_id);

  it('all or nothing: a file with bad rows imports nothing and reports every bad row', async () => {
    const before = await contactsOfNumber();
    const res = await post('/api/contact-imports', {
      phone_number_id: NUMBER,
      mode: 'all_or_nothing',
      csv: CSV,
      file_name: 'x.csv',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ state: 'rejected', total_rows: 7, rejected_rows: 4, imported_rows: 0 });
    expect(body.rejects.map((r: { row: number }) => r.row)).toEqual([4, 5, 6, 7]);
    expect(
      await t.db.selectFrom('jobs').select('id').where('name', '=', 'audiences.contact-import').execute(),
    ).toHaveLength(0);
    expect(await contactsOfNumber()).toEqual(before);
    expect(await t.db.selectFrom('consent_records').select('id').execute()).toHaveLength(0);
  });

  it('a large import lets the node serve other work between its chunks, with the progress visible', async () => {
    const rows = ['phone,name,city'];
    for (let i = 0; i < 700; i++) rows.push(`3461${String(1_000_000 + i)},Cliente ${i},Madrid`);
    const res = await post('/api/contact-imports', {
      phone_number_id: NUMBER,
      mode: 'valid_only',
      csv: rows.join('\n'),
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    // What another request would see when the event loop first turns after the import starts.
    let seen: number | null = null;
    const seenAt = new Promise<void>((resolve) =>
      setImmediate(async () => {
        const row = await t.db
          .selectFrom('contact_imports')
          .select('processed_rows')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        seen = Number(row.processed_rows);
        resolve();
      }),
    );
    // Every chunk ends its turn here (a turn is otherwise 100 ms, longer than this file takes).
    await Promise.all([runContactImport(t.deps, id, { turnMs: 0 }), seenAt]);
    // Before the import ended (on SQLite, whose queries never wait for I/O, only thanks to the yield).
    expect(seen).toBeLessThan(700);
    const done = (
      await t.app.inject({ method: 'GET', url: `/api/contact-imports/${id}`, headers: auth })
    ).json();
    expect(done).toMatchObject({ state: 'done', processed_rows: 700, imported_rows: 700 });
  }, 120_000);

  it('an import onto existing contacts merges attributes, keeps their names, and an opt-out moves the ledger and the contact', async () => {
    await t.db
      .updateTable('contacts')
      .set({ attributes_json: JSON.stringify({ city: 'Porto', vip: 'yes' }) })
      .where('id', '=', 'contact-a')
      .execute();
    const first = await post('/api/contact-imports', {
      phone_number_id: NUMBER,
      mode: 'all_or_nothing',
      csv: 'phone,name,consent,evidence,city\n16505551234,Someone else,opt_in,web form,Lisbon\n16505550199,New,,,Faro',
    });
    expect(first.statusCode, first.body).toBe(201);
    await runContactImport(t.deps, first.json().id);
    const second = await post('/api/contact-imports', {
      phone_number_id: NUMBER,
      mode: 'all_or_nothing',
      csv: 'phone,consent,evidence\n16505551234,opt_out,called us',
    });
    const done = await runContactImport(t.deps, second.json().id).then(() =>
      t.app.inject({ url: `/api/contact-imports/${second.json().id}`, headers: auth }),
    );
    expect(done.json()).toMatchObject({ state: 'done', imported_rows: 1 });
    const ana = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', 'contact-a')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(ana.attributes_json)).toEqual({ city: 'Lisbon', vip: 'yes' });
    // The contact has a profile name: the file's name does not replace it.
    expect(ana.address_book_name).toBeNull();
    expect(ana.marketing_opt_out).toBe(1);
    expect(
      (await consentState(t.db, { contactId: ana.id, numberId: NUMBER, scope: 'marketing' })).state,
    ).toBe('opted_out');
    expect((await consentHistory(t.db, { contactId: ana.id })).map((r) => r.action)).toEqual([
      'opt_out',
      'opt_in',
    ]);
    const events = await t.db
      .selectFrom('domain_events')
      .select(['fact', 'payload_json'])
      .where('fact', 'in', ['contact.created', 'contact.changed', 'contact.consent_changed'])
      .orderBy('id')
      .execute();
    // The new contact's row carries its attributes: `contact.created` alone says so.
    expect(events.map((e) => e.fact)).toEqual([
      'contact.created',
      'contact.changed',
      'contact.consent_changed',
      'contact.consent_changed',
    ]);
    expect(JSON.parse(events.at(-1)?.payload_json ?? '{}')).toMatchObject({
      contact_id: 'contact-a',
      from: 'opted_in',
      to: 'opted_out',
      applied: true,
    });
  });

  it('valid rows only: imports the good rows with attributes and consent evidence; rejected rows download as CSV', async () => {
    const res = await post('/api/contact-imports', { phone_number_id: NUMBER, mode: 'valid_only', csv: CSV });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ state: 'pending', valid_rows: 3, rejected_rows: 4 });
    await runContactImport(t.deps, created.id);
    const done = (await t.app.inject({ url: `/api/contact-imports/${created.id}`, headers: auth })).json();
    expect(done).toMatchObject({ state: 'done', processed_rows: 3, imported_rows: 3 });
    expect(await contactsOfNumber()).toEqual(
      expect.arrayContaining(['16505550101', '16505550102', '16505550105']),
    );
    const ana = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('wa_id', '=', '16505550101')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(ana.attributes_json)).toEqual({ city: 'Lisbon', tier: 'gold' });
    expect(ana.address_book_name).toBe('Ana');
    expect(
      (await consentState(t.db, { contactId: ana.id, numberId: NUMBER, scope: 'marketing' })).state,
    ).toBe('opted_in');
    const [record] = await consentHistory(t.db, { contactId: ana.id });
    expect(record).toMatchObject({
      source: 'csv_import',
      wording: 'Yes send me offers',
      at: Date.parse('2026-11-01T10:00:00Z'),
    });
    expect(record?.evidence).toContain('web form 2026-11');
    const fabio = await t.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', '16505550105')
      .executeTakeFirstOrThrow();
    expect(
      (await consentState(t.db, { contactId: fabio.id, numberId: NUMBER, scope: 'marketing' })).state,
    ).toBe('opted_out');
    // Rerunning the job (a crash after the last chunk) writes nothing twice.
    await runContactImport(t.deps, created.id);
    expect(await t.db.selectFrom('consent_records').select('id').execute()).toHaveLength(2);
    const rejected = await t.app.inject({
      url: `/api/contact-imports/${created.id}/rejected.csv`,
      headers: auth,
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.headers['content-type']).toContain('text/csv');
    const lines = rejected.body.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('phone,name,consent,consent_at,evidence,wording,city,tier,row,reason');
    expect(lines[1]).toContain('not-a-phone');
    // Segments over what was imported: attributes, consent state, number.
    const filter = {
      phone_number_id: NUMBER,
      attributes: [{ key: 'city', op: 'eq', value: 'lisbon' }],
      consent: ['opted_in'],
    };
    const count = await post('/api/segments/count', { filter });
    expect(count.json()).toEqual({ count: 1, sample: [ana.id] });
    const saved = await post('/api/segments', { name: 'Lisbon opted in', filter });
    expect(saved.statusCode, saved.body).toBe(201);
    const page = await t.app.inject({ url: `/api/segments/${saved.json().id}/contacts`, headers: auth });
    expect(page.json()).toEqual({ contact_ids: [ana.id], next_cursor: null });
    // The contact list filters by consent too.
    const list = await t.app.inject({
      url: `/api/contacts?phone_number_id=${NUMBER}&consent=opted_out`,
      headers: auth,
    });
    expect(list.json().data.map((c: { id: string }) => c.id)).toEqual([fabio.id]);
    const csv = await t.app.inject({
      url: `/api/consent/export.csv?phone_number_id=${NUMBER}&state=opted_in`,
      headers: auth,
    });
    expect(csv.body.split('\r\n')[1]).toContain(
      `${ana.id},${NUMBER},16505550101,Ana,opted_in,2026-11-01T10:00:00.000Z,csv_import`,
    );
  });

  it('resolves audiences by labels, conversation status, last customer message, last outbound and created date, in pages', async () => {
    const now = t.clock.now();
    const ids = await t.db
      .selectFrom('contacts')
      .select('id')
      .where('phone_number_id', '=', NUMBER)
      .execute();
    expect(ids.map((c) => c.id)).toEqual(['contact-a']);
    await t.db
      .insertInto('labels')
      .values({ id: 'l-vip', name: 'VIP', color: null, waba_id: WABA, created_at: now })
      .execute();
    const opts = { now };
    expect(await countAudience(t.db, { phone_number_id: NUMBER, labels: ['l-vip'] }, opts)).toBe(0);
    await t.db
      .insertInto('conversation_labels')
      .values({ conversation_id: 'conversation-a', label_id: 'l-vip', created_at: now })
      .execute();
    expect(await countAudience(t.db, { phone_number_id: NUMBER, labels: ['l-vip'] }, opts)).toBe(1);
    expect(await countAudience(t.db, { conversation_status: ['resolved'] }, opts)).toBe(0);
    expect(await countAudience(t.db, { conversation_status: ['open'] }, opts)).toBe(2);
    expect(await countAudience(t.db, { last_customer_message: { within_days: 1 } }, opts)).toBe(2);
    expect(await countAudience(t.db, { last_outbound: { never: true } }, opts)).toBe(2);
    await seedMessage(t.db, {
      id: 'out-1',
      phone_number_id: NUMBER,
      conversation_id: 'conversation-a',
      contact_id: 'contact-a',
      direction: 'outbound',
      origin: 'agent',
      status: 'sent',
      timestamp: now - 1000,
    });
    expect(await countAudience(t.db, { last_outbound: { within_days: 1 } }, opts)).toBe(1);
    expect(await countAudience(t.db, { last_outbound: { never: true } }, opts)).toBe(1);
    expect(await countAudience(t.db, { created: { before: new Date(now - 1).toISOString() } }, opts)).toBe(0);
    expect(await countAudience(t.db, { consent: ['none'] }, { ...opts, wabaIds: [WABA] })).toBe(1);
    const first = await resolveAudience(t.db, {}, { ...opts, size: 1 });
    expect(first.contactIds).toHaveLength(1);
    const second = await resolveAudience(t.db, {}, { ...opts, size: 1, after: first.next });
    expect(second.contactIds).toHaveLength(1);
    expect(second.contactIds[0]).not.toBe(first.contactIds[0]);
  });

  it('the hosted opt-in page is public, embeddable, and records the wording, IP and user agent', async () => {
    const page = await t.app.inject({ url: `/optin/${NUMBER}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.body).toContain('I agree to receive marketing messages');
    const bad = await t.app.inject({
      method: 'POST',
      url: `/optin/${NUMBER}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'phone=abc&agree=yes',
    });
    expect(bad.statusCode).toBe(422);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/optin/${NUMBER}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TestBrowser/1.0' },
      remoteAddress: '198.51.100.23',
      payload: 'phone=%2B1+650+555+0199&agree=yes',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const contact = await t.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', '16505550199')
      .executeTakeFirstOrThrow();
    const [record] = await consentHistory(t.db, { contactId: contact.id });
    expect(record).toMatchObject({
      source: 'hosted_page',
      action: 'opt_in',
      ip: '198.51.100.23',
      user_agent: 'TestBrowser/1.0',
    });
    expect(page.body).toContain(record?.wording?.slice(0, 40));
    expect(record?.wording_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
