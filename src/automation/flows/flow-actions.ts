import type { Kysely } from 'kysely';
import type { AppDeps } from '../../app-deps.ts';
import type { DB } from '../../database.ts';
import { generateSecret } from '../../integrations/outbound-webhooks/signature.ts';
import { masterKeyringOf } from '../../platform/crypto/keyring.ts';
import { openSecret, sealSecret } from '../../platform/crypto/secrets.ts';
import { AppError } from '../../platform/errors.ts';
import type { Actor } from '../../platform/events/catalogue.ts';
import { recordEvent } from '../../platform/events/record-event.ts';
import { newId } from '../../platform/ids.ts';
import { iso } from '../../platform/time.ts';
import { findFlow, loadVersion } from './flow.repository.ts';
import type { FlowRow } from './flow.table.ts';
import { type FlowDefinition, flowDefinitionSchema } from './flow-definition.ts';

/**
 * Flows as the API and the demo seed manage them. A flow's definition is never edited in place:
 * saving publishes version n+1 and new sessions start on it, while conversations already inside
 * finish on the version they started on (`flow_sessions.version`).
 */

type Db = Kysely<DB>;
type Deps = Pick<AppDeps, 'clock' | 'config'>;

export const signingSubject = (flowId: string) => `flow-signing:${flowId}`;

/** Parses a definition or throws VALIDATION_FAILED with each problem's path. */
export function parseDefinition(value: unknown): FlowDefinition {
  const parsed = flowDefinitionSchema.safeParse(value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
    throw new AppError(
      'VALIDATION_FAILED',
      `Invalid flow: ${details[0]?.path ?? ''} ${details[0]?.message ?? ''}`.trim(),
      details,
    );
  }
  return parsed.data;
}

export function toApiFlow(row: FlowRow, definition?: FlowDefinition) {
  return {
    id: row.id,
    phone_number_id: row.phone_number_id,
    name: row.name,
    description: row.description,
    version: row.current_version,
    enabled: row.enabled === 1,
    is_welcome: row.is_welcome === 1,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    ...(definition ? { definition } : {}),
  };
}

async function changed(trx: Db, flow: FlowRow, action: string, actor: Actor | null, now: number) {
  await recordEvent(
    trx,
    {
      type: 'automation.changed',
      phoneNumberId: flow.phone_number_id,
      payload: { entity: 'flow', id: flow.id, action, actor },
    },
    now,
  );
}

export type FlowInput = {
  name: string;
  description?: string;
  phone_number_id?: string | null;
  enabled?: boolean;
  is_welcome?: boolean;
  definition: unknown;
};

/** Creates a flow with its version 1 and a new signing secret for its HTTP steps. */
export async function createFlow(
  deps: Deps,
  trx: Db,
  input: FlowInput & { actor: Actor | null; userId: string | null },
): Promise<FlowRow> {
  const definition = parseDefinition(input.definition);
  const now = deps.clock.now();
  const id = newId();
  const signing = await sealSecret(trx, masterKeyringOf(deps.config), signingSubject(id), generateSecret());
  const row: FlowRow = {
    id,
    phone_number_id: input.phone_number_id ?? null,
    name: input.name,
    description: input.description ?? '',
    current_version: 1,
    enabled: input.enabled === false ? 0 : 1,
    is_welcome: input.is_welcome ? 1 : 0,
    signing_secret: signing,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('flows').values(row).execute();
  await trx
    .insertInto('flow_versions')
    .values({
      flow_id: id,
      version: 1,
      definition_json: JSON.stringify(definition),
      created_by: input.userId,
      created_at: now,
    })
    .execute();
  await changed(trx, row, 'created', input.actor, now);
  return row;
}

/**
 * Changes a flow: name, description, enabled, welcome; a new `definition` publishes the next
 * version (an identical one publishes nothing).
 */
export async function updateFlow(
  deps: Deps,
  trx: Db,
  flowId: string,
  input: Partial<FlowInput> & { actor: Actor | null; userId: string | null },
): Promise<FlowRow> {
  const flow = await findFlow(trx, flowId);
  if (!flow) throw new AppError('NOT_FOUND', `No flow ${flowId}.`);
  const now = deps.clock.now();
  let version = flow.current_version;
  if (input.definition !== undefined) {
    const definition = parseDefinition(input.definition);
    const current = await loadVersion(trx, flow.id, flow.current_version);
    if (JSON.stringify(current) !== JSON.stringify(definition)) {
      version += 1;
      await trx
        .insertInto('flow_versions')
        .values({
          flow_id: flow.id,
          version,
          definition_json: JSON.stringify(definition),
          created_by: input.userId,
          created_at: now,
        })
        .execute();
    }
  }
  const next: FlowRow = {
    ...flow,
    name: input.name ?? flow.name,
    description: input.description ?? flow.description,
    phone_number_id: input.phone_number_id === undefined ? flow.phone_number_id : input.phone_number_id,
    enabled: input.enabled === undefined ? flow.enabled : input.enabled ? 1 : 0,
    is_welcome: input.is_welcome === undefined ? flow.is_welcome : input.is_welcome ? 1 : 0,
    current_version: version,
    updated_at: now,
  };
  await trx.updateTable('flows').set(next).where('id', '=', flow.id).execute();
  await changed(
    trx,
    next,
    version !== flow.current_version ? `published v${version}` : 'updated',
    input.actor,
    now,
  );
  return next;
}

/** Deletes a flow and its versions; running sessions are cancelled. */
export async function deleteFlow(deps: Deps, trx: Db, flowId: string, actor: Actor | null): Promise<void> {
  const flow = await findFlow(trx, flowId);
  if (!flow) throw new AppError('NOT_FOUND', `No flow ${flowId}.`);
  const now = deps.clock.now();
  await trx
    .updateTable('flow_sessions')
    .set({ status: 'cancelled', waiting: null, ended_at: now, updated_at: now })
    .where('flow_id', '=', flowId)
    .where('status', '=', 'active')
    .execute();
  await trx.deleteFrom('flow_versions').where('flow_id', '=', flowId).execute();
  await trx.deleteFrom('flows').where('id', '=', flowId).execute();
  await changed(trx, flow, 'deleted', actor, now);
}

/** The `whsec_` secret a flow's HTTP steps sign with, for the receiver to verify. */
export async function flowSigningSecret(
  deps: Pick<AppDeps, 'config'>,
  db: Db,
  flow: FlowRow,
): Promise<string> {
  return openSecret(db, masterKeyringOf(deps.config), signingSubject(flow.id), flow.signing_secret);
}

export async function listFlows(db: Db) {
  return db.selectFrom('flows').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function listVersions(db: Db, flowId: string) {
  return db
    .selectFrom('flow_versions')
    .select(['version', 'created_by', 'created_at'])
    .where('flow_id', '=', flowId)
    .orderBy('version', 'desc')
    .execute();
}
