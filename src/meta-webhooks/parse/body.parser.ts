import { parseJsonLossless } from '../lossless-json.ts';
import { parseEchoesField } from './echoes.ts';
import { parseHistoryField } from './history.ts';
import { hashKey, type ItemOrigin, ItemSink, type WebhookItem } from './items.ts';
import { isObject, type Json, secondsToMs, str } from './json.ts';
import {
  parseAccountUpdateField,
  parseTemplateCategoryField,
  parseTemplateQualityField,
  parseTemplateStatusField,
} from './management.ts';
import { parseMessagesField } from './messages.ts';
import { parseStateSyncField, parseUserPreferencesField } from './state-sync.ts';

export type { ItemOf, ItemOrigin, WebhookItem } from './items.ts';
export { sha256 } from './json.ts';

export type ParseResult =
  | { ok: true; items: WebhookItem[] }
  | { ok: false; code: 'WEBHOOK_UNPARSABLE' | 'WEBHOOK_SHAPE_INVALID'; message: string };

/** Parses one change's `value` of a field family into typed items. */
type FieldParser = (value: Json, path: string, sink: ItemSink) => void;

/** The field families the hub understands; any other field becomes an `unsupported_field` item. */
const fieldParsers: Readonly<Record<string, FieldParser>> = {
  messages: parseMessagesField,
  smb_message_echoes: parseEchoesField,
  history: parseHistoryField,
  smb_app_state_sync: parseStateSyncField,
  user_preferences: parseUserPreferencesField,
  account_update: parseAccountUpdateField,
  message_template_status_update: parseTemplateStatusField,
  message_template_quality_update: parseTemplateQualityField,
  template_category_update: parseTemplateCategoryField,
};

/** The value-only shapes Meta sometimes publishes without an envelope: guess the field from the keys. */
function guessField(value: Json): string | null {
  if ('history' in value) return 'history';
  if ('state_sync' in value) return 'smb_app_state_sync';
  if ('message_echoes' in value) return 'smb_message_echoes';
  if ('messages' in value || 'statuses' in value) return 'messages';
  if ('user_preferences' in value) return 'user_preferences';
  return null;
}

/**
 * Parses a raw webhook body into typed items, leniently (fixtures README): `field`/`object` may sit
 * inside `value`, `entry[].time` may be a string or a number, and a bare `value` without envelope is
 * accepted. Structural problems inside an entry become `invalid` items so the rest still applies.
 */
export function parseWebhookBody(raw: string): ParseResult {
  let body: unknown;
  try {
    body = parseJsonLossless(raw);
  } catch (error) {
    return {
      ok: false,
      code: 'WEBHOOK_UNPARSABLE',
      message: `Body is not JSON: ${(error as Error).message}`,
    };
  }
  if (!isObject(body))
    return { ok: false, code: 'WEBHOOK_SHAPE_INVALID', message: 'Body is not a JSON object.' };
  if (!('entry' in body)) {
    const field = guessField(body);
    if (field === null) {
      return {
        ok: false,
        code: 'WEBHOOK_SHAPE_INVALID',
        message: 'Body has no entry[] and is not a known value.',
      };
    }
    return { ok: true, items: changeItems(body, { wabaId: null, entryTime: null, field }, 'value') };
  }
  if (!Array.isArray(body.entry)) {
    return { ok: false, code: 'WEBHOOK_SHAPE_INVALID', message: 'entry is not an array.' };
  }
  const items: WebhookItem[] = [];
  body.entry.forEach((entry, e) => {
    const entryPath = `entry[${e}]`;
    if (!isObject(entry) || !Array.isArray(entry.changes)) {
      items.push(invalidItem(entryPath, 'entry has no changes[] array', entry));
      return;
    }
    const wabaId = str(entry.id);
    const entryTime = secondsToMs(entry.time);
    entry.changes.forEach((change, c) => {
      const path = `${entryPath}.changes[${c}]`;
      if (!isObject(change) || !isObject(change.value)) {
        items.push(invalidItem(path, 'change has no value object', change));
        return;
      }
      const field = str(change.field) ?? str(change.value.field) ?? guessField(change.value);
      if (field === null) {
        items.push(invalidItem(path, 'change has no field', change));
        return;
      }
      items.push(...changeItems(change.value, { wabaId, entryTime, field }, `${path}.value`));
    });
  });
  return { ok: true, items };
}

function invalidItem(path: string, reason: string, value: unknown): WebhookItem {
  const origin: ItemOrigin = {
    wabaId: null,
    field: 'unknown',
    entryTime: null,
    phoneNumberId: null,
    displayPhoneNumber: null,
  };
  return {
    ...origin,
    kind: 'invalid',
    path,
    reason,
    value,
    dedupKey: hashKey(origin, `invalid:${path}`, value),
  };
}

function changeItems(
  value: Json,
  envelope: { wabaId: string | null; entryTime: number | null; field: string },
  path: string,
): WebhookItem[] {
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const origin: ItemOrigin = {
    ...envelope,
    phoneNumberId: str(metadata.phone_number_id),
    displayPhoneNumber: str(metadata.display_phone_number),
  };
  const sink = new ItemSink(origin);
  const parse = Object.hasOwn(fieldParsers, origin.field) ? fieldParsers[origin.field] : undefined;
  if (parse) parse(value, path, sink);
  else
    sink.push({
      ...origin,
      kind: 'unsupported_field',
      path,
      value,
      dedupKey: hashKey(origin, 'unsupported', { t: origin.entryTime, value }),
    });
  return sink.items;
}
