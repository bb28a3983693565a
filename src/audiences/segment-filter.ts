import { z } from 'zod';

/** A time range: after (inclusive) and before (exclusive), ISO times; `within_days` = the last N days. */
const ZRange = z
  .object({
    after: z.iso.datetime({ offset: true }).optional(),
    before: z.iso.datetime({ offset: true }).optional(),
    within_days: z.number().int().min(1).max(3650).optional(),
    /** True: only contacts with no such message at all. */
    never: z.boolean().optional(),
  })
  .strict();

export const ZAttributeCondition = z
  .object({
    key: z.string().min(1).max(100),
    op: z.enum(['eq', 'neq', 'contains', 'exists', 'not_exists']),
    value: z.string().max(500).optional(),
  })
  .strict();

/**
 * The filters of a segment; every given filter must hold (AND). Labels match a contact whose
 * conversation has any of the labels; consent is the marketing state from the ledger.
 */
export const ZSegmentFilter = z
  .object({
    phone_number_id: z.string().min(1).optional(),
    labels: z.array(z.string().min(1)).max(50).optional(),
    attributes: z.array(ZAttributeCondition).max(20).optional(),
    consent: z
      .array(z.enum(['opted_in', 'opted_out', 'none']))
      .max(3)
      .optional(),
    last_customer_message: ZRange.optional(),
    last_outbound: ZRange.optional(),
    conversation_status: z
      .array(z.enum(['open', 'pending', 'resolved']))
      .max(3)
      .optional(),
    created: ZRange.optional(),
  })
  .strict();

export type SegmentFilter = z.infer<typeof ZSegmentFilter>;
export type SegmentRange = z.infer<typeof ZRange>;
export type AttributeCondition = z.infer<typeof ZAttributeCondition>;

/** The range as milliseconds (`within_days` counts back from `now`). */
export function rangeBounds(r: SegmentRange, now: number): { from: number | null; to: number | null } {
  let from = r.after ? Date.parse(r.after) : null;
  if (r.within_days !== undefined) {
    const w = now - r.within_days * 86_400_000;
    from = from === null ? w : Math.max(from, w);
  }
  return { from, to: r.before ? Date.parse(r.before) : null };
}

/** Whether a contact's attributes satisfy every condition. */
export function attributesMatch(
  attributes: Record<string, unknown>,
  conditions: readonly AttributeCondition[],
): boolean {
  for (const c of conditions) {
    const has = Object.hasOwn(attributes, c.key) && attributes[c.key] !== null && attributes[c.key] !== '';
    const v = has ? String(attributes[c.key]) : '';
    const want = c.value ?? '';
    switch (c.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'not_exists':
        if (has) return false;
        break;
      case 'eq':
        if (!has || v.toLowerCase() !== want.toLowerCase()) return false;
        break;
      case 'neq':
        if (has && v.toLowerCase() === want.toLowerCase()) return false;
        break;
      case 'contains':
        if (!has || !v.toLowerCase().includes(want.toLowerCase())) return false;
        break;
    }
  }
  return true;
}
