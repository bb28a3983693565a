import type { Database } from '../database.ts';

// The webhook worker yields to the endpoint while webhooks are arriving (SQLite has one writer).
// Keyed by the hub's database so separate hubs in one process never cross; the wake-up itself is
// `deps.signals` 'webhookStored'.
const lastIngest = new WeakMap<Database, number>();

/** Marks that the endpoint is storing webhooks right now (the worker yields to it). */
export function markIngest(database: Database): void {
  lastIngest.set(database, performance.now());
}

/** Milliseconds since the endpoint last stored a webhook on this database. */
export function msSinceIngest(database: Database): number {
  return performance.now() - (lastIngest.get(database) ?? 0);
}
