import MiniSearch from 'minisearch';
import { fold } from '../flows/validation.ts';

/**
 * The knowledge base's matcher: MiniSearch (BM25 full-text search) over each entry's question,
 * keywords and answer. Terms are folded (lower case, accents removed) on both sides, so "horário",
 * "HORARIO" and "horario" are one term; the most common Spanish, Portuguese and English words are
 * left out; prefix and fuzzy matching absorb plurals and typos ("pedidos", "ordr").
 */

export type KbDocument = {
  id: string;
  question: string;
  answer: string;
  keywords: string;
  language?: string | null;
};

const STOPWORDS = new Set(
  [
    // English
    'a an and are at be by can do does for from have how i in is it me my of on or our the this to we what when where which who why will with you your',
    // Spanish
    'a al como con cual cuando de del donde el en es esta este hay la las lo los me mi mis para por que quien se su sus te tu un una unos y yo',
    // Portuguese
    'a ao as com como da das de do dos e em esta este eu isso meu minha na nas no nos o os para pelo por qual quando que se seu sua um uma voce voces',
  ]
    .join(' ')
    .split(' '),
);

function processTerm(term: string): string | null {
  const folded = fold(term);
  if (folded.length === 0 || STOPWORDS.has(folded)) return null;
  return folded;
}

export type KbIndex = {
  /** The best entry for a question; entries in `language` (when given) win ties over others. */
  search(query: string, language?: string | null): { id: string; score: number } | null;
  readonly size: number;
};

/** Builds an index of the entries (question and keywords weigh more than the answer). */
export function buildKbIndex(documents: readonly KbDocument[]): KbIndex {
  const index = new MiniSearch<KbDocument>({
    fields: ['question', 'keywords', 'answer'],
    storeFields: ['language'],
    processTerm,
    searchOptions: {
      boost: { question: 3, keywords: 2, answer: 1 },
      prefix: (term) => term.length >= 4,
      fuzzy: (term) => (term.length >= 4 ? 1 : false),
      combineWith: 'OR',
      processTerm,
    },
  });
  index.addAll(documents as KbDocument[]);
  return {
    size: documents.length,
    search(query: string, language?: string | null) {
      const results = index.search(query, {
        boostDocument: (_id, _term, stored) =>
          language && stored?.language ? (stored.language === language ? 1.5 : 0.8) : 1,
      });
      const best = results[0];
      if (!best) return null;
      return { id: String(best.id), score: best.score };
    },
  };
}
