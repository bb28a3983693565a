import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';
import { isPostgres } from '../platform/db/is-postgres.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { recordEvents } from '../platform/events/record-event.ts';
import type { MessageStatus } from './message.table.ts';

/**
 * The one rank table of a message's status. A delivery status only moves up; `failed` sits below
 * `delivered` so that a later delivered/read (several devices) still shows, the error kept. The
 * hub-side states of a send (`queued`, `sending`, `unknown`) and `received` rank 0.
 */
export const STATUS_RANK: Readonly<Record<MessageStatus, number>> = {
  received: 0,
  queued: 0,
  sending: 0,
  unknown: 0,
  sent: 1,
  failed: 2,
  delivered: 3,
  read: 4,
  played: 5,
};

/** The rank of a status as stored or as Meta spells it; 0 for anything not in the table. */
export function statusRankOf(status: string): number {
  return (STATUS_RANK as Record<string, number>)[status] ?? 0;
}

/** Statuses that prove Meta accepted the send. */
const ACCEPTED: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'read', 'played']);

/** One requested move of one message's status. */
export type StatusMove = {
  readonly messageId: string;
  readonly to: MessageStatus;
  /**
   * A step of the send's own lifecycle (queued → sending → sent/failed/unknown, resolve, requeue):
   * the move happens only if the current status is one of these, whatever the ranks. Without it the
   * move is a delivery status: it happens only if `to` ranks above the current status (at an equal
   * rank, a later `statusAt` only moves the time).
   */
  readonly from?: readonly MessageStatus[];
  /** Stored if the message has no wamid yet. */
  readonly wamid?: string;
  /**
   * `error_json` to store: a string sets it, null clears it, absent keeps it, except that a move
   * out of `unknown` to a status that proves the send (sent, delivered, read, played) clears the
   * outcome-unknown error.
   */
  readonly error?: string | null;
  /** `pricing_json` to store (written even when the status does not move). */
  readonly pricing?: string;
  /** The status's own time (Meta's timestamp); default: the `at` of the call. */
  readonly statusAt?: number;
};

/** What one move did. `from === to` when only details (time, error, pricing, wamid) changed. */
export type StatusChange = {
  readonly messageId: string;
  readonly phoneNumberId: string;
  readonly conversationId: string;
  readonly from: MessageStatus;
  readonly to: MessageStatus;
  /** The status itself moved (a status-changed event was recorded). */
  readonly moved: boolean;
};

type Current = {
  id: string;
  phone_number_id: string;
  conversation_id: string;
  wamid: string | null;
  status: MessageStatus;
  status_at: number | null;
  error_json: string | null;
  pricing_json: string | null;
};

type Patch = {
  status?: MessageStatus;
  status_at?: number;
  status_rank?: number;
  error_json?: string | null;
  pricing_json?: string;
};

const CHUNK = 500;
const MAX_ROUNDS = 5;

/** Moves one message's status; see {@link transitionStatuses}. Null when nothing changed. */
export async function transitionStatus(
  trx: Kysely<DB>,
  move: StatusMove & { readonly at: number },
): Promise<StatusChange | null> {
  const [change] = await transitionStatuses(trx, { moves: [move], at: move.at });
  return change ?? null;
}

/**
 * The one writer of `messages.status` (with `status_at`, `status_rank`, and the `error_json`,
 * `pricing_json` and `wamid` that come with a status). Applies many moves in the caller's
 * transaction with few round trips: one read of the current rows, one update per group of equal
 * patches, guarded by the status read (a concurrent writer makes the move be decided again).
 * Records `message.status_changed` `{ from, to }` for each message whose status moved, and
 * `message.updated` (`change: 'status_details'`) for one whose details only changed. Moves of one message
 * apply in order. Returns the messages changed.
 */
export async function transitionStatuses(
  trx: Kysely<DB>,
  input: { readonly moves: readonly StatusMove[]; readonly at: number },
): Promise<StatusChange[]> {
  const changes: StatusChange[] = [];
  for (let i = 0; i < input.moves.length; i += CHUNK) {
    const chunk = input.moves.slice(i, i + CHUNK);
    // Several moves of one message in a chunk: apply them one round at a time, in order.
    const rounds: StatusMove[][] = [];
    const seen = new Map<string, number>();
    for (const move of chunk) {
      const n = seen.get(move.messageId) ?? 0;
      seen.set(move.messageId, n + 1);
      const round = rounds[n] ?? [];
      rounds[n] = round;
      round.push(move);
    }
    for (const round of rounds) changes.push(...(await applyRound(trx, round, input.at)));
  }
  return changes;
}

