import type { Database } from '../database.ts';

type Listener = () => void;
const listeners = new WeakMap<Database, Set<Listener>>();

/**
 * In-process wake-up between the endpoint (which stores events) and the worker (which processes
 * them) of one hub, keyed by the hub's database so separate hubs in one process never cross.
 */
export function onWebhookStored(database: Database, listener: Listener): () => void {
  let set = listeners.get(database);
  if (!set) {
    set = new Set();
    listeners.set(database, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

export function notifyWebhookStored(database: Database): void {
  for (const l of listeners.get(database) ?? []) l();
}

const lastIngest = new WeakMap<Database, number>();

/** Marks that the endpoint is storing webhooks right now (the worker yields to it). */
export function markIngest(database: Database): void {
  lastIngest.set(database, performance.now());
}

/** Milliseconds since the endpoint last stored a webhook on this database. */
export function msSinceIngest(database: Database): number {
  return performance.now() - (lastIngest.get(database) ?? 0);
}
