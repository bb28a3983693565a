import type { Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../database.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedInbox, seedMessage } from '../testing/seed.ts';
import { selectCounter, triedAndRolledBack } from '../testing/statements.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { defaultKeywordLists, defaultKeywords, matchKeyword } from './consent-keywords.ts';
import { consentHistory, consentState } from './consent-ledger.ts';
import { writeConsentSettings } from './consent-settings.ts';
import { applyKeyword, consentKeywordSubscriber } from './keyword.subscriber.ts';

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
  it('handles a slice of messages as one by one, reading the messages and the settings once', async () => {
    const words = ['STOP', 'hello', 'START', 'please stop', 'Baja', 'START'];
    const events: StoredEvent<'message.received'>[] = [];
    for (const [i, body] of words.entries()) {
      const id = `slice-${i}`;
      await seedMessage(t.db, {
        id,
        wamid: `wamid.slice-${i}`,
        phone_number_id: NUMBER,
        conversation_id: 'conversation-a',
        contact_id: 'contact-a',
        content_json: JSON.stringify({ body }),
        timestamp: t.clock.now() + i,
      });
      events.push({
        id: 1000 + i,
        at: t.clock.now() + i,
        type: 'message.received',
        phoneNumberId: NUMBER,
        payload: {
          message_id: id,
          conversation_id: 'conversation-a',
          contact_id: 'contact-a',
          wamid: `wamid.slice-${i}`,
          content_type: 'text',
        },
      } as unknown as StoredEvent<'message.received'>);
    }
    // The hub's context without its signals: no sender is woken after these rolled-back tries.
    const context = { config: t.deps.config, clock: t.deps.clock };
    const outcome = async (work: (trx: Transaction<DB>) => Promise<void>) => {
      const reads = selectCounter(['consent_settings', 'messages']);
      return triedAndRolledBack(t.db.withPlugin(reads.plugin), work, async (trx) => {
        const counted = { settings: reads.of('consent_settings'), messages: reads.of('messages') };
        const records = await trx
          .selectFrom('consent_records')
          .select(['action', 'source', 'evidence', 'at', 'wording_sha256'])
          .orderBy('at')
          .execute();
        const replies = await trx
          .selectFrom('messages')
          .select('content_json')
          .where('origin', '=', 'bot')
          .orderBy('seq')
          .execute();
        const final = (
          await consentState(trx as never, { contactId: 'contact-a', numberId: NUMBER, scope: 'marketing' })
        ).state;
        return { records, replies: replies.map((r) => JSON.parse(r.content_json).body), final, counted };
      });
    };
    const one = await outcome(async (trx) => {
      for (const e of events) await consentKeywordSubscriber.handle(trx as never, e, context);
    });
    const batch = await outcome(async (trx) => {
      await consentKeywordSubscriber.handleBatch?.(trx as never, events, context);
    });
    expect(one.records.map((r) => [r.action, r.evidence])).toEqual([
      ['opt_out', 'wamid:wamid.slice-0'],
      ['opt_in', 'wamid:wamid.slice-2'],
      ['opt_out', 'wamid:wamid.slice-4'],
      ['opt_in', 'wamid:wamid.slice-5'],
    ]);
    expect(one.replies).toHaveLength(4);
    expect(one.final).toBe('opted_in');
    expect({ ...batch, counted: null }).toEqual({ ...one, counted: null });
    expect(one.counted.settings).toBe(words.length);
    expect(batch.counted.settings).toBe(1);
    // One read of the six messages instead of six (the confirmations' own reads are the same).
    expect(batch.counted.messages).toBe(one.counted.messages - (words.length - 1));
  });
});
