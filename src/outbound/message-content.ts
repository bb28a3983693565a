import { z } from 'zod';
import {
  isMediaType,
  type MediaType,
  type SendableContent,
  type TemplateComponent,
} from '../messages/content.ts';

export { isMediaType, type MediaType, type TemplateComponent };

/*
 * What the hub can send, with Meta's limits (cloud-api.md §3.1) checked before anything is queued.
 * The shapes follow the Cloud API's per-type objects so that API users meet no surprises; the Graph
 * client (src/graph/send-body.ts) is the one place that writes the wire body.
 */

const mediaRef = z
  .object({
    /** A media id returned by `POST /api/media` (uploaded to Meta). */
    media_id: z.string().min(1).optional(),
    /** An HTTPS URL Meta downloads from. */
    link: z.url({ protocol: /^https?$/ }).optional(),
  })
  .refine((m) => (m.media_id === undefined) !== (m.link === undefined), {
    message: 'give exactly one of media_id or link',
  });

const caption = z.string().max(1024, 'caption is at most 1024 characters').optional();

const textContent = z.object({
  body: z.string().min(1, 'body must not be empty').max(4096, 'body is at most 4096 characters'),
  preview_url: z.boolean().optional(),
});

const headerMedia = (kind: 'image' | 'video' | 'document') =>
  z.object({ type: z.literal(kind), [kind]: mediaRef } as Record<string, z.ZodType>);

const buttonHeader = z.union([
  z.object({
    type: z.literal('text'),
    text: z.string().min(1).max(60, 'header text is at most 60 characters'),
  }),
  headerMedia('image'),
  headerMedia('video'),
  headerMedia('document'),
]);

const footer = z
  .object({ text: z.string().min(1).max(60, 'footer text is at most 60 characters') })
  .optional();

const buttonInteractive = z.object({
  type: z.literal('button'),
  header: buttonHeader.optional(),
  body: z.object({ text: z.string().min(1).max(1024, 'body text is at most 1024 characters') }),
  footer,
  action: z.object({
    buttons: z
      .array(
        z.object({
          type: z.literal('reply'),
          reply: z.object({
            id: z.string().min(1).max(256, 'button id is at most 256 characters'),
            title: z.string().min(1).max(20, 'button title is at most 20 characters'),
          }),
        }),
      )
      .min(1, 'at least one button')
      .max(3, 'at most 3 buttons')
      .refine((b) => new Set(b.map((x) => x.reply.id)).size === b.length, 'button ids must be unique')
      .refine((b) => new Set(b.map((x) => x.reply.title)).size === b.length, 'button titles must be unique'),
  }),
});

const listInteractive = z.object({
  type: z.literal('list'),
  header: z
    .object({
      type: z.literal('text'),
      text: z.string().min(1).max(60, 'header text is at most 60 characters'),
    })
    .optional(),
  body: z.object({ text: z.string().min(1).max(4096, 'body text is at most 4096 characters') }),
  footer,
  action: z
    .object({
      button: z.string().min(1).max(20, 'list button text is at most 20 characters'),
      sections: z
        .array(
          z.object({
            title: z.string().min(1).max(24, 'section title is at most 24 characters').optional(),
            rows: z
              .array(
                z.object({
                  id: z.string().min(1).max(200, 'row id is at most 200 characters'),
                  title: z.string().min(1).max(24, 'row title is at most 24 characters'),
                  description: z.string().max(72, 'row description is at most 72 characters').optional(),
                }),
              )
              .min(1, 'a section needs at least one row'),
          }),
        )
        .min(1, 'at least one section')
        .max(10, 'at most 10 sections'),
    })
    .refine((a) => a.sections.reduce((n, s) => n + s.rows.length, 0) <= 10, {
      message: 'at most 10 rows across all sections',
      path: ['sections'],
    })
    .refine((a) => a.sections.length === 1 || a.sections.every((s) => s.title !== undefined), {
      message: 'every section needs a title when there are several',
      path: ['sections'],
    })
    .refine(
      (a) => {
        const ids = a.sections.flatMap((s) => s.rows.map((r) => r.id));
        return new Set(ids).size === ids.length;
      },
      { message: 'row ids must be unique', path: ['sections'] },
    ),
});

const templateParameter = z.looseObject({ type: z.string().min(1), parameter_name: z.string().optional() });

const templateContent = z.object({
  name: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[a-z0-9_]+$/, 'template names are lowercase letters, digits and _'),
  language: z.string().min(2).max(15),
  /** Meta's components (`header`, `body`, `button` with parameters), sent as given. */
  components: z
    .array(
      z.looseObject({
        type: z.enum(['header', 'body', 'button', 'HEADER', 'BODY', 'BUTTON']),
        sub_type: z.string().optional(),
        index: z.union([z.string(), z.number()]).optional(),
        parameters: z.array(templateParameter).optional(),
      }),
    )
    .optional(),
  /** Shorthand for the body's text parameters: a list (positional) or an object (named). */
  parameters: z.union([z.array(z.string()), z.record(z.string(), z.string())]).optional(),
});

const contactCard = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().min(1) }),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
});

/** The message content part of a send request, as the API accepts it. */
export const contentInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: textContent }),
  z.object({ type: z.literal('image'), image: z.intersection(mediaRef, z.object({ caption })) }),
  z.object({ type: z.literal('video'), video: z.intersection(mediaRef, z.object({ caption })) }),
  z.object({ type: z.literal('audio'), audio: mediaRef }),
  z.object({ type: z.literal('sticker'), sticker: mediaRef }),
  z.object({
    type: z.literal('document'),
    document: z.intersection(mediaRef, z.object({ caption, filename: z.string().max(240).optional() })),
  }),
  z.object({
    type: z.literal('location'),
    location: z.object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().max(1000).optional(),
      address: z.string().max(1000).optional(),
    }),
  }),
  z.object({ type: z.literal('contacts'), contacts: z.array(contactCard).min(1).max(257) }),
  z.object({
    type: z.literal('reaction'),
    /** `message_id`: the hub id or the wamid of the message reacted to; `emoji: ""` removes the reaction. */
    reaction: z.object({ message_id: z.string().min(1), emoji: z.string().max(16) }),
  }),
  z.object({ type: z.literal('template'), template: templateContent }),
  z.object({
    type: z.literal('interactive'),
    interactive: z.discriminatedUnion('type', [buttonInteractive, listInteractive]),
  }),
]);

export type ContentInput = z.infer<typeof contentInputSchema>;

/**
 * Content ready to send, in the hub's one message model (`messages/content.ts`): references
 * resolved (a reaction's `message_id` is a wamid, template components final).
 */
export type OutboundContent = SendableContent;

/** Free-form content needs an open customer-service window; only templates go out without one. */
export function needsOpenWindow(content: { type: string }): boolean {
  return content.type !== 'template';
}
