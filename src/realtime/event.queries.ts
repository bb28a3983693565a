import type { DomainEventRow } from '../platform/events/event.table.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';

export {
  createGapWatch,
  type EventBatch,
  latestEventId,
  readEventsAfter,
} from '../platform/events/event-log.queries.ts';

/**
 * A domain event as the stream and `GET /api/events?since=` send it. `type` is the stream notice
 * (`message.added`, …: what to look at again); `fact` is the catalogue event it reports
 * (`message.received`, …; null for events recorded before the catalogue).
 */
export type ApiEvent = {
  id: string;
  type: string;
  fact: string | null;
  phone_number_id: string | null;
  created_at: string | null;
  payload: unknown;
};

export function toApiEvent(row: DomainEventRow): ApiEvent {
  return {
    id: String(row.id),
    type: row.type,
    fact: row.fact ?? null,
    phone_number_id: row.phone_number_id,
    created_at: isoOrNull(row.created_at),
    payload: parseJsonOr<unknown>(row.payload_json, {}),
  };
}

// The live subscriber's rows are shared by every stream of the node: each is serialised once, not
// once per stream (200 streams at 200 messages/s spent most of the hub's time in JSON).
const frames = new WeakMap<DomainEventRow, string>();

/** The event as one server-sent event frame (`id`, `event`, `data`). */
export function sseFrame(row: DomainEventRow): string {
  let frame = frames.get(row);
  if (frame === undefined) {
    frame = `id: ${row.id}\nevent: ${row.type}\ndata: ${JSON.stringify(toApiEvent(row))}\n\n`;
    frames.set(row, frame);
  }
  return frame;
}

/** Whether a principal that sees `visible` numbers (`null` = all) may receive this event. */
export function eventVisible(visible: ReadonlySet<string> | null, row: DomainEventRow): boolean {
  if (visible === null) return true;
  return row.phone_number_id !== null && visible.has(row.phone_number_id);
}
