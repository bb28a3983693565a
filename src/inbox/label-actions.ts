import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { assertScoped, scopeForNewRow } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import type { LabelTable } from './inbox.table.ts';
import { type ApiLabel, toApiLabel } from './labels.ts';

async function visibleLabel(deps: AppDeps, principal: Principal, id: string): Promise<LabelTable> {
  const label = await deps.database.db
    .selectFrom('labels')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!label) throw new AppError('NOT_FOUND', 'No such label.');
  assertScoped(principal, label.waba_id, 'label');
  return label;
}

/** Records `label.changed` (what happened to the label, and who did it) in `trx`. */
async function labelChanged(
  trx: Kysely<DB>,
  input: { principal: Principal; labelId: string; action: 'created' | 'updated' | 'deleted'; at: number },
): Promise<void> {
  await recordEvent(
    trx,
    {
      type: 'label.changed',
      phoneNumberId: null,
      payload: { label_id: input.labelId, action: input.action, actor: actorOf(input.principal) },
    },
    input.at,
  );
}

/** Creates a label of one business account (or shared by all); names are unique per account, any case. */
export async function createLabel(
  deps: AppDeps,
  input: { principal: Principal; name: string; color?: string | null; wabaId?: string | null },
): Promise<ApiLabel> {
  const db = deps.database.db;
  const wabaId = scopeForNewRow(input.principal, input.wabaId);
  const clash = await db
    .selectFrom('labels')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', input.name.toLowerCase()))
    .where((eb) => (wabaId === null ? eb('waba_id', 'is', null) : eb('waba_id', '=', wabaId)))
    .executeTakeFirst();
  if (clash) throw new AppError('CONFLICT', 'A label with this name exists.');
  const label: LabelTable = {
    id: newId(),
    name: input.name,
    color: input.color ?? null,
    waba_id: wabaId,
    created_at: deps.clock.now(),
  };
  await withEvents(deps, async (trx) => {
    await trx.insertInto('labels').values(label).execute();
    await labelChanged(trx, {
      principal: input.principal,
      labelId: label.id,
      action: 'created',
      at: label.created_at,
    });
  });
  return toApiLabel(label);
}

/** Renames or recolours a label the principal can see. */
export async function updateLabel(
  deps: AppDeps,
  input: {
    principal: Principal;
    labelId: string;
    name?: string | undefined;
    color?: string | null | undefined;
  },
): Promise<ApiLabel> {
  const label = await visibleLabel(deps, input.principal, input.labelId);
  const next = {
    ...label,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.color !== undefined ? { color: input.color } : {}),
  };
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('labels')
      .set({ name: next.name, color: next.color })
      .where('id', '=', label.id)
      .execute();
    await labelChanged(trx, {
      principal: input.principal,
      labelId: label.id,
      action: 'updated',
      at: deps.clock.now(),
    });
  });
  return toApiLabel(next);
}

/** Deletes a label and takes it off every conversation, in one transaction. */
export async function deleteLabel(
  deps: AppDeps,
  input: { principal: Principal; labelId: string },
): Promise<void> {
  const label = await visibleLabel(deps, input.principal, input.labelId);
  await withEvents(deps, async (trx) => {
    await trx.deleteFrom('conversation_labels').where('label_id', '=', label.id).execute();
    await trx.deleteFrom('labels').where('id', '=', label.id).execute();
    await labelChanged(trx, {
      principal: input.principal,
      labelId: label.id,
      action: 'deleted',
      at: deps.clock.now(),
    });
  });
}
