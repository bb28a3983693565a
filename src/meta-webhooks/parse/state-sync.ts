import { hashKey, type ItemSink } from './items.ts';
import { type Json, objectOr, objects, secondsToMs, str } from './json.ts';
import { participantOf } from './participants.ts';

/** The `smb_app_state_sync` field: the Business app's address book, contact by contact. */
export function parseStateSyncField(value: Json, path: string, sink: ItemSink): void {
  const { origin, pn } = sink;
  objects(value.state_sync).forEach((s, i) => {
    const p = `${path}.state_sync[${i}]`;
    if (!sink.needsNumber(p, s)) return;
    const c = objectOr(s.contact);
    sink.push({
      ...origin,
      kind: 'state_sync',
      path: p,
      event: {
        type: str(s.type),
        action: str(s.action),
        at: secondsToMs(objectOr(s.metadata).timestamp),
        phone: str(c.phone_number) ?? str(c.wa_id),
        bsuid: str(c.user_id),
        fullName: str(c.full_name),
        firstName: str(c.first_name),
      },
      dedupKey: hashKey(origin, 'state_sync', { pn, s }),
    });
  });
}

/** The `user_preferences` field: marketing stop / resume. */
export function parseUserPreferencesField(value: Json, path: string, sink: ItemSink): void {
  const { origin, pn } = sink;
  const contacts = objects(value.contacts);
  objects(value.user_preferences).forEach((u, i) => {
    const p = `${path}.user_preferences[${i}]`;
    if (!sink.needsNumber(p, u)) return;
    const who = participantOf(contacts, { waId: str(u.wa_id), bsuid: str(u.user_id) });
    sink.push({
      ...origin,
      kind: 'user_preference',
      path: p,
      event: {
        category: (str(u.category) ?? '').toLowerCase(),
        value: (str(u.value) ?? '').toLowerCase(),
        at: secondsToMs(u.timestamp),
        waId: who.waId,
        bsuid: who.bsuid,
        profileName: who.profileName,
      },
      dedupKey: hashKey(origin, 'user_preferences', { pn, u }),
    });
  });
}
