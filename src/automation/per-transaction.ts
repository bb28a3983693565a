/**
 * A read shared by every event a subscriber round handles in one transaction: the number's rules,
 * business hours and welcome flow are the same for each of a round's customer messages, and the
 * engine never changes them. Keyed by the transaction object, so it lives exactly as long as the
 * transaction (a rule saved meanwhile applies from the next round, a fraction of a second later).
 * Only for reads of configuration that the caller's transaction does not write.
 */
const memo = new WeakMap<object, Map<string, Promise<unknown>>>();

export function oncePerTransaction<T>(trx: object, key: string, load: () => Promise<T>): Promise<T> {
  let reads = memo.get(trx);
  if (!reads) {
    reads = new Map();
    memo.set(trx, reads);
  }
  let read = reads.get(key) as Promise<T> | undefined;
  if (!read) {
    read = load();
    reads.set(key, read);
    // A failed read is not kept: the savepoint that saw it rolls back and the event is retried.
    read.catch(() => reads?.delete(key));
  }
  return read;
}

/**
 * Rows a batch handler read ahead for one event of its transaction (`engine.subscriber.ts`
 * `handleBatch`: a slice's customer messages, conversations, contacts and flow sessions in one query
 * each). Each is taken once, by the event it was read for; one the handler does not take is simply
 * read again. Only for rows nothing earlier in the transaction changed (the handler preloads a
 * conversation's rows only for its first event of the slice).
 */
const preloaded = new WeakMap<object, Map<string, unknown>>();

export function preload(trx: object, key: string, value: unknown): void {
  let rows = preloaded.get(trx);
  if (!rows) {
    rows = new Map();
    preloaded.set(trx, rows);
  }
  rows.set(key, value);
}

/** The row preloaded under `key` for this transaction, once; undefined when there is none. */
export function takePreloaded<T>(trx: object, key: string): T | undefined {
  const rows = preloaded.get(trx);
  if (!rows?.has(key)) return undefined;
  const value = rows.get(key) as T;
  rows.delete(key);
  return value;
}

/** Forgets what was preloaded for this transaction and not taken (a batch handler ends with it). */
export function clearPreloaded(trx: object): void {
  preloaded.delete(trx);
}
