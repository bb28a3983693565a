import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * The text of a message's content that search indexes: the content's own words (text body,
 * caption, interactive body, button and list replies, location name and address, file name) of
 * its latest edit, nothing for a revoked message. `c` is a SQL expression for the content JSON.
 */
function sqliteText(row: 'new' | 'old'): string {
  const c = `coalesce(${row}.edited_content_json, ${row}.content_json)`;
  const field = (path: string) => `coalesce(json_extract(${c}, '${path}') || ' ', '')`;
  return `case when ${row}.deleted_at is null and json_valid(${c}) then trim(
    (case when json_type(${c}, '$.body') = 'text' then json_extract(${c}, '$.body') || ' ' else '' end)
    || ${field('$.caption')} || ${field('$.body.text')} || ${field('$.text')}
    || ${field('$.button_reply.title')} || ${field('$.list_reply.title')}
    || ${field('$.name')} || ${field('$.address')} || ${field('$.filename')}) end`;
}

const SQLITE_CONTACT_NAMES = (row: 'new') =>
  `trim(coalesce(${row}.address_book_name || ' ', '') || coalesce(${row}.profile_name || ' ', '')
   || coalesce(${row}.username || ' ', '') || coalesce(${row}.wa_id, ''))`;

/**
 * Full-text search over message text and contact names (`src/search/`), accent- and
 * case-insensitive, kept by triggers in the same transaction as every write to `messages` and
 * `contacts`, whichever path makes it (live, batched, imported, edited, revoked, erased).
 *
 * SQLite: FTS5 tables `message_search` and `contact_search` (tokenizer `unicode61
 * remove_diacritics 2`), whose rowid is the message's / contact's rowid.
 * PostgreSQL: tables of `tsvector`s (`simple` configuration over `unaccent`, through the immutable
 * wrapper `coexist_unaccent`) with GIN indexes.
 *
 * Also the indexes of the conversation list's first page (by number, and by number and status, in
 * the list's order) and of a conversation's messages in their order (timestamp, seq).
 */
