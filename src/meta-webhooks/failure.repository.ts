import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { sha256 } from './parse/json.ts';

/** Processing-failure codes the webhook pipeline records. */
export type FailureCode =
  | 'WEBHOOK_UNPARSABLE'
  | 'WEBHOOK_SHAPE_INVALID'
  | 'UNSUPPORTED_FIELD'
  | 'ITEM_PROCESSING_FAILED'
  /** `entry[].id` is not the WABA the item's number is filed under (`item-context.ts`). */
  | 'WABA_MISMATCH'
  | 'EVENT_PROCESSING_FAILED';

/**
 * Records a visible processing failure (and `failure.recorded`). The id derives from `key` (the item's
 * dedup key, or the body's hash), so a redelivered failing item does not record a second failure.
 * Returns the failure id, or null when it was already recorded.
 */
export async function recordFailure(
  trx: Kysely<DB>,
  input: {
    key: string;
    webhookEventId: number;
    itemPath: string;
    field: string | null;
    code: FailureCode;
    message: string;
    item: unknown;
    phoneNumberId: string | null;
    at: number;
  },
): Promise<string | null> {
  const id = `f_${sha256(input.key).slice(0, 32)}`;
  const inserted = await trx
    .insertInto('processing_failures')
    .values({
      id,
      webhook_event_id: input.webhookEventId,
      item_path: input.itemPath,
      field: input.field,
      code: input.code,
      message: input.message.slice(0, 2000),
      item_json: input.item === undefined ? null : JSON.stringify(input.item),
      created_at: input.at,
      resolved_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await recordEvent(
    trx,
    {
      type: 'failure.recorded',
      phoneNumberId: input.phoneNumberId,
      payload: { failure_id: id, code: input.code },
    },
    input.at,
  );
  return id;
}
