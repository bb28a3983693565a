import { newId } from '../platform/ids.ts';
import type { ItemContext } from '../meta-webhooks/item-context.ts';
import { str, type WebhookItem } from '../meta-webhooks/meta-payload.parser.ts';

type TemplateItem = Extract<WebhookItem, { kind: 'template_status' }>;

/**
 * `message_template_status_update`: upserts the template by (WABA, name, language) with its status
 * and Meta id (a string, read losslessly). An event older than the last applied one is ignored.
 */
export async function processTemplateStatus(ctx: ItemContext, item: TemplateItem): Promise<void> {
  const { trx, now } = ctx;
  const v = item.value;
  const wabaId = item.wabaId ?? 'unknown';
  const name = str(v.message_template_name);
  const language = str(v.message_template_language);
  const status = str(v.event);
  if (name === null || language === null || status === null) {
    throw new Error('template status update lacks name, language or event');
  }
  const at = item.entryTime ?? now;
  const fields = {
    meta_template_id: str(v.message_template_id),
    status,
    reason: str(v.reason),
    status_changed_at: at,
    updated_at: now,
  };
  const category = str(v.message_template_category);
  const existing = await trx
    .selectFrom('templates')
    .selectAll()
    .where('waba_id', '=', wabaId)
    .where('name', '=', name)
    .where('language', '=', language)
    .executeTakeFirst();
  if (!existing) {
    await trx
      .insertInto('templates')
      .values({
        id: newId(),
        waba_id: wabaId,
        name,
        language,
        category,
        components_json: null,
        parameter_format: null,
        ...fields,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return;
  }
  if (existing.status_changed_at !== null && at < existing.status_changed_at) return;
  await trx
    .updateTable('templates')
    .set({
      ...fields,
      meta_template_id: fields.meta_template_id ?? existing.meta_template_id,
      category: category ?? existing.category,
    })
    .where('id', '=', existing.id)
    .execute();
}
