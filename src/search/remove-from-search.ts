import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../platform/db/is-postgres.ts';

/**
 * Removes a contact's name and every one of its messages' text from the search index, in the
 * caller's transaction (GDPR erasure). The index follows every later write to those rows by
 * itself (database triggers, migration 022), so call this after the erasure's own updates:
 * whatever the erased rows still hold is then out of the index too.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema that has the hub's messages and contacts.
export async function removeFromSearch(trx: Kysely<any>, input: { contactId: string }): Promise<void> {
  const { contactId } = input;
  if (isPostgres(trx)) {
    await sql`delete from message_search where contact_id = ${contactId}`.execute(trx);
    await sql`delete from contact_search where contact_id = ${contactId}`.execute(trx);
    return;
  }
  await sql`delete from message_search where rowid in (select rowid from messages where contact_id = ${contactId})`.execute(
    trx,
  );
  await sql`delete from contact_search where rowid in (select rowid from contacts where id = ${contactId})`.execute(
    trx,
  );
}
