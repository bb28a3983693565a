import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';
import type { Dialect } from '../platform/db/database.ts';
import { ftsMatch, highlight, type Segment, searchTerms, tsQuery } from './search-text.ts';

type Names = {
  address_book_name: string | null;
  profile_name: string | null;
  username: string | null;
  wa_id: string | null;
};

/** The same best name as `contactDisplayName` (contacts/contact.mapper.ts), from the columns read here. */
function displayName(c: Names): string | null {
  return c.address_book_name ?? c.profile_name ?? (c.username ? `@${c.username}` : null) ?? c.wa_id;
}

/** Characters of a message's text around its first match in a result. */
const SNIPPET = 160;

export type SearchScope = {
  /** The phone numbers the caller may see; `null` = all. */
  readonly visible: readonly string[] | null;
  readonly phoneNumberId?: string | undefined;
  /** Only the messages of this conversation (search within a conversation). */
  readonly conversationId?: string | undefined;
  readonly limit: number;
};

export type MessageHit = {
  message_id: string;
  conversation_id: string;
  phone_number_id: string;
  contact_id: string;
  contact_name: string | null;
  timestamp: number;
  direction: string;
  origin: string;
  snippet: Segment[];
};

export type ContactHit = {
  contact_id: string;
  phone_number_id: string;
  conversation_id: string | null;
  display_name: string | null;
  wa_id: string | null;
  names: Segment[];
};

// The number filter as SQL on `column` (a trusted identifier): nothing visible matches nothing.
function numberFilter(column: string, scope: SearchScope) {
  const parts = [];
  if (scope.visible !== null) {
    parts.push(
      scope.visible.length === 0
        ? sql`1 = 0`
        : sql`${sql.ref(column)} in (${sql.join(scope.visible.map((v) => sql`${v}`))})`,
    );
  }
  if (scope.phoneNumberId) parts.push(sql`${sql.ref(column)} = ${scope.phoneNumberId}`);
  return parts.length === 0 ? sql`1 = 1` : sql.join(parts, sql` and `);
}

type MessageRowHit = {
  id: string;
  conversation_id: string;
  phone_number_id: string;
  contact_id: string;
  timestamp: number | string;
  direction: string;
  origin: string;
  body: string | null;
  address_book_name: string | null;
  profile_name: string | null;
  username: string | null;
  wa_id: string | null;
};

/**
 * How many of the newest matches (by storage order) SQLite ranks. BM25 over every match of a common
 * word is the cost of a search (66,000 matches of "maca*" in 2,000,000 messages: 0.8 s), so a query
 * ranks the newest matches only; a query with fewer matches ranks them all.
 */
export const RANKED_MATCHES = 1000;

/**
 * Messages whose text has every term of `query` (as word prefixes, any case and accents), best
 * first (BM25 on SQLite, `ts_rank` on PostgreSQL; then newest), within the scope. On SQLite the
 * ranked ones are the newest {@link RANKED_MATCHES} matches of the caller's numbers (all of them
 * within a conversation).
 */
