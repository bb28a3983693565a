import type { Database } from '../database.ts';

// The webhook worker yields to the endpoint while webhooks are arriving (SQLite has one writer).
// Keyed by the hub's database so separate hubs in one process never cross; the wake-up itself is
// `deps.signals` 'webhookStored'. When the worker runs in its own thread (`webhook.thread.ts`), both
// threads' databases share one slot of memory, so the worker sees the endpoint's activity at once.
const slots = new WeakMap<Database, Float64Array>();

/** Wall-clock milliseconds with sub-millisecond precision, comparable across threads. */
const now = () => performance.timeOrigin + performance.now();

function slotOf(database: Database): Float64Array {
  let slot = slots.get(database);
  if (!slot) {
    slot = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
    slots.set(database, slot);
  }
  return slot;
}

/** The memory holding this database's last ingest time, to hand to another thread's {@link shareIngestActivity}. */
export function ingestActivityBuffer(database: Database): SharedArrayBuffer {
  return slotOf(database).buffer as SharedArrayBuffer;
}

/** Makes `database` (another thread's connection to the same file) read and write that memory. */
export function shareIngestActivity(database: Database, buffer: SharedArrayBuffer): void {
  slots.set(database, new Float64Array(buffer));
}

/** Marks that the endpoint is storing webhooks right now (the worker yields to it). */
export function markIngest(database: Database): void {
  slotOf(database)[0] = now();
}

/** Milliseconds since the endpoint last stored a webhook on this database. */
export function msSinceIngest(database: Database): number {
  return now() - (slots.get(database)?.[0] ?? 0);
}
