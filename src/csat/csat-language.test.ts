import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerLanguage, languageOfPhone } from '../contacts/contact-language.ts';
import type { EventTables } from '../platform/events/event.table.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { startSubscriberWorker } from '../platform/events/subscriber-worker.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedContact, seedConversation, seedNumber, T0, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { csatSubscriber, SURVEY_TEXTS } from './csat.subscriber.ts';

describe('the language the hub writes to a customer in', () => {
  it('is the contact’s language attribute, else their number’s country, else the business number’s', () => {
    expect(languageOfPhone('5511987654321')).toBe('pt-BR');
    expect(languageOfPhone('34600111222')).toBe('es');
    expect(languageOfPhone('5215512345678')).toBe('es');
    expect(languageOfPhone('18095551234')).toBe('es');
    expect(languageOfPhone('16505551234')).toBe('en');
    expect(languageOfPhone('33612345678')).toBeNull();
    expect(customerLanguage({ attributesJson: '{"language":"pt_BR"}', waId: '34600111222' })).toBe('pt-BR');
    expect(
      customerLanguage({ attributesJson: '{}', waId: '33612345678', businessPhone: '+34 910 000 000' }),
    ).toBe('es');
    expect(customerLanguage({ waId: null, businessPhone: null })).toBe('en');
  });
});

describe.each(testDialects)('the CSAT survey in the customer’s language (%s)', (dialect) => {
  let fx: TestApp;
  const drain = async () => {
    const worker = startSubscriberWorker({
      db: fx.db as unknown as Kysely<EventTables>,
      subscribers: [csatSubscriber],
      clock: fx.clock,
      autoStart: false,
      gapGraceMs: 0,
      context: fx.deps,
    });
    while ((await worker.runOnce()) > 0) {
      // until nothing is left
    }
    await worker.stop();
  };
  const setQuestion = (question: string | null) =>
    fx.db
      .updateTable('analytics_number_settings')
      .set({ csat_question: question })
      .where('phone_number_id', '=', NUMBER)
      .execute();

  /** Resolves a new conversation of a contact with `waId`; the survey message's content. */
  const resolve = async (id: string, waId: string) => {
    await seedContact(fx.db, { id: `ct-${id}`, phone_number_id: NUMBER, wa_id: waId });
    await seedConversation(fx.db, {
      id,
      phone_number_id: NUMBER,
      contact_id: `ct-${id}`,
      window_expires_at: fx.clock.now() + 86_400_000,
      created_at: fx.clock.now(),
    });
    await recordEvent(
      fx.db,
      {
        type: 'conversation.resolved',
        phoneNumberId: NUMBER,
        payload: { conversation_id: id, actor: { kind: 'user', id: 'u-1' } },
      },
      fx.clock.now(),
    );
    await drain();
    const survey = await fx.db
      .selectFrom('csat_surveys')
      .select('message_id')
      .where('conversation_id', '=', id)
      .executeTakeFirstOrThrow();
    const message = await fx.db
      .selectFrom('messages')
      .select('content_json')
      .where('id', '=', survey.message_id)
      .executeTakeFirstOrThrow();
    return JSON.parse(message.content_json) as {
      body: { text: string };
      action: { button: string; sections: { title: string; rows: { title: string }[] }[] };
    };
  };

  beforeAll(async () => {
    fx = await buildTestApp(dialect);
    fx.clock.set(T0);
    await seedNumber(fx.db, { id: NUMBER, waba_id: WABA });
    await fx.db
      .insertInto('analytics_number_settings')
      .values({
        phone_number_id: NUMBER,
        time_zone: 'UTC',
        first_response_target_ms: null,
        resolution_target_ms: null,
        csat_enabled: 1,
        csat_template_name: null,
        csat_template_language: null,
        csat_question: null,
        updated_at: T0,
      })
      .execute();
    await drain();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('asks a Brazilian customer in Portuguese and a Spanish one in Spanish, by default', async () => {
    const brazil = await resolve('c-br', '5511987654321');
    expect(brazil.body.text).toBe(SURVEY_TEXTS['pt-BR'].question);
    expect(brazil.action.button).toBe('Avaliar');
    expect(brazil.action.sections[0]?.rows.map((r) => r.title)).toEqual([
      '5 - Excelente',
      '4 - Bom',
      '3 - Regular',
      '2 - Ruim',
      '1 - Muito ruim',
    ]);
    const spain = await resolve('c-es', '34600111222');
    expect(spain.body.text).toBe(SURVEY_TEXTS.es.question);
    expect(spain.action.sections[0]?.title).toBe('Tu valoración');
  });

  it('keeps the question the business wrote, with the buttons in the customer’s language', async () => {
    await setQuestion('¿Qué tal te hemos atendido hoy?');
    const survey = await resolve('c-es-own', '34600333444');
    expect(survey.body.text).toBe('¿Qué tal te hemos atendido hoy?');
    expect(survey.action.button).toBe('Valorar');
    await setQuestion(null);
  });
});
