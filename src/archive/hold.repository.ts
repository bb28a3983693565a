import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { appendEntries } from './archive.repository.ts';
import type { EntryActor } from './archive-entry.ts';

export type HoldScope = 'contact' | 'conversation' | 'number';

/** What a hold concerns, for the entry's ids (the number it belongs to and the subject). */
export type HoldSubject = { scope: HoldScope; targetId: string; phoneNumberId: string };

function subjectIds(subject: HoldSubject) {
  return {
    phoneNumberId: subject.phoneNumberId,
    contactId: subject.scope === 'contact' ? subject.targetId : null,
    conversationId: subject.scope === 'conversation' ? subject.targetId : null,
  };
}

/**
 * Places a legal hold (it blocks purge and erasure of the subject until released) and records it
 * as an entry; the reason is committed content, since it may name people.
 */
export async function placeHold(
  db: Kysely<DB>,
  input: { subject: HoldSubject; reason: string; actor: EntryActor; now: number; keyring: MasterKeyring },
): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('archive_holds')
      .values({
        id,
        scope: input.subject.scope,
        target_id: input.subject.targetId,
        reason: input.reason,
        created_by: input.actor.id,
        created_at: input.now,
        released_at: null,
        released_by: null,
        release_reason: null,
      })
      .execute();
    await appendEntries(
      trx,
      [
        {
          type: 'audit.hold_placed',
          eventId: null,
          at: input.now,
          ...subjectIds(input.subject),
          messageId: null,
          actor: input.actor,
          data: { hold_id: id, scope: input.subject.scope, target_id: input.subject.targetId },
          content: { reason: input.reason },
        },
      ],
      input.keyring,
    );
  });
  return id;
}

/** Releases a hold (CONFLICT if it already was) and records the release with its reason. */
export async function releaseHold(
  db: Kysely<DB>,
  input: {
    id: string;
    subject: HoldSubject;
    reason: string;
    actor: EntryActor;
    now: number;
    keyring: MasterKeyring;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const released = await trx
      .updateTable('archive_holds')
      .set({ released_at: input.now, released_by: input.actor.id, release_reason: input.reason })
      .where('id', '=', input.id)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    if (Number(released.numUpdatedRows) === 0)
      throw new AppError('CONFLICT', 'This hold is already released.');
    await appendEntries(
      trx,
      [
        {
          type: 'audit.hold_released',
          eventId: null,
          at: input.now,
          ...subjectIds(input.subject),
          messageId: null,
          actor: input.actor,
          data: { hold_id: input.id, scope: input.subject.scope, target_id: input.subject.targetId },
          content: { reason: input.reason },
        },
      ],
      input.keyring,
    );
  });
}
