import type { NumberState } from '../world/types.ts';

/** One update waiting for delivery: a change of one field for one WABA (and maybe one number). */
export interface WebhookUpdate {
  wabaId: string;
  field: string;
  /** Set for message-type fields (they carry `metadata`); null for account and template fields. */
  phoneNumberId: string | null;
  value: Record<string, unknown>;
  /** Management fields (account_update, templates) carry `entry[].time`. */
  time: number | null;
}

/** `value` head of every message-type field: messaging_product + metadata. */
export function messageValue(number: NumberState, rest: Record<string, unknown>): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
    ...rest,
  };
}

const MERGEABLE = new Set(['messages', 'smb_message_echoes', 'smb_app_state_sync']);
const ARRAY_KEYS = ['contacts', 'messages', 'statuses', 'message_echoes', 'state_sync', 'errors'];

/**
 * Builds one POST body from several updates as Meta batches them: one entry per WABA, one change
 * per field and number, and several items in the arrays of a `messages` change.
 */
export function buildEnvelope(updates: readonly WebhookUpdate[]): Record<string, unknown> {
  const entries: {
    id: string;
    time: number | null;
    changes: { value: Record<string, unknown>; field: string }[];
  }[] = [];
  for (const u of updates) {
    let entry = entries.find((e) => e.id === u.wabaId && (e.time === null) === (u.time === null));
    if (!entry) {
      entry = { id: u.wabaId, time: u.time, changes: [] };
      entries.push(entry);
    }
    const mergeInto =
      MERGEABLE.has(u.field) && u.phoneNumberId
        ? entry.changes.find(
            (c) =>
              c.field === u.field &&
              (c.value.metadata as { phone_number_id?: string } | undefined)?.phone_number_id ===
                u.phoneNumberId,
          )
        : undefined;
    if (mergeInto) {
      mergeArrays(mergeInto.value, u.value);
    } else {
      entry.changes.push({ value: structuredClone(u.value), field: u.field });
    }
  }
  return {
    object: 'whatsapp_business_account',
    entry: entries.map((e) =>
      e.time === null ? { id: e.id, changes: e.changes } : { id: e.id, time: e.time, changes: e.changes },
    ),
  };
}

function mergeArrays(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of ARRAY_KEYS) {
    const add = source[key];
    if (!Array.isArray(add)) continue;
    const existing = Array.isArray(target[key]) ? (target[key] as unknown[]) : [];
    if (key === 'contacts') {
      for (const c of add) {
        const waId = (c as { wa_id?: string }).wa_id;
        if (!existing.some((e) => (e as { wa_id?: string }).wa_id === waId)) existing.push(c);
      }
    } else {
      existing.push(...add);
    }
    target[key] = existing;
  }
}

/** Number of items an update counts for in a batch (Meta caps a POST at 1000 updates). */
export function updateSize(u: WebhookUpdate): number {
  let n = 0;
  for (const key of ['messages', 'statuses', 'message_echoes', 'state_sync', 'history']) {
    const arr = u.value[key];
    if (Array.isArray(arr)) n += arr.length;
  }
  return Math.max(1, n);
}

/**
 * Serialises a webhook body as Meta does: non-ASCII characters as `\uXXXX` escapes and `/` as
 * `\/`. Signatures cover these exact bytes (client libraries such as whatsapp-api-js rely on it).
 */
export function serializeBody(body: unknown): string {
  return JSON.stringify(body)
    .replace(/[^\0-~]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('/', '\\/');
}