export function searchMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      if (dialect === 'sqlite') {
        await sql
          .raw(
            `create virtual table message_search using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`,
          )
          .execute(db);
        await sql
          .raw(
            `create virtual table contact_search using fts5(names, tokenize = 'unicode61 remove_diacritics 2')`,
          )
          .execute(db);
        await sql
          .raw(`create trigger messages_search_insert after insert on messages begin
            insert into message_search(rowid, body) select new.rowid, t from (select ${sqliteText('new')} as t) where t <> '';
          end`)
          .execute(db);
        await sql
          .raw(`create trigger messages_search_update after update of content_json, edited_content_json, deleted_at on messages begin
            delete from message_search where rowid = old.rowid;
            insert into message_search(rowid, body) select new.rowid, t from (select ${sqliteText('new')} as t) where t <> '';
          end`)
          .execute(db);
        await sql
          .raw(`create trigger messages_search_delete after delete on messages begin
            delete from message_search where rowid = old.rowid;
          end`)
          .execute(db);
        await sql
          .raw(`create trigger contacts_search_insert after insert on contacts begin
            insert into contact_search(rowid, names) select new.rowid, t from (select ${SQLITE_CONTACT_NAMES('new')} as t) where t <> '';
          end`)
          .execute(db);
        await sql
          .raw(`create trigger contacts_search_update after update of address_book_name, profile_name, username, wa_id on contacts begin
            delete from contact_search where rowid = old.rowid;
            insert into contact_search(rowid, names) select new.rowid, t from (select ${SQLITE_CONTACT_NAMES('new')} as t) where t <> '';
          end`)
          .execute(db);
        await sql
          .raw(`create trigger contacts_search_delete after delete on contacts begin
            delete from contact_search where rowid = old.rowid;
          end`)
          .execute(db);
        await sql
          .raw(
            `insert into message_search(rowid, body) select rowid, t from (select rowid, ${sqliteText('new').replaceAll('new.', '')} as t from messages) where t <> ''`,
          )
          .execute(db);
        await sql
          .raw(
            `insert into contact_search(rowid, names) select rowid, t from (select rowid, ${SQLITE_CONTACT_NAMES('new').replaceAll('new.', '')} as t from contacts) where t <> ''`,
          )
          .execute(db);
      } else {
        await sql`create extension if not exists unaccent`.execute(db);
        const ext = await sql<{ schema: string }>`
          select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
          where e.extname = 'unaccent'`.execute(db);
        const schema = ext.rows[0]?.schema ?? 'public';
        const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
        await sql
          .raw(`create or replace function coexist_unaccent(text) returns text
            language sql immutable parallel safe strict
            as $$ select ${q(schema)}.unaccent('${schema.replaceAll("'", "''")}.unaccent'::regdictionary, $1) $$`)
          .execute(db);
        await sql
          .raw(`create or replace function coexist_message_text(content text, edited text, deleted bigint) returns text
            language plpgsql immutable parallel safe as $$
            declare c jsonb;
            begin
              if deleted is not null then return null; end if;
              begin
                c := coalesce(edited, content)::jsonb;
              exception when others then return null;
              end;
              if jsonb_typeof(c) <> 'object' then return null; end if;
              return nullif(trim(concat_ws(' ',
                case when jsonb_typeof(c->'body') = 'string' then c->>'body' end,
                c->>'caption', c#>>'{body,text}',
                case when jsonb_typeof(c->'text') = 'string' then c->>'text' end,
                c#>>'{button_reply,title}', c#>>'{list_reply,title}',
                c->>'name', c->>'address', c->>'filename')), '');
            end $$`)
          .execute(db);
        await sql`
          create table message_search (
            message_id text primary key,
            phone_number_id text not null,
            conversation_id text not null,
            contact_id text not null,
            tsv tsvector not null
          )`.execute(db);
        await sql`create index message_search_tsv on message_search using gin (tsv)`.execute(db);
        await sql`create index message_search_contact on message_search (contact_id)`.execute(db);
        await sql`create index message_search_conversation on message_search (conversation_id)`.execute(db);
        await sql`
          create table contact_search (
            contact_id text primary key,
            phone_number_id text not null,
            tsv tsvector not null
          )`.execute(db);
        await sql`create index contact_search_tsv on contact_search using gin (tsv)`.execute(db);
        await sql
          .raw(`create or replace function coexist_messages_search() returns trigger language plpgsql as $$
            declare t text;
            begin
              if tg_op = 'DELETE' then
                delete from message_search where message_id = old.id;
                return old;
              end if;
              t := coexist_message_text(new.content_json, new.edited_content_json, new.deleted_at);
              if t is null then
                if tg_op = 'UPDATE' then delete from message_search where message_id = new.id; end if;
              else
                insert into message_search (message_id, phone_number_id, conversation_id, contact_id, tsv)
                values (new.id, new.phone_number_id, new.conversation_id, new.contact_id,
                        to_tsvector('simple', coexist_unaccent(t)))
                on conflict (message_id) do update set tsv = excluded.tsv;
              end if;
              return new;
            end $$`)
          .execute(db);
        await sql`
          create trigger messages_search after insert or delete or update of content_json, edited_content_json, deleted_at
          on messages for each row execute function coexist_messages_search()`.execute(db);
        await sql
          .raw(`create or replace function coexist_contacts_search() returns trigger language plpgsql as $$
            declare t text;
            begin
              if tg_op = 'DELETE' then
                delete from contact_search where contact_id = old.id;
                return old;
              end if;
              t := nullif(trim(concat_ws(' ', new.address_book_name, new.profile_name, new.username, new.wa_id)), '');
              if t is null then
                delete from contact_search where contact_id = new.id;
              else
                insert into contact_search (contact_id, phone_number_id, tsv)
                values (new.id, new.phone_number_id, to_tsvector('simple', coexist_unaccent(t)))
                on conflict (contact_id) do update set tsv = excluded.tsv;
              end if;
              return new;
            end $$`)
          .execute(db);
        await sql`
          create trigger contacts_search after insert or delete or update of address_book_name, profile_name, username, wa_id
          on contacts for each row execute function coexist_contacts_search()`.execute(db);
        await sql`
          insert into message_search (message_id, phone_number_id, conversation_id, contact_id, tsv)
          select id, phone_number_id, conversation_id, contact_id, to_tsvector('simple', coexist_unaccent(t))
          from (select *, coexist_message_text(content_json, edited_content_json, deleted_at) as t from messages) m
          where t is not null`.execute(db);
        await sql`
          insert into contact_search (contact_id, phone_number_id, tsv)
          select id, phone_number_id, to_tsvector('simple', coexist_unaccent(t))
          from (select id, phone_number_id,
                  nullif(trim(concat_ws(' ', address_book_name, profile_name, username, wa_id)), '') as t
                from contacts) c
          where t is not null`.execute(db);
      }
      // The conversation list's order (conversation.queries.ts) and a conversation's messages' order.
      await sql`create index conversations_list on conversations (phone_number_id, (coalesce(last_message_at, -1)), id)`.execute(
        db,
      );
      await sql`create index conversations_list_status on conversations (phone_number_id, status, (coalesce(last_message_at, -1)), id)`.execute(
        db,
      );
      await sql`create index messages_conversation_order on messages (conversation_id, timestamp, seq)`.execute(
        db,
      );
    },
    async down(db: AnyDb) {
      await sql`drop index if exists messages_conversation_order`.execute(db);
      await sql`drop index if exists conversations_list_status`.execute(db);
      await sql`drop index if exists conversations_list`.execute(db);
      if (dialect === 'sqlite') {
        for (const t of [
          'messages_search_insert',
          'messages_search_update',
          'messages_search_delete',
          'contacts_search_insert',
          'contacts_search_update',
          'contacts_search_delete',
        ])
          await sql.raw(`drop trigger if exists ${t}`).execute(db);
        await sql`drop table if exists message_search`.execute(db);
        await sql`drop table if exists contact_search`.execute(db);
      } else {
        await sql`drop trigger if exists messages_search on messages`.execute(db);
        await sql`drop trigger if exists contacts_search on contacts`.execute(db);
        await sql`drop table if exists message_search`.execute(db);
        await sql`drop table if exists contact_search`.execute(db);
        await sql`drop function if exists coexist_messages_search()`.execute(db);
        await sql`drop function if exists coexist_contacts_search()`.execute(db);
        await sql`drop function if exists coexist_message_text(text, text, bigint)`.execute(db);
        await sql`drop function if exists coexist_unaccent(text)`.execute(db);
      }
    },
  };
}
