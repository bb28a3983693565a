import { z } from 'zod';
import { ZGraphId } from '../graph/graph-ids.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of message templates. */

export const ZListTemplatesRequest = z.object({
  waba_id: z.string().optional(),
  status: z.string().optional(),
  name: z.string().optional(),
});

/** One component of a template as Meta defines it; keys this contract does not name pass through. */
export const ZTemplateComponent = z.looseObject({
  type: z.string(),
  format: z.string().optional(),
  text: z.string().optional(),
  example: z.unknown().optional(),
  buttons: z
    .array(z.looseObject({ type: z.string(), text: z.string(), url: z.string().optional() }))
    .optional(),
});

export const ZTemplate = z
  .object({
    id: z.string(),
    waba_id: z.string(),
    meta_template_id: z.string().nullable(),
    name: z.string(),
    language: z.string(),
    category: z.string().nullable(),
    status: z.string(),
    reason: z.string().nullable(),
    parameter_format: z.string().nullable(),
    components: z.array(ZTemplateComponent),
    status_changed_at: ZTimestamp.nullable(),
    updated_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'Template' });

export const ZListTemplatesResponse = ZPage(ZTemplate);

export const ZSyncTemplatesRequest = z.object({ waba_id: ZGraphId.optional() }).optional();
export const ZSyncTemplatesResponse = z.object({
  data: z.array(
    z.object({ waba_id: z.string(), synced: z.number().int().optional(), error: z.string().optional() }),
  ),
});

export type Template = z.infer<typeof ZTemplate>;
export type TemplateComponent = z.infer<typeof ZTemplateComponent>;
