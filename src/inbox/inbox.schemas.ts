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
    mentions: z.array(z.object({ user_id: z.string(), name: z.string().nullable() })),
    created_at: ZTimestamp,
  })
  .meta({ id: 'Note' });

export const ZListNotesResponse = ZPage(ZNote);
export const ZCreateNoteRequest = z.object({
  body: z.string().trim().min(1).max(10_000),
  mention_user_ids: z
    .array(z.string().min(1))
    .max(20)
    .optional()
    .describe('Colleagues `@mentioned` in the body; each is notified'),
});

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

/** The snooze presets, in the number's time zone (`inbox/snooze-presets.ts`). */
export const ZSnoozePreset = z.enum(['one_hour', 'tonight', 'tomorrow_morning', 'next_week']);

/** `GET /api/conversations/:id/snooze-options`: each preset with when it would end. */
export const ZSnoozeOptionsResponse = z.object({
  time_zone: z.string().describe("The number's time zone the presets are computed in"),
  options: z.array(z.object({ preset: ZSnoozePreset, until: ZTimestamp })),
});

/** `POST /api/conversations/:id/snooze`: a preset, or a time of one's own (`until`). */
export const ZSnoozeRequest = z
  .object({ preset: ZSnoozePreset.optional(), until: z.iso.datetime({ offset: true }).optional() })
  .refine((b) => (b.preset === undefined) !== (b.until === undefined), {
    message: 'Give exactly one of preset or until.',
  });

/** A note that `@mentioned` me, with its conversation's contact. */
export const ZMention = z
  .object({
    id: z.string(),
    note_id: z.string(),
    conversation_id: z.string(),
    body: z.string(),
    author: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    contact_name: z.string().nullable(),
    created_at: ZTimestamp,
    read_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'Mention' });

export const ZListMentionsRequest = z.object({
  unread: z.enum(['true', 'false']).optional().describe('`true`: only the ones not seen yet'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const ZListMentionsResponse = ZPage(ZMention).extend({
  unread_count: z.number().int().describe('All my unseen mentions'),
});
export const ZMarkMentionsReadRequest = z.object({ conversation_id: z.string().min(1) });
export const ZMarkMentionsReadResponse = z.object({
  marked: z.number().int(),
  unread_count: z.number().int(),
});

/** My browser notification settings; the browser still asks its own permission. */
export const ZNotificationSettings = z
  .object({ notifications: z.boolean(), sound: z.boolean() })
  .meta({ id: 'NotificationSettings' });
export const ZUpdateNotificationSettingsRequest = z
  .object({ notifications: z.boolean().optional(), sound: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change.' });

/** `POST /api/messages/:id/forward`: a copy of the message, sent in another conversation. */
export const ZForwardMessageRequest = z.object({ conversation_id: z.string().min(1) });

export type Mention = z.infer<typeof ZMention>;
export type SnoozeOptions = z.infer<typeof ZSnoozeOptionsResponse>;
export type NotificationSettings = z.infer<typeof ZNotificationSettings>;
