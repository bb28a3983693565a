import type { Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { assertWabaAccess, type Principal } from '../auth/principal.ts';
import type { GraphError } from '../graph/graph-types.ts';
import { AppError } from '../platform/errors.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import { authenticationStoredComponents } from './authentication-template.ts';
import type { TemplateTable } from './template.table.ts';
import { toMetaComponents } from './template-definition.ts';
import { recordTemplateChange } from './template-history.repository.ts';
import type { CreateTemplateRequest, TemplateComponent, TemplateDefinition } from './templates.schemas.ts';

/** The API object of a stored template. */
export function toApiTemplate(t: Selectable<TemplateTable>) {
  return {
    id: t.id,
    waba_id: t.waba_id,
    meta_template_id: t.meta_template_id,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    reason: t.reason,
    parameter_format: t.parameter_format,
    components: parseJsonOr<TemplateComponent[]>(t.components_json, []),
    quality_score: t.quality_score,
    created_by: t.created_by,
    status_changed_at: isoOrNull(t.status_changed_at),
    updated_at: isoOrNull(t.updated_at),
  };
}

/**
 * Meta's template webhooks carry whole seconds (`entry[].time`); a local change is stamped on the
 * second so the review result of that same second is not taken for an older event.
 */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function metaRefused(error: GraphError): AppError {
  return new AppError(
    'GRAPH_REQUEST_FAILED',
    `Meta refused the template: ${error.details ?? error.message}`,
    {
      meta_code: error.code,
      meta_subcode: error.subcode,
      meta_message: error.details ?? error.message,
    },
  );
}

/** What the hub keeps of submitted components: an authentication template's as Meta lists them (its preset text). */
function storedComponents(category: string, components: Record<string, unknown>[], language: string) {
  return category === 'AUTHENTICATION' ? authenticationStoredComponents(components, language) : components;
}

async function visibleTemplate(deps: AppDeps, principal: Principal, id: string) {
  const row = await deps.database.db
    .selectFrom('templates')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || (principal.wabaIds !== null && !principal.wabaIds.includes(row.waba_id))) {
    throw new AppError('NOT_FOUND', 'No such template.');
  }
  return row;
}

/**
 * Creates a template: checks the definition (variables and examples), submits it to Meta for review
 * (`POST /{waba_id}/message_templates`) and stores it as PENDING with who created it. Its review
 * result arrives later as `message_template_status_update` (or with the sync).
 */
export async function createTemplate(
  deps: AppDeps,
  input: { principal: Principal; request: CreateTemplateRequest },
) {
  const { principal, request } = input;
  assertWabaAccess(principal, request.waba_id);
  const components = toMetaComponents(request);
  const db = deps.database.db;
  const clash = await db
    .selectFrom('templates')
    .select('id')
    .where('waba_id', '=', request.waba_id)
    .where('name', '=', request.name)
    .where('language', '=', request.language)
    .where('status', '!=', 'DELETED')
    .executeTakeFirst();
  if (clash) throw new AppError('CONFLICT', `Template ${request.name} (${request.language}) exists already.`);
  const created = await deps.graph.createTemplate(request.waba_id, {
    name: request.name,
    language: request.language,
    category: request.category,
    parameterFormat: request.parameter_format,
    components,
  });
  if (!created.ok) throw metaRefused(created.error);
  const stored = storedComponents(request.category, components, request.language);
  const now = deps.clock.now();
  return withEvents(deps, async (trx) => {
    const values = {
      meta_template_id: created.value.id,
      category: created.value.category ?? request.category,
      status: created.value.status,
      reason: null,
      components_json: JSON.stringify(stored),
      parameter_format: request.parameter_format,
      status_changed_at: wholeSecond(now),
      updated_at: now,
      created_by: principal.userId ?? principal.id,
      created_at: now,
    };
    // A deleted row of the same name and language is reused (the unique key is name + language).
    const row = await trx
      .insertInto('templates')
      .values({
        id: newId(),
        waba_id: request.waba_id,
        name: request.name,
        language: request.language,
        ...values,
      })
      .onConflict((oc) => oc.columns(['waba_id', 'name', 'language']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordTemplateChange(trx, {
      template: row,
      action: 'created',
      actor: actorOf(principal),
      to: row.status,
      details: { category: row.category, components: stored },
      at: now,
    });
    return toApiTemplate(row);
  });
}

/**
 * Edits a template's content (and, before approval, its category) at Meta (`POST /{template_id}`);
 * Meta sends it back through review (PENDING). Name and language never change.
 */
export async function editTemplate(
  deps: AppDeps,
  input: {
    principal: Principal;
    id: string;
    definition: Partial<TemplateDefinition> & Omit<TemplateDefinition, 'category'>;
  },
) {
  const row = await visibleTemplate(deps, input.principal, input.id);
  if (!row.meta_template_id) throw new AppError('CONFLICT', 'This template has no Meta id yet; sync first.');
  const category = (
    input.definition.category ??
    row.category ??
    'MARKETING'
  ).toUpperCase() as TemplateDefinition['category'];
  const components = toMetaComponents({
    ...input.definition,
    category,
    parameter_format:
      input.definition.parameter_format ?? (row.parameter_format === 'named' ? 'named' : 'positional'),
  });
  const edited = await deps.graph.editTemplate(row.meta_template_id, {
    components,
    ...(input.definition.category && input.definition.category !== row.category ? { category } : {}),
  });
  if (!edited.ok) throw metaRefused(edited.error);
  const stored = storedComponents(category, components, row.language);
  const now = deps.clock.now();
  return withEvents(deps, async (trx) => {
    const updated = await trx
      .updateTable('templates')
      .set({
        components_json: JSON.stringify(stored),
        category,
        status: 'PENDING',
        reason: null,
        status_changed_at: wholeSecond(now),
        updated_at: now,
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordTemplateChange(trx, {
      template: row,
      action: 'edited',
      actor: actorOf(input.principal),
      from: row.status,
      to: 'PENDING',
      details: { components: stored, previous_components: parseJsonOr(row.components_json, []) },
      at: now,
    });
    return toApiTemplate(updated);
  });
}

/** Deletes one language of a template at Meta and here (the row stays, status DELETED, for history). */
export async function deleteTemplate(
  deps: AppDeps,
  input: { principal: Principal; id: string },
): Promise<void> {
  const row = await visibleTemplate(deps, input.principal, input.id);
  if (row.status !== 'DELETED') {
    const deleted = await deps.graph.deleteTemplate(row.waba_id, {
      name: row.name,
      templateId: row.meta_template_id,
    });
    // Meta no longer knowing it (subcode 2593002) is what a delete wants.
    if (!deleted.ok && deleted.error.subcode !== 2593002) throw metaRefused(deleted.error);
  }
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('templates')
      .set({ status: 'DELETED', status_changed_at: now, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await recordTemplateChange(trx, {
      template: row,
      action: 'deleted',
      actor: actorOf(input.principal),
      from: row.status,
      to: 'DELETED',
      at: now,
    });
  });
}

/** Every recorded change of a template, newest first. */
export async function templateHistory(deps: AppDeps, input: { principal: Principal; id: string }) {
  const row = await visibleTemplate(deps, input.principal, input.id);
  const rows = await deps.database.db
    .selectFrom('template_history')
    .selectAll()
    .where('template_id', '=', row.id)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    action: r.action,
    actor: { kind: r.actor_kind, id: r.actor_id },
    details: parseJsonOr<Record<string, unknown>>(r.details_json, {}),
    at: new Date(r.at).toISOString(),
  }));
}
