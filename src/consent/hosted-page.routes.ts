import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { findOrCreateContact, normalizePhone } from '../contacts/contact.repository.ts';
import { languageOfPhone } from '../contacts/contact-language.ts';
import { withEvents } from '../platform/events/with-events.ts';
import type { Language } from '../platform/languages.ts';
import { recordConsent } from './consent-ledger.ts';
import { consentSettingsOf, DEFAULT_PAGE_WORDING } from './consent-settings.ts';
import { HOSTED_PAGE_TEXTS, type HostedPageTexts, visitorLanguage } from './hosted-page.texts.ts';

/**
 * The hosted opt-in page of a number (`/optin/:phone_number_id`): a real, public page the business
 * links to or embeds in its website (an iframe; this page alone may be framed). The customer leaves
 * their WhatsApp number and ticks the box; the hub records an opt-in with the exact wording shown,
 * its SHA-256, the time, the IP address and the user agent. The page speaks the visitor's language
 * (`Accept-Language`, else the number's country; `hosted-page.texts.ts`), and so does the consent
 * sentence unless the business wrote its own.
 */

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(language: Language, title: string, body: string): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1b1e}
h1{font-size:1.25rem}label{display:block;margin:.75rem 0 .25rem}input[type=tel],input[type=text]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
.consent{display:flex;gap:.5rem;align-items:flex-start;margin:1rem 0}button{background:#128c7e;color:#fff;border:0;padding:.6rem 1.2rem;font-size:1rem;border-radius:4px;cursor:pointer}
.error{color:#c92a2a}.ok{color:#2b8a3e}</style></head><body>${body}</body></html>`;
}

function framable(reply: FastifyReply): FastifyReply {
  // Embeddable: any site may frame this page (and only this page); nothing else is loosened.
  reply.header(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors *; base-uri 'none'",
  );
  reply.removeHeader('x-frame-options');
  return reply.type('text/html; charset=utf-8');
}

export function hostedPageRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    const numberOf = async (id: string) =>
      deps.database.db
        .selectFrom('phone_numbers')
        .select(['id', 'verified_name', 'display_phone_number'])
        .where('id', '=', id)
        .executeTakeFirst();
    type Visit = { language: Language; texts: HostedPageTexts; business: string };
    const visitOf = (
      headers: { 'accept-language'?: string | undefined },
      number: { verified_name: string | null; display_phone_number: string } | undefined,
    ): Visit => {
      const language = visitorLanguage(
        headers['accept-language'],
        number ? languageOfPhone(number.display_phone_number) : null,
      );
      const texts = HOSTED_PAGE_TEXTS[language];
      return { language, texts, business: number?.verified_name ?? texts.us };
    };
    /** The consent sentence shown (and recorded): the business's own, else the default in the visitor's language. */
    const wordingFor = async (number: { id: string }, visit: Visit) => {
      const own = (await consentSettingsOf(deps.database.db, number.id)).pageWording;
      return (own === DEFAULT_PAGE_WORDING ? visit.texts.wording : own).replaceAll(
        '{business}',
        visit.business,
      );
    };
    const notFound = (visit: Visit) =>
      page(visit.language, visit.texts.notFoundTitle, `<p>${esc(visit.texts.notFound)}</p>`);

    const form = (numberId: string, visit: Visit, wording: string, error?: string, phone = '') =>
      page(
        visit.language,
        visit.texts.title.replaceAll('{business}', visit.business),
        `<h1>${esc(visit.texts.heading)}</h1>${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/optin/${esc(encodeURIComponent(numberId))}">
<label for="phone">${esc(visit.texts.phoneLabel)}</label><input id="phone" name="phone" type="tel" required value="${esc(phone)}" autocomplete="tel">
<div class="consent"><input id="agree" name="agree" type="checkbox" value="yes" required><label for="agree" style="margin:0">${esc(wording)}</label></div>
<button type="submit">${esc(visit.texts.subscribe)}</button></form>`,
      );

    app.get<{ Params: { phone_number_id: string } }>('/optin/:phone_number_id', async (request, reply) => {
      const number = await numberOf(request.params.phone_number_id);
      const visit = visitOf(request.headers, number);
      if (!number) return framable(reply.code(404)).send(notFound(visit));
      return framable(reply).send(form(number.id, visit, await wordingFor(number, visit)));
    });

    app.post<{ Params: { phone_number_id: string }; Body: Record<string, string> }>(
      '/optin/:phone_number_id',
      async (request, reply) => {
        const number = await numberOf(request.params.phone_number_id);
        const visit = visitOf(request.headers, number);
        if (!number) return framable(reply.code(404)).send(notFound(visit));
        const wording = await wordingFor(number, visit);
        const body = (request.body ?? {}) as Record<string, string>;
        const phoneRaw = typeof body.phone === 'string' ? body.phone.slice(0, 40) : '';
        const phone = /^\+?[\d\s().-]+$/.test(phoneRaw) ? normalizePhone(phoneRaw) : null;
        if (!phone || phone.length < 8 || phone.length > 15)
          return framable(reply.code(422)).send(
            form(number.id, visit, wording, visit.texts.phoneInvalid, phoneRaw),
          );
        if (body.agree !== 'yes')
          return framable(reply.code(422)).send(
            form(number.id, visit, wording, visit.texts.agreeMissing, phoneRaw),
          );
        const now = deps.clock.now();
        await withEvents(deps, async (trx) => {
          const contact = await findOrCreateContact(trx, { phoneNumberId: number.id, waId: phone, at: now });
          if (!contact) throw new Error('no contact for a valid phone number');
          await recordConsent(trx, {
            contactId: contact.id,
            numberId: number.id,
            scope: 'marketing',
            action: 'opt_in',
            source: 'hosted_page',
            wording,
            ip: request.ip,
            userAgent: String(request.headers['user-agent'] ?? '').slice(0, 500) || null,
            evidence: `hosted page /optin/${number.id}`,
            actor: null,
            at: now,
            now,
          });
        });
        return framable(reply).send(
          page(
            visit.language,
            visit.texts.subscribedTitle,
            `<h1 class="ok">${esc(visit.texts.thanks)}</h1><p>${esc(visit.texts.subscribed)}</p>`,
          ),
        );
      },
    );
  };
}
