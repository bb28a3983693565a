/**
 * Opt-out and opt-in keywords: the defaults in twelve languages, and the matching rule. A message
 * matches when, once normalised (trimmed, upper case, Latin accents and surrounding punctuation
 * removed, spaces collapsed), it is exactly one of the keywords: "STOP" and "Stop!" match, "please
 * don't stop" does not.
 */

export type KeywordLanguage = {
  readonly language: string;
  readonly label: string;
  readonly optOut: readonly string[];
  readonly optIn: readonly string[];
  readonly optOutReply: string;
  readonly optInReply: string;
};

export const defaultKeywords: readonly KeywordLanguage[] = [
  {
    language: 'en',
    label: 'English',
    optOut: [
      'STOP',
      'UNSUBSCRIBE',
      'CANCEL',
      'END',
      'QUIT',
      'STOP ALL',
      'STOPALL',
      'REVOKE',
      'OPT OUT',
      'OPTOUT',
    ],
    optIn: ['START', 'UNSTOP', 'SUBSCRIBE', 'OPT IN'],
    optOutReply: 'You will no longer receive marketing messages from us. Reply START to subscribe again.',
    optInReply: 'You are subscribed to our marketing messages again. Reply STOP to unsubscribe.',
  },
  {
    language: 'es',
    label: 'Español',
    optOut: ['BAJA', 'CANCELAR', 'PARAR', 'DETENER', 'DARME DE BAJA'],
    optIn: ['ALTA', 'INICIAR', 'SUSCRIBIR'],
    optOutReply: 'Ya no recibirás mensajes de marketing. Responde ALTA para volver a suscribirte.',
    optInReply:
      'Te has vuelto a suscribir a nuestros mensajes de marketing. Responde BAJA para darte de baja.',
  },
  {
    language: 'pt',
    label: 'Português',
    optOut: ['SAIR', 'PARAR', 'CANCELAR', 'DESCADASTRAR', 'DESINSCREVER'],
    optIn: ['VOLTAR', 'CADASTRAR', 'INSCREVER'],
    optOutReply: 'Você não receberá mais mensagens de marketing. Responda VOLTAR para se inscrever de novo.',
    optInReply: 'Você voltou a receber nossas mensagens de marketing. Responda SAIR para cancelar.',
  },
  {
    language: 'fr',
    label: 'Français',
    optOut: ['ARRET', 'ARRETER', 'DESABONNER', 'DESINSCRIRE', 'STOPPER'],
    optIn: ['COMMENCER', 'REABONNER'],
    optOutReply: 'Vous ne recevrez plus nos messages marketing. Répondez COMMENCER pour vous réabonner.',
    optInReply: 'Vous recevez de nouveau nos messages marketing. Répondez ARRET pour vous désabonner.',
  },
  {
    language: 'de',
    label: 'Deutsch',
    optOut: ['STOPP', 'ABMELDEN', 'KUNDIGEN', 'KUENDIGEN', 'BEENDEN', 'ABBESTELLEN'],
    optIn: ['ANMELDEN', 'STARTEN'],
    optOutReply:
      'Sie erhalten keine Marketingnachrichten mehr von uns. Antworten Sie ANMELDEN, um sie wieder zu erhalten.',
    optInReply: 'Sie erhalten wieder unsere Marketingnachrichten. Antworten Sie STOPP, um sich abzumelden.',
  },
  {
    language: 'it',
    label: 'Italiano',
    optOut: ['BASTA', 'FERMA', 'ANNULLA', 'DISISCRIVI', 'CANCELLAMI'],
    optIn: ['INIZIA', 'ISCRIVIMI'],
    optOutReply: 'Non riceverai più messaggi di marketing. Rispondi INIZIA per iscriverti di nuovo.',
    optInReply: 'Riceverai di nuovo i nostri messaggi di marketing. Rispondi BASTA per annullare.',
  },
  {
    language: 'nl',
    label: 'Nederlands',
    optOut: ['AFMELDEN', 'STOPPEN', 'UITSCHRIJVEN'],
    optIn: ['AANMELDEN', 'INSCHRIJVEN'],
    optOutReply: 'Je ontvangt geen marketingberichten meer. Antwoord AANMELDEN om je opnieuw aan te melden.',
    optInReply: 'Je ontvangt weer onze marketingberichten. Antwoord AFMELDEN om je af te melden.',
  },
  {
    language: 'hi',
    label: 'हिन्दी',
    optOut: ['रोकें', 'बंद करें', 'बंद', 'ROKO', 'BAND KARO'],
    optIn: ['शुरू', 'शुरू करें', 'SHURU'],
    optOutReply: 'अब आपको हमारे मार्केटिंग संदेश नहीं मिलेंगे। फिर से पाने के लिए शुरू लिखें।',
    optInReply: 'आपको फिर से हमारे मार्केटिंग संदेश मिलेंगे। बंद करने के लिए रोकें लिखें।',
  },
  {
    language: 'id',
    label: 'Bahasa Indonesia',
    optOut: ['BERHENTI', 'BATAL', 'KELUAR', 'STOP LANGGANAN'],
    optIn: ['MULAI', 'LANGGANAN'],
    optOutReply: 'Anda tidak akan menerima pesan pemasaran lagi. Balas MULAI untuk berlangganan kembali.',
    optInReply: 'Anda kembali menerima pesan pemasaran kami. Balas BERHENTI untuk berhenti.',
  },
  {
    language: 'tr',
    label: 'Türkçe',
    optOut: ['DUR', 'IPTAL', 'ABONELIKTEN CIK'],
    optIn: ['BASLA', 'ABONE OL'],
    optOutReply: 'Artık pazarlama mesajlarımızı almayacaksınız. Yeniden abone olmak için BAŞLA yazın.',
    optInReply: 'Pazarlama mesajlarımızı yeniden alacaksınız. Durdurmak için DUR yazın.',
  },
  {
    language: 'ar',
    label: 'العربية',
    optOut: ['إيقاف', 'الغاء', 'إلغاء', 'توقف'],
    optIn: ['ابدأ', 'اشتراك'],
    optOutReply: 'لن تصلك رسائلنا التسويقية بعد الآن. أرسل ابدأ للاشتراك من جديد.',
    optInReply: 'ستصلك رسائلنا التسويقية من جديد. أرسل إيقاف لإلغاء الاشتراك.',
  },
  {
    language: 'ru',
    label: 'Русский',
    optOut: ['СТОП', 'ОТПИСАТЬСЯ', 'ОТМЕНА'],
    optIn: ['СТАРТ', 'ПОДПИСАТЬСЯ'],
    optOutReply:
      'Вы больше не будете получать наши маркетинговые сообщения. Отправьте СТАРТ, чтобы подписаться снова.',
    optInReply: 'Вы снова подписаны на наши маркетинговые сообщения. Отправьте СТОП, чтобы отписаться.',
  },
];

