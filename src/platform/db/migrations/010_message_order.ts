import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * `messages.seq`: the order in which the hub stored its messages, a strictly increasing number. Meta's
 * timestamps have one-second resolution, so messages of the same second need it to have one order
 * (timestamp, then seq) that the message list and the conversation preview both use.
 * PostgreSQL fills it from a sequence; SQLite from the row id, which for a table without
 * AUTOINCREMENT is always above every row present when a row is inserted.
 */
export function messageOrderMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      if (dialect === 'postgres') {
        await sql`alter table messages add column seq bigserial`.execute(db);
        return;
      }
      await sql`alter table messages add column seq integer`.execute(db);
      await sql`update messages set seq = rowid`.execute(db);
      await sql`
        create trigger messages_seq after insert on messages when new.seq is null
        begin update messages set seq = new.rowid where rowid = new.rowid; end
      `.execute(db);
    },
    async down(db: AnyDb) {
      if (dialect === 'sqlite') await sql`drop trigger if exists messages_seq`.execute(db);
      await sql`alter table messages drop column seq`.execute(db);
    },
  };
}
