import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { pageQuery } from '../platform/http/pagination.ts';

/** The API contract of contacts. */

export const ZListContactsRequest = pageQuery.extend({
  q: z.string().max(200).optional(),
  phone_number_id: z.string().min(1).optional(),
  /** Marketing consent from the ledger (`none` = no record). */
  consent: z.enum(['opted_in', 'opted_out', 'none']).optional(),
});

export const ZNumberChange = z.object({
  old_wa_id: z.string().nullable(),
  new_wa_id: z.string(),
  changed_at: ZTimestamp,
  message_wamid: z.string().nullable(),
});

/** A contact (`contact.mapper.ts`); `number_changes` only on the single-contact read. */
export const ZContact = z
  .object({
    id: z.string(),
    phone_number_id: z.string(),
    display_name: z
      .string()
      .nullable()
      .describe('Address-book name, then profile name, then username, then the number'),
    wa_id: z.string().nullable(),
    bsuid: z.string().nullable(),
    parent_bsuid: z.string().nullable(),
    username: z.string().nullable(),
    profile_name: z.string().nullable(),
    address_book_name: z.string().nullable(),
    address_book_first_name: z.string().nullable(),
    in_address_book: z.boolean(),
    address_book_synced_at: ZTimestamp.nullable(),
    marketing_opt_out: z.boolean(),
    marketing_opt_out_at: ZTimestamp.nullable(),
    attributes: z.record(z.string(), z.unknown()),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
    number_changes: z.array(ZNumberChange).optional(),
  })
  .meta({ id: 'Contact' });

export const ZListContactsResponse = ZPage(ZContact);

const attributeValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

const ZAttributes = z
  .record(z.string().min(1).max(100), attributeValue)
  .refine((r) => Object.keys(r).length <= 100, 'at most 100 attributes');

/**
 * `PATCH /api/contacts/:id`: merges custom attributes into the contact's (a `null` value removes
 * one) and, with `name`, sets the name the hub shows (null clears it).
 */
export const ZUpdateContactRequest = z.object({
  attributes: ZAttributes.default({}),
  name: z.string().trim().max(200).nullable().optional(),
});

/** `POST /api/contacts`: a contact of one number, by phone number, from an integration. */
export const ZCreateContactRequest = z.object({
  phone_number_id: z.string().min(1),
  wa_id: z
    .string()
    .min(6)
    .max(20)
    .describe('Phone number in international form, digits (+ and spaces ignored)'),
  name: z.string().trim().max(200).nullable().optional().describe('Shown as the contact name'),
  attributes: ZAttributes.optional(),
});

export type Contact = z.infer<typeof ZContact>;
