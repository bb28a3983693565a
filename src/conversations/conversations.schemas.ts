import { z } from 'zod';
import { ZContact } from '../contacts/contacts.schemas.ts';
import { ZLabel } from '../inbox/inbox.schemas.ts';
import { ZMessage } from '../messages/messages.schemas.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { pageQuery } from '../platform/http/pagination.ts';

/** The API contract of conversations and their messages. */

export const ZConversationStatus = z.enum(['open', 'pending', 'resolved']);

export const ZListConversationsRequest = pageQuery.extend({
  phone_number_id: z.string().min(1).optional(),
  status: ZConversationStatus.optional(),
  assignee: z.string().min(1).optional().describe('A user id, `me`, or `none` for unassigned'),
  team_id: z.string().min(1).optional(),
  label: z.string().min(1).optional().describe('A label id'),
  q: z.string().max(200).optional(),
});

/** A conversation with its contact and labels embedded (`conversation.mapper.ts`). */
export const ZConversation = z
  .object({
    id: z.string(),
    phone_number_id: z.string(),
    contact_id: z.string(),
    contact: ZContact.nullable(),
    status: ZConversationStatus,
    window: z
      .object({ expires_at: ZTimestamp.nullable(), open: z.boolean() })
      .describe('The customer-service window: open while now < expires_at'),
    fep_expires_at: ZTimestamp.nullable(),
    fep_open: z.boolean(),
    last_customer_message_at: ZTimestamp.nullable(),
    last_message_at: ZTimestamp.nullable(),
    last_message_preview: z.string().nullable(),
    unread_count: z.number().int(),
    assignee_user_id: z.string().nullable(),
    team_id: z.string().nullable(),
    snoozed_until: ZTimestamp.nullable().describe('While snoozed (pending): when it comes back on its own'),
    snoozed_by: z.string().nullable().describe('Who snoozed it: a user id, or a rule'),
    labels: z.array(ZLabel),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'Conversation' });

export const ZListConversationsResponse = ZPage(ZConversation);
export const ZListMessagesResponse = ZPage(ZMessage);

/** `PATCH /api/conversations/:id`: assign, transfer, resolve or reopen, set labels. */
export const ZUpdateConversationRequest = z
  .object({
    assignee_user_id: z.string().min(1).nullable().optional(),
    team_id: z.string().min(1).nullable().optional(),
    status: ZConversationStatus.optional(),
    labels: z.array(z.string().min(1)).max(50).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change.' });

export type Conversation = z.infer<typeof ZConversation>;
export type ConversationStatus = z.infer<typeof ZConversationStatus>;
export type UpdateConversationRequest = z.infer<typeof ZUpdateConversationRequest>;
