import { createHash } from 'node:crypto';
import { parseJsonLossless } from './lossless-json.ts';

/** A JSON object as received; the parser checks only what it routes on. */
export type Json = Record<string, unknown>;

/** Where an item came from: the business number it concerns and the envelope around it. */
export type ItemOrigin = {
  readonly wabaId: string | null;
  readonly field: string;
  /** `entry[].time` in ms, when present (management fields). */
  readonly entryTime: number | null;
  readonly phoneNumberId: string | null;
  readonly displayPhoneNumber: string | null;
};

type ItemBase = ItemOrigin & {
  /** Where the item sits in the body, e.g. `entry[0].changes[1].value.messages[2]`. */
  readonly path: string;
  /** Unique key of the update (cloud-api.md §1.4); a second delivery is a no-op. */
  readonly dedupKey: string;
};

/** One independently processed update of a webhook body. */
export type WebhookItem = ItemBase &
  (
    | { kind: 'message'; message: Json; contacts: Json[] }
    | { kind: 'status'; status: Json; contacts: Json[] }
    | { kind: 'echo'; echo: Json; contacts: Json[] }
    | { kind: 'history_message'; message: Json; threadId: string }
    | { kind: 'history_chunk'; phase: number; chunkOrder: number; progress: number; messageCount: number }
    | { kind: 'history_errors'; errors: Json[] }
    | { kind: 'history_media'; message: Json }
    | { kind: 'state_sync'; entry: Json }
    | { kind: 'user_preference'; preference: Json; contacts: Json[] }
    | { kind: 'value_errors'; errors: Json[] }
    | { kind: 'account_update'; value: Json }
    | { kind: 'template_status'; value: Json }
    | { kind: 'unsupported_field'; value: unknown }
    | { kind: 'invalid'; reason: string; value: unknown }
  );

export type ParseResult =
  | { ok: true; items: WebhookItem[] }
  | { ok: false; code: 'WEBHOOK_UNPARSABLE' | 'WEBHOOK_SHAPE_INVALID'; message: string };

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** Meta's Unix-seconds timestamps (string or number) as ms; null when absent or not a number. */
export function secondsToMs(v: unknown): number | null {
  const s = str(v);
  if (s === null || !/^\d+(\.\d+)?$/.test(s.trim())) return null;
  return Math.round(Number(s) * 1000);
}