export async function searchMessages(
  db: Kysely<DB>,
  dialect: Dialect,
  query: string,
  scope: SearchScope,
): Promise<MessageHit[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const conversation = scope.conversationId ? sql`and m.conversation_id = ${scope.conversationId}` : sql``;
  const contactCols = sql`c.address_book_name, c.profile_name, c.username, c.wa_id`;
  // The newest `cap` matches (all with null), ranked, then those of the caller's numbers.
  const sqliteHits = (cap: number | null) =>
    sql<MessageRowHit>`
      select m.id, m.conversation_id, m.phone_number_id, m.contact_id, m.timestamp, m.direction,
             m.origin, h.body as body, ${contactCols}
      from (
        select rowid, body, bm25(message_search) as score from message_search
        where message_search match ${ftsMatch(terms)}
        order by rowid desc
        ${cap === null ? sql`` : sql`limit ${cap}`}
      ) h
      join messages m on m.rowid = h.rowid
      join contacts c on c.id = m.contact_id
      where ${numberFilter('m.phone_number_id', scope)}
      order by h.score, m.timestamp desc
      limit ${scope.limit}`.execute(db);
  let result: { rows: MessageRowHit[] };
  if (dialect === 'sqlite') {
    // Within a conversation every match is ranked (its matches are a few of the number's). With a
    // number filter, the newest matches may all be of other numbers: then every match is ranked.
    const filtered = scope.visible !== null || !!scope.phoneNumberId;
    if (scope.conversationId)
      result = await sql<MessageRowHit>`
          select m.id, m.conversation_id, m.phone_number_id, m.contact_id, m.timestamp, m.direction,
                 m.origin, s.body as body, ${contactCols}
          from message_search s
          join messages m on m.rowid = s.rowid
          join contacts c on c.id = m.contact_id
          where message_search match ${ftsMatch(terms)} and ${numberFilter('m.phone_number_id', scope)} ${conversation}
          order by bm25(message_search), m.timestamp desc
          limit ${scope.limit}`.execute(db);
    else {
      result = await sqliteHits(RANKED_MATCHES);
      if (filtered && result.rows.length < scope.limit) result = await sqliteHits(null);
    }
  } else
    result = await sql<MessageRowHit>`
          select m.id, m.conversation_id, m.phone_number_id, m.contact_id, m.timestamp, m.direction,
                 m.origin, coexist_message_text(m.content_json, m.edited_content_json, m.deleted_at) as body,
                 ${contactCols}
          from (
            select s.message_id, ts_rank(s.tsv, q.q) as rank
            from message_search s, to_tsquery('simple', coexist_unaccent(${tsQuery(terms)})) as q(q)
            where s.tsv @@ q.q and ${numberFilter('s.phone_number_id', scope)}
              ${scope.conversationId ? sql`and s.conversation_id = ${scope.conversationId}` : sql``}
            order by rank desc
            limit ${scope.limit * 4}
          ) hits
          join messages m on m.id = hits.message_id
          join contacts c on c.id = m.contact_id
          order by hits.rank desc, m.timestamp desc
          limit ${scope.limit}`.execute(db);
  return result.rows.map((r) => ({
    message_id: r.id,
    conversation_id: r.conversation_id,
    phone_number_id: r.phone_number_id,
    contact_id: r.contact_id,
    contact_name: displayName(r),
    timestamp: Number(r.timestamp),
    direction: r.direction,
    origin: r.origin,
    snippet: highlight(r.body ?? '', terms, SNIPPET),
  }));
}

type ContactRowHit = {
  id: string;
  phone_number_id: string;
  conversation_id: string | null;
  address_book_name: string | null;
  profile_name: string | null;
  username: string | null;
  wa_id: string | null;
};

/** Contacts whose names, username or number have every term (as prefixes), best first, within the scope. */
export async function searchContacts(
  db: Kysely<DB>,
  dialect: Dialect,
  query: string,
  scope: SearchScope,
): Promise<ContactHit[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const cols = sql`c.id, c.phone_number_id, v.id as conversation_id, c.address_book_name, c.profile_name, c.username, c.wa_id`;
  const result =
    dialect === 'sqlite'
      ? await sql<ContactRowHit>`
          select ${cols}
          from contact_search s
          join contacts c on c.rowid = s.rowid
          left join conversations v on v.contact_id = c.id and v.phone_number_id = c.phone_number_id
          where contact_search match ${ftsMatch(terms)} and ${numberFilter('c.phone_number_id', scope)}
          order by bm25(contact_search), coalesce(v.last_message_at, -1) desc
          limit ${scope.limit}`.execute(db)
      : await sql<ContactRowHit>`
          select ${cols}
          from contact_search s
          cross join to_tsquery('simple', coexist_unaccent(${tsQuery(terms)})) as q(q)
          join contacts c on c.id = s.contact_id
          left join conversations v on v.contact_id = c.id and v.phone_number_id = c.phone_number_id
          where s.tsv @@ q.q and ${numberFilter('s.phone_number_id', scope)}
          order by ts_rank(s.tsv, q.q) desc, coalesce(v.last_message_at, -1) desc
          limit ${scope.limit}`.execute(db);
  return result.rows.map((r) => {
    const names = [r.address_book_name, r.profile_name, r.username ? `@${r.username}` : null, r.wa_id]
      .filter((n): n is string => !!n)
      .filter((n, i, all) => all.indexOf(n) === i)
      .join(' · ');
    return {
      contact_id: r.id,
      phone_number_id: r.phone_number_id,
      conversation_id: r.conversation_id,
      display_name: displayName(r),
      wa_id: r.wa_id,
      names: highlight(names, terms),
    };
  });
}
