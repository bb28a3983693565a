import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedInbox, seedMessage } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { defaultKeywordLists, defaultKeywords, matchKeyword } from './consent-keywords.ts';
import { consentHistory, consentState } from './consent-ledger.ts';
import { writeConsentSettings } from './consent-settings.ts';
import { applyKeyword } from './keyword.subscriber.ts';

describe('keyword matching (pure)', () => {
  it('has defaults in at least ten languages, with the keywords the issue names', () => {
    expect(defaultKeywords.length).toBeGreaterThanOrEqual(10);
    const { optOut, optIn } = defaultKeywordLists();
    for (const k of [
      'STOP',
      'UNSUBSCRIBE',
      'CANCEL',
      'END',
      'QUIT',
      'STOP ALL',
      'REVOKE',
      'OPT OUT',
      'BAJA',
      'CANCELAR',
      'PARAR',
      'SAIR',
    ])
      expect(optOut).toContain(k);
    expect(optIn).toContain('START');
    // No word both opts out and opts in.
    expect(optOut.filter((k) => optIn.includes(k))).toEqual([]);
  });
  it('matches the whole message, whatever the case, accents and surrounding punctuation', () => {
    const lists = defaultKeywordLists();
    expect(matchKeyword('  Stop! ', lists)?.action).toBe('opt_out');
    expect(matchKeyword('baja.', lists)?.action).toBe('opt_out');
    expect(matchKeyword('Arrêt', lists)?.action).toBe('opt_out');
    expect(matchKeyword('Kündigen', lists)?.action).toBe('opt_out');
    expect(matchKeyword('opt-out', lists)?.action).toBe('opt_out');
    expect(matchKeyword('start', lists)?.action).toBe('opt_in');
    expect(matchKeyword('please do not stop', lists)).toBeNull();
    expect(matchKeyword('stopwatch', lists)).toBeNull();
    expect(matchKeyword('', lists)).toBeNull();
  });
});

describe.each(testDialects)('opt-out and opt-in keywords on %s', (dialect) => {
  let t: TestApp;
  let n = 0;
  beforeEach(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
  });
  afterEach(async () => t.close());

  const customerWrites = async (body: string, extra: Record<string, unknown> = {}) => {
    n += 1;
    const id = `kw-${n}`;
    await seedMessage(t.db, {
      id,
      phone_number_id: NUMBER,
      conversation_id: 'conversation-a',
      contact_id: 'contact-a',
      content_json: JSON.stringify({ body }),
      timestamp: t.clock.now() + n,
      ...extra,
    });
    return t.db.transaction().execute((trx) => applyKeyword(trx, t.deps, id, t.clock.now()));
  };
  const state = async () =>
    (await consentState(t.db, { contactId: 'contact-a', numberId: NUMBER, scope: 'marketing' })).state;

  it('every default keyword of every language opts out or back in, recorded with the exact words', async () => {
    let records = 0;
    for (const language of defaultKeywords) {
      for (const keyword of language.optOut) {
        expect((await customerWrites(keyword.toLowerCase()))?.action, `${language.language} ${keyword}`).toBe(
          'opt_out',
        );
        expect(await state(), `${language.language} ${keyword}`).toBe('opted_out');
        records += 1;
      }
      for (const keyword of language.optIn) {
        expect((await customerWrites(keyword))?.action, `${language.language} ${keyword}`).toBe('opt_in');
        expect(await state(), `${language.language} ${keyword}`).toBe('opted_in');
        records += 1;
      }
    }
    const history = await consentHistory(t.db, { contactId: 'contact-a', limit: 1000 });
    expect(history).toHaveLength(records);
    expect(
      history.every(
        (h) => h.source === 'keyword' && h.wording_sha256?.length === 64 && h.evidence?.startsWith('wamid:'),
      ),
    ).toBe(true);
  });

  it('never matches an echo, an imported message or a business message; a non-keyword changes nothing', async () => {
    expect(
      await customerWrites('STOP', { origin: 'business_app', direction: 'outbound', status: 'sent' }),
    ).toBeNull();
    expect(await customerWrites('STOP', { origin: 'history' })).toBeNull();
    expect(await customerWrites('please stop by the shop tomorrow')).toBeNull();
    expect(await state()).toBe('none');
  });

  it('queues the confirmation through the send path; the number’s own keywords and reply replace the defaults', async () => {
    const done = await customerWrites('BAJA');
    expect(done?.replyMessageId).toBeTruthy();
    const reply = await t.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', done!.replyMessageId!)
      .executeTakeFirstOrThrow();
    expect(reply).toMatchObject({ direction: 'outbound', origin: 'bot', status: 'queued', type: 'text' });
    expect(JSON.parse(reply.content_json).body).toMatch(/ALTA/); // the Spanish default confirmation
    await t.db.transaction().execute((trx) =>
      writeConsentSettings(trx, {
        phoneNumberId: NUMBER,
        patch: { optOutKeywords: ['NO MAS'], optInKeywords: ['VOLVER'], optInReply: 'Bienvenido de nuevo.' },
        by: null,
        now: t.clock.now(),
      }),
    );
    expect(await customerWrites('start')).toBeNull();
    const back = await customerWrites('volver');
    expect(back?.action).toBe('opt_in');
    const welcome = await t.db
      .selectFrom('messages')
      .select('content_json')
      .where('id', '=', back!.replyMessageId!)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(welcome.content_json).body).toBe('Bienvenido de nuevo.');
    expect((await customerWrites('No más!'))?.action).toBe('opt_out');
    expect(await state()).toBe('opted_out');
  });
});
