import { hashKey, type ItemSink } from './items.ts';
import { type Json, objectOr, secondsToMs, str } from './json.ts';

/** The `account_update` field: lifecycle and other account events of a WABA. */
export function parseAccountUpdateField(value: Json, path: string, sink: ItemSink): void {
  const { origin } = sink;
  const info = objectOr(value.disconnection_info);
  sink.push({
    ...origin,
    kind: 'account_update',
    path,
    event: {
      event: str(value.event) ?? 'UNKNOWN',
      infoWabaId: str(objectOr(value.waba_info).waba_id),
      displayPhone: str(value.phone_number)?.replace(/\D+/g, '') ?? null,
      disconnection: { reason: str(info.reason), initiatedBy: str(info.initiated_by) },
      dataJson: JSON.stringify(value),
    },
    dedupKey: hashKey(origin, 'account_update', { t: origin.entryTime, value }),
  });
}

/** The `message_template_status_update` field. */
export function parseTemplateStatusField(value: Json, path: string, sink: ItemSink): void {
  const { origin } = sink;
  sink.push({
    ...origin,
    kind: 'template_status',
    path,
    event: {
      name: str(value.message_template_name),
      language: str(value.message_template_language),
      status: str(value.event),
      templateId: str(value.message_template_id),
      reason: str(value.reason),
      category: str(value.message_template_category),
    },
    dedupKey: hashKey(origin, 'template', { t: origin.entryTime, value }),
  });
}

/** The `message_template_quality_update` field: a template's new quality rating. */
export function parseTemplateQualityField(value: Json, path: string, sink: ItemSink): void {
  const { origin } = sink;
  sink.push({
    ...origin,
    kind: 'template_quality',
    path,
    event: {
      name: str(value.message_template_name),
      language: str(value.message_template_language),
      templateId: str(value.message_template_id),
      previousScore: str(value.previous_quality_score),
      newScore: str(value.new_quality_score),
    },
    dedupKey: hashKey(origin, 'template_quality', { t: origin.entryTime, value }),
  });
}

/** The `template_category_update` field: Meta changed, or will change, a template's category. */
export function parseTemplateCategoryField(value: Json, path: string, sink: ItemSink): void {
  const { origin } = sink;
  sink.push({
    ...origin,
    kind: 'template_category',
    path,
    event: {
      name: str(value.message_template_name),
      language: str(value.message_template_language),
      templateId: str(value.message_template_id),
      previousCategory: str(value.previous_category),
      newCategory: str(value.new_category),
      correctCategory: str(value.correct_category),
      effectiveAt: secondsToMs(value.category_update_timestamp),
    },
    dedupKey: hashKey(origin, 'template_category', { t: origin.entryTime, value }),
  });
}
