import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { ZPresence, ZRole } from '../users/users.schemas.ts';

/** The API contract of the inbox: labels, notes, canned replies, read receipts, the supervisor view. */

export const ZLabel = z
  .object({ id: z.string(), name: z.string(), color: z.string().nullable(), waba_id: z.string().nullable() })
  .meta({ id: 'Label' });

export const ZListLabelsResponse = ZPage(ZLabel);

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/)
  .nullable();

export const ZCreateLabelRequest = z.object({
  name: z.string().trim().min(1).max(100),
  color: color.optional(),
  waba_id: z.string().min(1).nullable().optional(),
});

export const ZUpdateLabelRequest = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  color: color.optional(),
});

export const ZAddLabelRequest = z.object({ label_id: z.string().min(1) });
export const ZLabelParams = z.object({ id: z.string().min(1), labelId: z.string().min(1) });

/** An internal note on a conversation; never a message. */
export const ZNote = z
  .object({
    id: z.string(),
    conversation_id: z.string(),
    body: z.string(),
    author: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    created_at: ZTimestamp,
  })
  .meta({ id: 'Note' });

export const ZListNotesResponse = ZPage(ZNote);
export const ZCreateNoteRequest = z.object({ body: z.string().trim().min(1).max(10_000) });

/** `POST /api/conversations/:id/read`: the unread count and whether Meta took the read receipt. */
export const ZMarkConversationReadResponse = z.object({
  unread_count: z.number().int(),
  read_receipt: z.object({
    sent: z.boolean(),
    wamid: z.string().nullable(),
    error: z.object({ code: z.number().nullable(), message: z.string() }).optional(),
  }),
});

export type Label = z.infer<typeof ZLabel>;
export type Note = z.infer<typeof ZNote>;

const shortcut = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only');

/** A canned reply: global (`team_id: null`) or of one team. */
export const ZCannedReply = z
  .object({
    id: z.string(),
    shortcut: z.string(),
    text: z.string(),
    team_id: z.string().nullable(),
    waba_id: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'CannedReply' });

export const ZListCannedRepliesRequest = z.object({
  team_id: z.string().min(1).optional(),
  q: z.string().max(100).optional(),
});
export const ZListCannedRepliesResponse = ZPage(ZCannedReply);

export const ZCreateCannedReplyRequest = z.object({
  shortcut,
  text: z.string().min(1).max(4096),
  team_id: z.string().min(1).nullable().optional(),
  waba_id: z.string().min(1).nullable().optional(),
});

export const ZUpdateCannedReplyRequest = z.object({
  shortcut: shortcut.optional(),
  text: z.string().min(1).max(4096).optional(),
});

const ZStatusCounts = z.object({
  open: z.number().int(),
  pending: z.number().int(),
  resolved: z.number().int(),
});

/** `GET /api/supervisor/overview`. */
export const ZSupervisorOverviewResponse = z.object({
  generated_at: ZTimestamp,
  by_status: ZStatusCounts,
  by_assignee: z.array(ZStatusCounts.extend({ assignee_user_id: z.string().nullable() })),
  agents: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: ZRole,
      team_ids: z.array(z.string()),
      presence: ZPresence,
      load: z.number().int().describe('Open conversations assigned to the agent'),
      pending: z.number().int(),
    }),
  ),
});

export type CannedReply = z.infer<typeof ZCannedReply>;
export type SupervisorOverview = z.infer<typeof ZSupervisorOverviewResponse>;
