import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../database.ts';
import type { Config } from '../platform/config.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { appendEntries, eventsWithEntries, hasEntryForEvent } from './archive.repository.ts';
import type { EntryDraft } from './archive-entry.ts';
import { archivedEventTypes, draftOf, messageRowsOf } from './archive-event.mapper.ts';
import { archiveKeyring } from './payload-crypto.ts';

// The worker's context is the hub's deps; the archive needs its configuration for the master keys.
function configOf(context: unknown): Pick<Config, 'masterKeys' | 'dataDir'> {
  const config = (context as { config?: Pick<Config, 'masterKeys' | 'dataDir'> } | undefined)?.config;
  if (!config) throw new Error('the archive subscriber needs the hub configuration (its master keys)');
  return config;
}

/**
 * The archive's durable subscriber: every message version, delivery outcome, consent record and
 * action of consequence becomes an entry of the log, in the transaction that advances the
 * subscriber's cursor, so an entry exists exactly once per event even across crashes.
 */
export const archiveSubscriber = defineSubscriber({
  name: 'archive.log',
  types: archivedEventTypes,
  async handle(trx: Transaction<DB>, event, context) {
    const db = trx as unknown as Kysely<DB>;
    if (await hasEntryForEvent(db, event.id)) return;
    const draft = await draftOf(db, event);
    if (draft) await appendEntries(db, [draft], archiveKeyring(configOf(context)));
  },
  // A round's events in one append: one update of the head and multi-row inserts, in log order;
  // their messages and the messages' versions already in the log read once each for the slice.
  async handleBatch(trx: Transaction<DB>, events, context) {
    const db = trx as unknown as Kysely<DB>;
    const done = await eventsWithEntries(
      db,
      events.map((e) => e.id),
    );
    const todo = events.filter((e) => !done.has(e.id));
    // The slice's messages in one read (the archive never changes them), not one per event.
    const messages = await messageRowsOf(db, todo);
    const drafts: EntryDraft[] = [];
    for (const event of todo) {
      const draft = await draftOf(db, event, messages);
      if (draft) drafts.push(draft);
    }
    if (drafts.length > 0) await appendEntries(db, drafts, archiveKeyring(configOf(context)));
  },
});
