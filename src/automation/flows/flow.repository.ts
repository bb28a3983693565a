import type { Kysely } from 'kysely';
import type { DB } from '../../database.ts';
import { AppError } from '../../platform/errors.ts';
import type { FlowRow, FlowSessionRow } from './flow.table.ts';
import type { FlowDefinition } from './flow-definition.ts';
import { emptyState, type FlowState, type SessionPosition } from './interpreter.ts';

/** Reads and writes of flows, their versions and sessions, in the caller's transaction. */

type Db = Kysely<DB>;

export async function findFlow(db: Db, flowId: string): Promise<FlowRow | undefined> {
  return db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirst();
}

export async function loadVersion(db: Db, flowId: string, version: number): Promise<FlowDefinition> {
  const row = await db
    .selectFrom('flow_versions')
    .select('definition_json')
    .where('flow_id', '=', flowId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No version ${version} of flow ${flowId}.`);
  return JSON.parse(row.definition_json) as FlowDefinition;
}

/** The conversation's running session, if any (at most one). */
export async function activeSession(db: Db, conversationId: string): Promise<FlowSessionRow | undefined> {
  return db
    .selectFrom('flow_sessions')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('status', '=', 'active')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The running session of each of these conversations (one query; see {@link activeSession}). */
export async function activeSessions(
  db: Db,
  conversationIds: readonly string[],
): Promise<Map<string, FlowSessionRow>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('flow_sessions')
    .selectAll()
    .where('conversation_id', 'in', [...conversationIds])
    .where('status', '=', 'active')
    .orderBy('started_at', 'desc')
    .execute();
  const out = new Map<string, FlowSessionRow>();
  for (const row of rows) if (!out.has(row.conversation_id)) out.set(row.conversation_id, row);
  return out;
}

export async function latestSession(db: Db, conversationId: string): Promise<FlowSessionRow | undefined> {
  return db
    .selectFrom('flow_sessions')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function positionOf(row: FlowSessionRow): SessionPosition {
  let state: FlowState;
  try {
    state = { ...emptyState(), ...(JSON.parse(row.state_json) as Partial<FlowState>) };
  } catch {
    state = emptyState();
  }
  return {
    stepId: row.step_id,
    waiting: row.waiting === 'answer' || row.waiting === 'call' ? row.waiting : null,
    retries: row.retries,
    status: row.status,
    state,
  };
}

export async function savePosition(
  db: Db,
  sessionId: string,
  position: SessionPosition,
  now: number,
): Promise<void> {
  await db
    .updateTable('flow_sessions')
    .set({
      status: position.status,
      step_id: position.stepId,
      waiting: position.waiting,
      retries: position.retries,
      state_json: JSON.stringify(position.state),
      updated_at: now,
      ended_at: position.status === 'active' ? null : now,
    })
    .where('id', '=', sessionId)
    .execute();
}