/** JSON with sorted keys, so equal objects hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hashKey(origin: ItemOrigin, kind: string, value: unknown): string {
  return `x:${kind}:${sha256(`${origin.wabaId ?? ''}|${origin.field}|${canonicalJson(value)}`)}`;
}

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
 * Parses a raw webhook body into its items, leniently (fixtures README): `field`/`object` may sit
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
  const pn = origin.phoneNumberId ?? '';
  const contacts = objects(value.contacts);
  const items: WebhookItem[] = [];
  const push = (item: WebhookItem) => items.push(item);
  const needsNumber = (p: string, v: unknown): boolean => {
    if (origin.phoneNumberId !== null) return true;
    push({
      ...origin,
      kind: 'invalid',
      path: p,
      reason: 'value.metadata.phone_number_id is missing',
      value: v,
      dedupKey: hashKey(origin, 'invalid', v),
    });
    return false;
  };
  const wamidOf = (p: string, v: Json): string | null => {
    const id = str(v.id);
    if (id === null)
      push({
        ...origin,
        kind: 'invalid',
        path: p,
        reason: 'item has no id',
        value: v,
        dedupKey: hashKey(origin, `invalid:${p}`, v),
      });
    return id;
  };

  switch (origin.field) {
    case 'messages': {
      objects(value.messages).forEach((m, i) => {
        const p = `${path}.messages[${i}]`;
        const id = needsNumber(p, m) ? wamidOf(p, m) : null;
        if (id !== null)
          push({ ...origin, kind: 'message', path: p, message: m, contacts, dedupKey: `m:${pn}:${id}` });
      });
      objects(value.statuses).forEach((s, i) => {
        const p = `${path}.statuses[${i}]`;
        const id = needsNumber(p, s) ? wamidOf(p, s) : null;
        if (id === null) return;
        const status = str(s.status) ?? '';
        const codes = objects(s.errors)
          .map((e) => str(e.code) ?? '')
          .sort()
          .join(',');
        const key = `s:${pn}:${id}:${status}${status === 'failed' ? `:${codes}` : ''}`;
        push({ ...origin, kind: 'status', path: p, status: s, contacts, dedupKey: key });
      });
      if (Array.isArray(value.errors) && value.errors.length > 0) {
        const errors = objects(value.errors);
        push({
          ...origin,
          kind: 'value_errors',
          path: `${path}.errors`,
          errors,
          dedupKey: hashKey(origin, 'errors', value),
        });
      }
      break;
    }
    case 'smb_message_echoes': {
      objects(value.message_echoes).forEach((m, i) => {
        const p = `${path}.message_echoes[${i}]`;
        const id = needsNumber(p, m) ? wamidOf(p, m) : null;
        if (id !== null) {
          push({
            ...origin,
            kind: 'echo',
            path: p,
            echo: m,
            contacts,
            dedupKey: `e:${pn}:${id}:${str(m.type) ?? ''}`,
          });
        }
      });
      break;
    }
    case 'history': {
      objects(value.history).forEach((chunk, h) => {
        const p = `${path}.history[${h}]`;
        if (!needsNumber(p, chunk)) return;
        const errors = objects(chunk.errors);
        if (errors.length > 0) {
          push({
            ...origin,
            kind: 'history_errors',
            path: `${p}.errors`,
            errors,
            dedupKey: hashKey(origin, 'history_errors', { pn, errors }),
          });
        }
        const meta = isObject(chunk.metadata) ? chunk.metadata : null;
        let count = 0;
        objects(chunk.threads).forEach((thread, t) => {
          const threadId = str(thread.id) ?? '';
          objects(thread.messages).forEach((m, i) => {
            count++;
            const mp = `${p}.threads[${t}].messages[${i}]`;
            const id = wamidOf(mp, m);
            if (id !== null)
              push({
                ...origin,
                kind: 'history_message',
                path: mp,
                message: m,
                threadId,
                dedupKey: `h:${pn}:${id}`,
              });
          });
        });
        if (meta !== null) {
          const phase = Number(meta.phase ?? 0);
          const chunkOrder = Number(meta.chunk_order ?? 0);
          const progress = Number(meta.progress ?? 0);
          push({
            ...origin,
            kind: 'history_chunk',
            path: `${p}.metadata`,
            phase: Number.isFinite(phase) ? phase : 0,
            chunkOrder: Number.isFinite(chunkOrder) ? chunkOrder : 0,
            progress: Number.isFinite(progress) ? progress : 0,
            messageCount: count,
            dedupKey: `hc:${pn}:${phase}:${chunkOrder}`,
          });
        } else if (errors.length === 0) {
          push({
            ...origin,
            kind: 'invalid',
            path: p,
            reason: 'history item has neither metadata nor errors',
            value: chunk,
            dedupKey: hashKey(origin, `invalid:${p}`, chunk),
          });
        }
      });
      // Media for history placeholders arrives as a `history` change carrying `messages[]`.
      objects(value.messages).forEach((m, i) => {
        const p = `${path}.messages[${i}]`;
        const id = needsNumber(p, m) ? wamidOf(p, m) : null;
        if (id !== null)
          push({ ...origin, kind: 'history_media', path: p, message: m, dedupKey: `hm:${pn}:${id}` });
      });
      break;
    }
    case 'smb_app_state_sync': {
      objects(value.state_sync).forEach((s, i) => {
        const p = `${path}.state_sync[${i}]`;
        if (needsNumber(p, s))
          push({
            ...origin,
            kind: 'state_sync',
            path: p,
            entry: s,
            dedupKey: hashKey(origin, 'state_sync', { pn, s }),
          });
      });
      break;
    }
    case 'user_preferences': {
      objects(value.user_preferences).forEach((u, i) => {
        const p = `${path}.user_preferences[${i}]`;
        if (needsNumber(p, u)) {
          push({
            ...origin,
            kind: 'user_preference',
            path: p,
            preference: u,
            contacts,
            dedupKey: hashKey(origin, 'user_preferences', { pn, u }),
          });
        }
      });
      break;
    }
    case 'account_update':
      push({
        ...origin,
        kind: 'account_update',
        path,
        value,
        dedupKey: hashKey(origin, 'account_update', { t: origin.entryTime, value }),
      });
      break;
    case 'message_template_status_update':
      push({
        ...origin,
        kind: 'template_status',
        path,
        value,
        dedupKey: hashKey(origin, 'template', { t: origin.entryTime, value }),
      });
      break;
    default:
      push({
        ...origin,
        kind: 'unsupported_field',
        path,
        value,
        dedupKey: hashKey(origin, 'unsupported', { t: origin.entryTime, value }),
      });
  }
  return items;
}
