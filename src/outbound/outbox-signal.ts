/**
 * Wakes this process's senders when a job is queued here, so an agent's message does not wait for
 * the next poll. Keyed by the database object (one per hub), so nothing is shared between hubs in
 * one process; other nodes notice new jobs by polling.
 */
const listeners = new WeakMap<object, Set<(phoneNumberId: string) => void>>();

export function onOutboxChange(database: object, listener: (phoneNumberId: string) => void): () => void {
  let set = listeners.get(database);
  if (!set) {
    set = new Set();
    listeners.set(database, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

export function notifyOutbox(database: object, phoneNumberId: string): void {
  for (const listener of listeners.get(database) ?? []) listener(phoneNumberId);
}