/** Upper case, Latin accents off (é → E, İ → I), punctuation and emoji at the ends off, spaces collapsed. */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toUpperCase()
    .replace(/[\s_-]+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}\p{M}]+$/gu, '')
    .trim();
}

export type KeywordLists = { readonly optOut: readonly string[]; readonly optIn: readonly string[] };

/** Every default keyword of every language, deduplicated. */
export function defaultKeywordLists(): KeywordLists {
  if (!defaults) {
    const uniq = (xs: string[]) => Object.freeze([...new Set(xs)]);
    defaults = Object.freeze({
      optOut: uniq(defaultKeywords.flatMap((l) => l.optOut)),
      optIn: uniq(defaultKeywords.flatMap((l) => l.optIn)),
    });
  }
  return defaults;
}
let defaults: KeywordLists | null = null;

export type KeywordMatch = {
  readonly action: 'opt_out' | 'opt_in';
  readonly keyword: string;
  readonly language: string | null;
};

/** Which list the message's whole text matches, if any (opt-out checked first). */
export function matchKeyword(text: string, lists: KeywordLists): KeywordMatch | null {
  const t = normalizeKeyword(text);
  if (t.length === 0 || t.length > 40) return null;
  for (const [action, list] of [
    ['opt_out', lists.optOut],
    ['opt_in', lists.optIn],
  ] as const) {
    const hit = normalizedIndex(list).get(t);
    if (hit) return { action, keyword: hit, language: languageOf(hit, action) };
  }
  return null;
}

// Every customer message is matched against the lists: each list is normalised once, not per message.
const normalizedLists = new WeakMap<readonly string[], Map<string, string>>();
function normalizedIndex(list: readonly string[]): Map<string, string> {
  let index = normalizedLists.get(list);
  if (!index) {
    index = new Map();
    // The first keyword of a normal form wins, as `find` did.
    for (const k of list) {
      const n = normalizeKeyword(k);
      if (!index.has(n)) index.set(n, k);
    }
    normalizedLists.set(list, index);
  }
  return index;
}

function languageOf(keyword: string, action: 'opt_out' | 'opt_in'): string | null {
  const k = normalizeKeyword(keyword);
  const found = defaultKeywords.find((l) =>
    (action === 'opt_out' ? l.optOut : l.optIn).some((x) => normalizeKeyword(x) === k),
  );
  return found?.language ?? null;
}

/** The default confirmation in the keyword's language (English when unknown). */
export function defaultReply(action: 'opt_out' | 'opt_in', language: string | null): string {
  const l = defaultKeywords.find((x) => x.language === language) ?? defaultKeywords[0];
  if (!l) return '';
  return action === 'opt_out' ? l.optOutReply : l.optInReply;
}
