import type { IngestContext } from '../messages/ingest-context.ts';
import { newId } from '../platform/ids.ts';
import type { TemplateStatusUpdate } from './inbound-events.ts';
import { recordTemplateChange } from './template-history.repository.ts';
import { findNamedTemplate } from './template-rating.processor.ts';

/**
 * A template deleted here stays deleted: a status update of that same template arriving later (a
 * review result or a pause Meta sent before it learnt of the deletion, a redelivery) is ignored.
 * An update with another Meta id is a new template of that name and language, made at Meta.
 */
export function isDeletedHere(
  row: { readonly status: string; readonly meta_template_id: string | null },
  metaTemplateId: string | null,
): boolean {
  return (
    row.status === 'DELETED' &&
    (metaTemplateId === null || row.meta_template_id === null || metaTemplateId === row.meta_template_id)
  );
}

/**
 * `message_template_status_update`: upserts the template (found by Meta's id, or by WABA, name and
 * language) with its status and Meta id (a string, read losslessly). An event older than the last
 * applied one is ignored, and so is any update of a template deleted here.
 */
export async function processTemplateStatus(
  ctx: IngestContext,
  item: {
    readonly event: TemplateStatusUpdate;
    readonly envelope: { readonly wabaId: string | null; readonly entryTime: number | null };
  },
): Promise<void> {
  const { trx, now } = ctx;
  const { event: v, envelope } = item;
  const wabaId = envelope.wabaId ?? 'unknown';
  const { name, language, status } = v;
  if (name === null || language === null || status === null) {
    throw new Error('template status update lacks name, language or event');
  }
  const at = envelope.entryTime ?? now;
  const fields = {
    meta_template_id: v.templateId,
    status,
    reason: v.reason,
    status_changed_at: at,
    updated_at: now,
  };
  const existing = await findNamedTemplate(trx, { wabaId, templateId: v.templateId, name, language });
  if (!existing) {
    const id = newId();
    const inserted = await trx
      .insertInto('templates')
      .values({
        id,
        waba_id: wabaId,
        name,
        language,
        category: v.category,
        components_json: null,
        parameter_format: null,
        ...fields,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      await recordTemplateChange(trx, {
        template: { id, waba_id: wabaId, name, language },
        action: 'status',
        actor: null,
        from: null,
        to: status,
        details: { reason: v.reason },
        at: now,
      });
    }
    return;
  }
  if (existing.status_changed_at !== null && at < existing.status_changed_at) return;
  if (isDeletedHere(existing, v.templateId)) return;
  if (existing.status !== status) {
    await recordTemplateChange(trx, {
      template: existing,
      action: 'status',
      actor: null,
      from: existing.status,
      to: status,
      details: { reason: v.reason },
      at: now,
    });
  }
  await trx
    .updateTable('templates')
    .set({
      ...fields,
      meta_template_id: fields.meta_template_id ?? existing.meta_template_id,
      category: v.category ?? existing.category,
    })
    .where('id', '=', existing.id)
    .execute();
}
