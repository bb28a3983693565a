import type { Database } from '../platform/db/database.ts';

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
