import type { EchoBody, EchoMessage } from '../../messages/inbound-events.ts';
import type { ItemSink } from './items.ts';
import { isObject, type Json, listJson, objectJson, objectOr, objects, secondsToMs, str } from './json.ts';
import { contentOf, participantOf } from './participants.ts';

/** The `smb_message_echoes` field: what the business sent from the WhatsApp Business app. */
export function parseEchoesField(value: Json, path: string, sink: ItemSink): void {
  const contacts = objects(value.contacts);
  objects(value.message_echoes).forEach((m, i) => {
    const p = `${path}.message_echoes[${i}]`;
    const id = sink.needsNumber(p, m) ? sink.wamidOf(p, m) : null;
    if (id === null) return;
    sink.push({
      ...sink.origin,
      kind: 'echo',
      path: p,
      raw: m,
      event: echoMessage(m, id, contacts),
      dedupKey: `e:${sink.pn}:${id}:${str(m.type) ?? ''}`,
    });
  });
}

function echoMessage(e: Json, wamid: string, contacts: Json[]): EchoMessage {
  const type = str(e.type) ?? 'unsupported';
  const bsuid = str(e.to_user_id);
  const parentBsuid = str(e.to_parent_user_id);
  const context = isObject(e.context) ? e.context : null;
  return {
    wamid,
    at: secondsToMs(e.timestamp),
    toPhone: str(e.to),
    to: participantOf(contacts, { waId: str(e.to), bsuid, parentBsuid }),
    from: participantOf(contacts, { waId: str(e.from), bsuid, parentBsuid }),
    body: echoBody(e, type),
    contextWamid: context ? str(context.id) : null,
    contextJson: objectJson(context),
    errorsJson: listJson(e.errors),
  };
}

function echoBody(e: Json, type: string): EchoBody {
  if (type !== 'edit' && type !== 'revoke' && type !== 'reaction')
    return { kind: 'content', content: contentOf(e, type) };
  const obj = objectOr(e[type]);
  const target = str(obj.original_message_id) ?? str(obj.message_id);
  if (type === 'reaction') return { kind: 'reaction', target, emoji: str(obj.emoji) ?? '' };
  if (type === 'revoke') return { kind: 'revoke', target };
  const inner = objectOr(obj.message);
  return { kind: 'edit', target, content: contentOf(inner, str(inner.type) ?? 'text') };
}
