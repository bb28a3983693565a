import type { HistoryMessage } from '../../messages/inbound-events.ts';
import { hashKey, type ItemSink } from './items.ts';
import { isObject, type Json, listJson, objectJson, objectOr, objects, secondsToMs, str } from './json.ts';
import { contentOf } from './participants.ts';

/**
 * The `history` field: chunks of imported messages with their progress, history errors, and the
 * media of placeholders (a `history` change carrying `messages[]`).
 */
export function parseHistoryField(value: Json, path: string, sink: ItemSink): void {
  const { origin, pn } = sink;
  objects(value.history).forEach((chunk, h) => {
    const p = `${path}.history[${h}]`;
    if (!sink.needsNumber(p, chunk)) return;
    const errors = objects(chunk.errors);
    if (errors.length > 0) {
      sink.push({
        ...origin,
        kind: 'history_errors',
        path: `${p}.errors`,
        event: {
          codes: errors.map((e) => Number(e.code)).filter((c) => Number.isFinite(c)),
          errorsJson: JSON.stringify(errors),
        },
        dedupKey: hashKey(origin, 'history_errors', { pn, errors }),
      });
    }
    const meta = isObject(chunk.metadata) ? chunk.metadata : null;
    let count = 0;
    objects(chunk.threads).forEach((thread, t) => {
      const threadId = str(thread.id) ?? '';
      objects(thread.messages).forEach((m, i) => {
        count++;
        const mp = `${p}.threads[${t}].messages[${i}]`;
        const id = sink.wamidOf(mp, m);
        if (id !== null)
          sink.push({
            ...origin,
            kind: 'history_message',
            path: mp,
            raw: m,
            event: historyMessage(m, id, threadId),
            dedupKey: `h:${pn}:${id}`,
          });
      });
    });
    if (meta !== null) {
      const phase = Number(meta.phase ?? 0);
      const chunkOrder = Number(meta.chunk_order ?? 0);
      const progress = Number(meta.progress ?? 0);
      sink.push({
        ...origin,
        kind: 'history_chunk',
        path: `${p}.metadata`,
        event: {
          phase: Number.isFinite(phase) ? phase : 0,
          chunkOrder: Number.isFinite(chunkOrder) ? chunkOrder : 0,
          progress: Number.isFinite(progress) ? progress : 0,
          messageCount: count,
        },
        dedupKey: `hc:${pn}:${phase}:${chunkOrder}`,
      });
    } else if (errors.length === 0) {
      sink.invalid(p, 'history item has neither metadata nor errors', chunk);
    }
  });
  objects(value.messages).forEach((m, i) => {
    const p = `${path}.messages[${i}]`;
    const id = sink.needsNumber(p, m) ? sink.wamidOf(p, m) : null;
    if (id === null) return;
    const type = str(m.type) ?? 'unsupported';
    sink.push({
      ...origin,
      kind: 'history_media',
      path: p,
      raw: m,
      event: { wamid: id, content: contentOf(m, type) },
      dedupKey: `hm:${pn}:${id}`,
    });
  });
}

function historyMessage(m: Json, wamid: string, threadId: string): HistoryMessage {
  const type = str(m.type) ?? 'unsupported';
  const hc = objectOr(m.history_context);
  const context = isObject(m.context) ? m.context : null;
  return {
    wamid,
    at: secondsToMs(m.timestamp),
    threadId,
    fromPhone: str(m.from),
    toPhone: str(m.to),
    fromMe: hc.from_me === true,
    historyStatus: (str(hc.status) ?? '').toLowerCase() || null,
    content: type === 'media_placeholder' ? { type, body: {} } : contentOf(m, type),
    contextWamid: context ? str(context.id) : null,
    contextJson: objectJson(context),
    errorsJson: listJson(m.errors),
  };
}
