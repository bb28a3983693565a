import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../database.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { appendEntries, hasEntryForEvent } from './archive.repository.ts';
import { archivedEventTypes, draftOf } from './archive-event.mapper.ts';

/**
 * The archive's durable subscriber: every message version, delivery outcome, consent record and
 * action of consequence becomes an entry of the log, in the transaction that advances the
 * subscriber's cursor, so an entry exists exactly once per event even across crashes.
 */
export const archiveSubscriber = defineSubscriber({
  name: 'archive.log',
  types: archivedEventTypes,
  async handle(trx: Transaction<DB>, event) {
    const db = trx as unknown as Kysely<DB>;
    if (await hasEntryForEvent(db, event.id)) return;
    const draft = await draftOf(db, event);
    if (draft) await appendEntries(db, [draft]);
  },
});
