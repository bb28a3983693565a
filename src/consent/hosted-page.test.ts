import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedInbox } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { consentHistory } from './consent-ledger.ts';
import { writeConsentSettings } from './consent-settings.ts';
import { HOSTED_PAGE_TEXTS, visitorLanguage } from './hosted-page.texts.ts';

describe('the hosted opt-in page’s language', () => {
  it('is the visitor’s first supported Accept-Language, else the number’s country', () => {
    expect(visitorLanguage('fr-FR,fr;q=0.9,pt;q=0.8,en;q=0.5', null)).toBe('pt-BR');
    expect(visitorLanguage('es-MX', 'en')).toBe('es');
    expect(visitorLanguage('de-DE', 'es')).toBe('es');
    expect(visitorLanguage(undefined, null)).toBe('en');
  });
});

describe.each(testDialects)('the hosted opt-in page in the visitor’s language (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
  });
  afterAll(async () => t?.close());

  it('speaks Spanish to a Spanish browser and records the Spanish sentence it showed', async () => {
    const page = await t.app.inject({
      url: `/optin/${NUMBER}`,
      headers: { 'accept-language': 'es-ES,es;q=0.9' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain(HOSTED_PAGE_TEXTS.es.heading);
    expect(page.body).toContain('Acepto recibir mensajes de marketing');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/optin/${NUMBER}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'es' },
      payload: 'phone=%2B34+600+123+456',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(HOSTED_PAGE_TEXTS.es.agreeMissing);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/optin/${NUMBER}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'es' },
      payload: 'phone=%2B34+600+123+456&agree=yes',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain('¡Gracias!');
    const contact = await t.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', '34600123456')
      .executeTakeFirstOrThrow();
    const [record] = await consentHistory(t.db, { contactId: contact.id });
    expect(record?.wording).toMatch(/^Acepto recibir mensajes de marketing/);
  });

  it('keeps the wording the business wrote, whatever the visitor’s language', async () => {
    await writeConsentSettings(t.db, {
      phoneNumberId: NUMBER,
      patch: { pageWording: 'Quiero recibir las ofertas de {business}.' },
      by: null,
      now: Date.now(),
    });
    const page = await t.app.inject({ url: `/optin/${NUMBER}`, headers: { 'accept-language': 'pt-BR' } });
    expect(page.body).toContain('<html lang="pt-BR">');
    expect(page.body).toContain(HOSTED_PAGE_TEXTS['pt-BR'].heading);
    expect(page.body).toContain('Quiero recibir las ofertas de');
    expect(page.body).not.toContain('Aceito receber');
  });
});
