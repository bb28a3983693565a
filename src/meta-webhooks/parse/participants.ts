import { normalizePhone } from '../../contacts/contact.repository.ts';
import type { Participant } from '../../contacts/participant.ts';
import type { MessageContent } from '../../messages/content.ts';
import { isObject, type Json, str } from './json.ts';

/** The `contacts[]` entry describing a user, matched by phone number or BSUID; the only one if alone. */
export function contactEntry(contacts: Json[], waId: string | null, bsuid: string | null): Json | undefined {
  const phone = normalizePhone(waId);
  const match = contacts.find(
    (c) =>
      (phone !== null && normalizePhone(str(c.wa_id)) === phone) ||
      (bsuid !== null && str(c.user_id) === bsuid),
  );
  return match ?? (contacts.length === 1 ? contacts[0] : undefined);
}

/** Identity fields of a `contacts[]` entry. */
export function identityOf(entry: Json | undefined): Participant {
  const profile = entry && isObject(entry.profile) ? entry.profile : {};
  return {
    waId: entry ? str(entry.wa_id) : null,
    bsuid: entry ? str(entry.user_id) : null,
    parentBsuid: entry ? str(entry.parent_user_id) : null,
    username: str(profile.username),
    profileName: str(profile.name),
  };
}

/**
 * The user of an item: the identifiers the item itself names win, the matching `contacts[]` entry
 * fills in the rest (and gives the profile).
 */
export function participantOf(
  contacts: Json[],
  own: { waId: string | null; bsuid: string | null; parentBsuid?: string | null },
): Participant {
  const who = identityOf(contactEntry(contacts, own.waId, own.bsuid));
  return {
    waId: own.waId ?? who.waId,
    bsuid: own.bsuid ?? who.bsuid,
    parentBsuid: own.parentBsuid ?? who.parentBsuid,
    username: who.username,
    profileName: who.profileName,
  };
}

/** The content of a message: its type and the type-named object (`text`, `image`, …), or `{}`. */
export function contentOf(message: Json, type: string): MessageContent {
  return { type, body: message[type] ?? {} };
}
