import type { Database } from '../database.ts';
import { createLoopShare, type LoopShare } from '../platform/loop-share.ts';

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

const backlogs = new WeakMap<Database, boolean>();

/** Says whether the webhook worker has a backlog (its last claim was a full batch). */
export function setBacklog(database: Database, backlog: boolean): void {
  backlogs.set(database, backlog);
}

/** True while the webhook worker has a backlog on this database: subscribers give way to it. */
export function hasBacklog(database: Database): boolean {
  return backlogs.get(database) === true;
}

const shares = new WeakMap<Database, LoopShare>();

/**
 * The acknowledgements' priority over applying webhooks and feeding subscribers on this database
 * (see `platform/loop-share.ts`): the endpoint reports each group commit's size, the webhook worker
 * and the subscribers take turns through it.
 */
export function loopShareOf(database: Database): LoopShare {
  let share = shares.get(database);
  if (!share) {
    share = createLoopShare();
    shares.set(database, share);
  }
  return share;
}
