import { DEFAULT_LANGUAGE, type Language, matchLanguage } from '../platform/languages.ts';

/** The hosted opt-in page's own words in each language (`{business}` is the number's name). */
export type HostedPageTexts = {
  readonly title: string;
  readonly heading: string;
  readonly phoneLabel: string;
  readonly subscribe: string;
  readonly phoneInvalid: string;
  readonly agreeMissing: string;
  readonly subscribedTitle: string;
  readonly thanks: string;
  readonly subscribed: string;
  readonly notFoundTitle: string;
  readonly notFound: string;
  /** The consent sentence when the business wrote none (`DEFAULT_PAGE_WORDING` in English). */
  readonly wording: string;
  /** `{business}` when the number has no verified name. */
  readonly us: string;
};

export const HOSTED_PAGE_TEXTS: Record<Language, HostedPageTexts> = {
  en: {
    title: 'Subscribe to {business} on WhatsApp',
    heading: 'Get our messages on WhatsApp',
    phoneLabel: 'Your WhatsApp number (with country code)',
    subscribe: 'Subscribe',
    phoneInvalid: 'Enter your WhatsApp number with its country code.',
    agreeMissing: 'Tick the box to agree to receive messages.',
    subscribedTitle: 'Subscribed',
    thanks: 'Thank you!',
    subscribed: 'You will receive our messages on WhatsApp. Reply STOP at any time to stop them.',
    notFoundTitle: 'Not found',
    notFound: 'No such page.',
    wording:
      'I agree to receive marketing messages (offers, news) from {business} on WhatsApp. I can reply STOP at any time to stop them.',
    us: 'us',
  },
  es: {
    title: 'Suscríbete a {business} en WhatsApp',
    heading: 'Recibe nuestros mensajes en WhatsApp',
    phoneLabel: 'Tu número de WhatsApp (con el prefijo del país)',
    subscribe: 'Suscribirme',
    phoneInvalid: 'Escribe tu número de WhatsApp con el prefijo del país.',
    agreeMissing: 'Marca la casilla para aceptar recibir mensajes.',
    subscribedTitle: 'Suscrito',
    thanks: '¡Gracias!',
    subscribed:
      'Recibirás nuestros mensajes en WhatsApp. Responde BAJA en cualquier momento para dejar de recibirlos.',
    notFoundTitle: 'No encontrado',
    notFound: 'Esta página no existe.',
    wording:
      'Acepto recibir mensajes de marketing (ofertas, novedades) de {business} por WhatsApp. Puedo responder BAJA en cualquier momento para dejar de recibirlos.',
    us: 'nosotros',
  },
  'pt-BR': {
    title: 'Inscreva-se em {business} no WhatsApp',
    heading: 'Receba nossas mensagens no WhatsApp',
    phoneLabel: 'Seu número de WhatsApp (com o código do país)',
    subscribe: 'Inscrever-me',
    phoneInvalid: 'Digite seu número de WhatsApp com o código do país.',
    agreeMissing: 'Marque a caixa para aceitar receber mensagens.',
    subscribedTitle: 'Inscrito',
    thanks: 'Obrigado!',
    subscribed:
      'Você receberá nossas mensagens no WhatsApp. Responda SAIR a qualquer momento para parar de recebê-las.',
    notFoundTitle: 'Não encontrado',
    notFound: 'Esta página não existe.',
    wording:
      'Aceito receber mensagens de marketing (ofertas, novidades) de {business} pelo WhatsApp. Posso responder SAIR a qualquer momento para parar de recebê-las.',
    us: 'nós',
  },
};

/** The visitor's language from `Accept-Language` (by preference), else `fallback`. */
export function visitorLanguage(acceptLanguage: string | undefined, fallback: Language | null): Language {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((t) => t.tag && t.tag !== '*' && !Number.isNaN(t.q) && t.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((t) => t.tag);
  return matchLanguage(tags) ?? fallback ?? DEFAULT_LANGUAGE;
}
