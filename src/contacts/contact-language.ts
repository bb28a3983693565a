import { isLanguage, type Language, matchLanguage } from '../platform/languages.ts';

/*
 * The language to write to a customer in, for the texts the hub composes itself (CSAT survey,
 * consent confirmations): the contact's `language` attribute when set (an import, a rule, an
 * agent), else the country of their WhatsApp number, else the country of the business number,
 * else English. A text the business configured is never replaced.
 */

const PORTUGUESE = ['55', '351', '244', '258', '238', '245', '239', '670'];
const SPANISH = [
  '34',
  '52',
  '54',
  '56',
  '57',
  '58',
  '51',
  '53',
  '591',
  '593',
  '595',
  '598',
  '502',
  '503',
  '504',
  '505',
  '506',
  '507',
  '240',
  '1809',
  '1829',
  '1849',
  '1787',
  '1939',
];
const ENGLISH = ['1', '44', '61', '64', '353', '65', '852', '91', '27', '234', '254', '63'];

/** The supported language most spoken where a phone number (digits, E.164 without `+`) is registered. */
export function languageOfPhone(digits: string | null | undefined): Language | null {
  const d = (digits ?? '').replace(/\D/g, '');
  if (!d) return null;
  // The longest matching country code wins (1809 before 1).
  for (const length of [4, 3, 2, 1]) {
    const prefix = d.slice(0, length);
    if (PORTUGUESE.includes(prefix)) return 'pt-BR';
    if (SPANISH.includes(prefix)) return 'es';
    if (ENGLISH.includes(prefix)) return 'en';
  }
  return null;
}

/** The language of a contact's `attributes_json` `language` attribute (`es`, `pt_BR`, `Português`…), if any. */
function attributeLanguage(attributesJson: string | null | undefined): Language | null {
  if (!attributesJson) return null;
  try {
    const value = (JSON.parse(attributesJson) as Record<string, unknown>).language;
    if (typeof value !== 'string') return null;
    return isLanguage(value) ? value : matchLanguage(value);
  } catch {
    return null;
  }
}

/** The language to write to this customer in (see the top of this file). */
export function customerLanguage(input: {
  attributesJson?: string | null;
  waId?: string | null;
  businessPhone?: string | null;
}): Language {
  return (
    attributeLanguage(input.attributesJson) ??
    languageOfPhone(input.waId) ??
    languageOfPhone(input.businessPhone) ??
    'en'
  );
}
