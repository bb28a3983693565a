import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { IngestContext } from '../messages/ingest-context.ts';
import type { TemplateCategoryUpdate, TemplateQualityUpdate } from './inbound-events.ts';
import type { TemplateRow } from './template.table.ts';
import { recordTemplateChange } from './template-history.repository.ts';

type Envelope = { readonly wabaId: string | null; readonly entryTime: number | null };

/**
 * The stored template a management webhook names: by Meta's id when known, else by (WABA, name,
 * language), where Meta's samples write `en-US` for the `en_US` the list call returns.
 */
export async function findNamedTemplate(
  db: Kysely<DB>,
  input: { wabaId: string | null; templateId: string | null; name: string | null; language: string | null },
): Promise<TemplateRow | undefined> {
  if (input.templateId !== null) {
    const byId = await db
      .selectFrom('templates')
      .selectAll()
      .where('meta_template_id', '=', input.templateId)
      .$if(input.wabaId !== null, (q) => q.where('waba_id', '=', input.wabaId ?? ''))
      .executeTakeFirst();
    if (byId) return byId;
  }
  if (input.wabaId === null || input.name === null || input.language === null) return undefined;
  const languages = [...new Set([input.language, input.language.replace(/-/g, '_')])];
  return db
    .selectFrom('templates')
    .selectAll()
    .where('waba_id', '=', input.wabaId)
    .where('name', '=', input.name)
    .where('language', 'in', languages)
    .executeTakeFirst();
}

/**
 * `message_template_quality_update`: stores the template's new quality rating and records the change
 * (who: Meta). A template Meta does not yet know here is left to the sync. The rating does not decide
 * a send by itself: Meta pauses a template whose quality falls (a `PAUSED` status update), and the one
 * send policy refuses any template that is not APPROVED.
 */
export async function processTemplateQuality(
  ctx: IngestContext,
  item: { readonly event: TemplateQualityUpdate; readonly envelope: Envelope },
): Promise<void> {
  const { trx, now } = ctx;
  const { event: v, envelope } = item;
  const t = await findNamedTemplate(trx, { wabaId: envelope.wabaId, ...v });
  if (!t || v.newScore === null || t.quality_score === v.newScore) return;
  await trx
    .updateTable('templates')
    .set({ quality_score: v.newScore, updated_at: now })
    .where('id', '=', t.id)
    .execute();
  await recordTemplateChange(trx, {
    template: t,
    action: 'quality',
    actor: null,
    from: t.quality_score ?? v.previousScore,
    to: v.newScore,
    at: now,
  });
}

/**
 * `template_category_update`: a changed category is stored (it decides the price and whether the
 * consent rule applies: a template Meta moves to MARKETING is gated by consent from its next send);
 * an announced change (`correct_category` only) is recorded in the history and changes nothing yet.
 */
export async function processTemplateCategory(
  ctx: IngestContext,
  item: { readonly event: TemplateCategoryUpdate; readonly envelope: Envelope },
): Promise<void> {
  const { trx, now } = ctx;
  const { event: v, envelope } = item;
  const t = await findNamedTemplate(trx, { wabaId: envelope.wabaId, ...v });
  if (!t) return;
  const details = {
    ...(v.correctCategory !== null ? { correct_category: v.correctCategory } : {}),
    ...(v.effectiveAt !== null ? { effective_at: new Date(v.effectiveAt).toISOString() } : {}),
  };
  if (v.newCategory === null) {
    await recordTemplateChange(trx, {
      template: t,
      action: 'category',
      actor: null,
      from: t.category,
      to: null,
      details: { ...details, announced: true },
      at: now,
    });
    return;
  }
  const category = v.newCategory.toUpperCase();
  if (t.category?.toUpperCase() === category) return;
  await trx.updateTable('templates').set({ category, updated_at: now }).where('id', '=', t.id).execute();
  await recordTemplateChange(trx, {
    template: t,
    action: 'category',
    actor: null,
    from: t.category,
    to: category,
    details,
    at: now,
  });
}
