import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import type { GraphError } from '../graph/graph-types.ts';
import { newId } from '../platform/ids.ts';
import { recordTemplateChange } from './template-history.repository.ts';
import { isDeletedHere } from './template-status.processor.ts';

/**
 * Refreshes the local template table of one business account from Graph
 * (`GET /{waba_id}/message_templates`): inserts new templates, updates status, category,
 * components and format of known ones. Templates missing from Meta's list are left as they are
 * (status webhooks record deletions), and a template deleted here is never revived by the list.
 */
export async function syncTemplates(
  deps: { db: Kysely<DB>; graph: GraphClient; now: number },
  wabaId: string,
): Promise<{ ok: true; synced: number } | { ok: false; error: GraphError }> {
  const listed = await deps.graph.listTemplates(wabaId);
  if (!listed.ok) return listed;
  await deps.db.transaction().execute(async (trx) => {
    for (const t of listed.value) {
      const values = {
        meta_template_id: t.id,
        category: t.category,
        status: t.status,
        reason: t.rejectedReason,
        components_json: JSON.stringify(t.components),
        parameter_format: t.parameterFormat?.toLowerCase() ?? null,
        updated_at: deps.now,
      };
      const existing = await trx
        .selectFrom('templates')
        .select(['id', 'status', 'meta_template_id', 'waba_id', 'name', 'language'])
        .where('waba_id', '=', wabaId)
        .where('name', '=', t.name)
        .where('language', '=', t.language)
        .executeTakeFirst();
      // A list read before a deletion here (or Meta still listing it for a moment) revives nothing.
      if (existing && isDeletedHere(existing, t.id)) continue;
      if (existing) {
        if (existing.status !== t.status) {
          await recordTemplateChange(trx, {
            template: existing,
            action: 'status',
            actor: null,
            from: existing.status,
            to: t.status,
            details: { reason: t.rejectedReason, via: 'sync' },
            at: deps.now,
          });
        }
        await trx
          .updateTable('templates')
          .set({ ...values, ...(existing.status !== t.status ? { status_changed_at: deps.now } : {}) })
          .where('id', '=', existing.id)
          .execute();
      } else {
        await trx
          .insertInto('templates')
          .values({
            id: newId(),
            waba_id: wabaId,
            name: t.name,
            language: t.language,
            status_changed_at: deps.now,
            ...values,
          })
          .onConflict((oc) => oc.columns(['waba_id', 'name', 'language']).doUpdateSet(values))
          .execute();
      }
    }
  });
  return { ok: true, synced: listed.value.length };
}