async function applyRound(trx: Kysely<DB>, moves: StatusMove[], at: number): Promise<StatusChange[]> {
  const changes = new Map<string, StatusChange>();
  let pending = moves;
  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_ROUNDS) throw new Error('message status kept changing under a status move');
    const rows = await trx
      .selectFrom('messages')
      .select([
        'id',
        'phone_number_id',
        'conversation_id',
        'wamid',
        'status',
        'status_at',
        'error_json',
        'pricing_json',
      ])
      .where(
        'id',
        'in',
        pending.map((m) => m.messageId),
      )
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r as Current]));
    const groups = new Map<string, { patch: Patch; from: MessageStatus; items: [StatusMove, Current][] }>();
    const wamids: [string, string][] = [];
    for (const move of pending) {
      const row = byId.get(move.messageId);
      if (!row) continue;
      const patch = patchFor(row, move, at);
      const wamid = move.wamid !== undefined && row.wamid === null ? move.wamid : null;
      if (wamid !== null) {
        wamids.push([row.id, wamid]);
        if (!changes.has(row.id)) changes.set(row.id, changeOf(row, row.status, false));
      }
      if (!patch) continue;
      const key = `${row.status}\u0000${JSON.stringify(patch)}`;
      let group = groups.get(key);
      if (!group) {
        group = { patch, from: row.status, items: [] };
        groups.set(key, group);
      }
      group.items.push([move, row]);
    }
    await setWamids(trx, wamids);
    const retry: StatusMove[] = [];
    for (const group of groups.values()) {
      const updated = await trx
        .updateTable('messages')
        .set(group.patch)
        .where(
          'id',
          'in',
          group.items.map(([, row]) => row.id),
        )
        .where('status', '=', group.from)
        .returning(['id'])
        .execute();
      const done = new Set(updated.map((u) => u.id));
      for (const [move, row] of group.items) {
        if (!done.has(row.id)) {
          retry.push({ ...move, wamid: undefined });
          continue;
        }
        const to = group.patch.status ?? row.status;
        changes.set(row.id, changeOf(row, to, to !== row.status));
      }
    }
    pending = retry;
  }
  await recordEvents(trx, [...changes.values()].map(eventOf), at);
  return [...changes.values()];
}

/**
 * Gives messages the wamid Meta answered with, where they have none yet: on PostgreSQL in one
 * `UPDATE … FROM (VALUES …)` (a sender's flush of many accepted sends is one round trip, not one each).
 */
async function setWamids(trx: Kysely<DB>, wamids: readonly [string, string][]): Promise<void> {
  if (wamids.length === 0) return;
  if (isPostgres(trx) && wamids.length > 1) {
    const values = sql.join(wamids.map(([id, wamid]) => sql`(${id}, ${wamid})`));
    await sql`update messages as t set wamid = v.wamid from (values ${values}) as v(id, wamid)
      where t.id = v.id and t.wamid is null`.execute(trx);
    return;
  }
  for (const [id, wamid] of wamids) {
    await trx
      .updateTable('messages')
      .set({ wamid })
      .where('id', '=', id)
      .where('wamid', 'is', null)
      .execute();
  }
}

function eventOf(c: StatusChange): DomainEvent {
  const ref = { message_id: c.messageId, conversation_id: c.conversationId };
  return c.moved
    ? {
        type: 'message.status_changed',
        phoneNumberId: c.phoneNumberId,
        payload: { ...ref, from: c.from, to: c.to },
      }
    : {
        type: 'message.updated',
        phoneNumberId: c.phoneNumberId,
        payload: { ...ref, change: 'status_details' },
      };
}

function changeOf(row: Current, to: MessageStatus, moved: boolean): StatusChange {
  return {
    messageId: row.id,
    phoneNumberId: row.phone_number_id,
    conversationId: row.conversation_id,
    from: row.status,
    to,
    moved,
  };
}

/** What a move changes on a row; null when nothing. */
function patchFor(row: Current, move: StatusMove, at: number): Patch | null {
  const statusAt = move.statusAt ?? at;
  const current = STATUS_RANK[row.status] ?? 0;
  const next = STATUS_RANK[move.to];
  const patch: Patch = {};
  let moves: boolean;
  if (move.from)
    moves = move.from.includes(row.status) && (row.status !== move.to || move.error !== undefined);
  else moves = next > current;
  if (moves) {
    if (row.status !== move.to) {
      patch.status = move.to;
      patch.status_rank = next;
      patch.status_at = statusAt;
    }
    if (move.error !== undefined) patch.error_json = move.error;
    else if (row.status === 'unknown' && ACCEPTED.has(move.to) && row.error_json !== null)
      patch.error_json = null;
  } else if (!move.from) {
    if (next === current && row.status === move.to && statusAt > (row.status_at ?? 0))
      patch.status_at = statusAt;
    if (move.error !== undefined && move.error !== row.error_json) patch.error_json = move.error;
  }
  if (move.pricing !== undefined && move.pricing !== row.pricing_json) patch.pricing_json = move.pricing;
  return Object.keys(patch).length === 0 ? null : patch;
}
