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
