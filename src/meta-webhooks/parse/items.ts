import type { ContactSync, MarketingPreference } from '../../contacts/inbound-events.ts';
import type {
  EchoMessage,
  HistoryChunk,
  HistoryErrors,
  HistoryMedia,
  HistoryMessage,
  InboundMessage,
  StatusUpdate,
} from '../../messages/inbound-events.ts';
import type { AccountUpdate, ValueErrors } from '../../numbers/inbound-events.ts';
import type {
  TemplateCategoryUpdate,
  TemplateQualityUpdate,
  TemplateStatusUpdate,
} from '../../templates/inbound-events.ts';
import { canonicalJson, type Json, sha256, str } from './json.ts';

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
  /** The item as received, kept with a processing failure so an operator can see it. */
  readonly raw?: unknown;
};

/** One independently processed update of a webhook body, as a typed inbound event. */
export type WebhookItem = ItemBase &
  (
    | { kind: 'message'; event: InboundMessage }
    | { kind: 'status'; event: StatusUpdate }
    | { kind: 'echo'; event: EchoMessage }
    | { kind: 'history_message'; event: HistoryMessage }
    | { kind: 'history_chunk'; event: HistoryChunk }
    | { kind: 'history_errors'; event: HistoryErrors }
    | { kind: 'history_media'; event: HistoryMedia }
    | { kind: 'state_sync'; event: ContactSync }
    | { kind: 'user_preference'; event: MarketingPreference }
    | { kind: 'value_errors'; event: ValueErrors }
    | { kind: 'account_update'; event: AccountUpdate }
    | { kind: 'template_status'; event: TemplateStatusUpdate }
    | { kind: 'template_quality'; event: TemplateQualityUpdate }
    | { kind: 'template_category'; event: TemplateCategoryUpdate }
    | { kind: 'unsupported_field'; value: unknown }
    | { kind: 'invalid'; reason: string; value: unknown }
  );

/** An item of one kind. */
export type ItemOf<K extends WebhookItem['kind']> = Extract<WebhookItem, { kind: K }>;

/** A key for updates Meta gives no id: a hash of what they say. */
export function hashKey(origin: ItemOrigin, kind: string, value: unknown): string {
  return `x:${kind}:${sha256(`${origin.wabaId ?? ''}|${origin.field}|${canonicalJson(value)}`)}`;
}

/** Collects the items of one change, with the checks every field family shares. */
export class ItemSink {
  readonly items: WebhookItem[] = [];
  /** `metadata.phone_number_id`, or '' (then {@link needsNumber} refuses the item). */
  readonly pn: string;

  constructor(readonly origin: ItemOrigin) {
    this.pn = origin.phoneNumberId ?? '';
  }

  push(item: WebhookItem): void {
    this.items.push(item);
  }

  invalid(
    path: string,
    reason: string,
    value: unknown,
    key = hashKey(this.origin, `invalid:${path}`, value),
  ): void {
    this.push({ ...this.origin, kind: 'invalid', path, reason, value, dedupKey: key });
  }

  /** Whether the change names its business number; records an invalid item if not. */
  needsNumber(path: string, value: unknown): boolean {
    if (this.origin.phoneNumberId !== null) return true;
    this.invalid(
      path,
      'value.metadata.phone_number_id is missing',
      value,
      hashKey(this.origin, 'invalid', value),
    );
    return false;
  }

  /** The item's `id` (a wamid); records an invalid item if it has none. */
  wamidOf(path: string, value: Json): string | null {
    const id = str(value.id);
    if (id === null) this.invalid(path, 'item has no id', value);
    return id;
  }
}
