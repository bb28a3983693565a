import { z } from 'zod';
import { ZGraphId } from '../graph/graph-ids.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of message templates. */

export const ZListTemplatesRequest = z.object({
  waba_id: z.string().optional(),
  category: z.string().optional(),
  language: z.string().optional(),
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
    .array(z.looseObject({ type: z.string(), text: z.string().optional(), url: z.string().optional() }))
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
    quality_score: z.string().nullable(),
    created_by: z.string().nullable(),
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

/* ---------- Template governance: create, edit, delete, history ---------- */

const NAME = /^[a-z0-9_]{1,512}$/;

/** The examples Meta requires for variables: a list for positional `{{1}}`, a map for named `{{name}}`. */
export const ZExamples = z.union([z.array(z.string().min(1)), z.record(z.string(), z.string().min(1))]);

export const ZTemplateHeader = z.discriminatedUnion('format', [
  z.object({
    format: z.literal('TEXT'),
    text: z.string().min(1).max(60),
    examples: ZExamples.optional(),
  }),
  z.object({
    format: z.enum(['IMAGE', 'VIDEO', 'DOCUMENT']),
    /** A media handle from Meta's resumable upload (or any sample handle in the sandbox). */
    example_handle: z.string().min(1).optional(),
  }),
]);

export const ZTemplateButton = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QUICK_REPLY'), text: z.string().min(1).max(25) }),
  z.object({
    type: z.literal('URL'),
    text: z.string().min(1).max(25),
    url: z.string().min(1).max(2000),
    /** The example value of the URL's one variable (`https://x.test/{{1}}`). */
    example: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal('PHONE_NUMBER'),
    text: z.string().min(1).max(25),
    phone_number: z.string().regex(/^\+?[0-9]{6,20}$/),
  }),
  z.object({ type: z.literal('COPY_CODE'), example: z.string().min(1).max(15) }),
]);

/** An Android app that receives one-tap and zero-tap codes: its package name and signing key hash. */
export const ZSupportedApp = z.object({
  package_name: z.string().min(1).max(224),
  signature_hash: z.string().min(1).max(11),
});

/**
 * An authentication template in Meta's own format: no text of its own (Meta presets "{{1}} is your
 * verification code." in the template's language), an optional security recommendation, an
 * optional expiry warning (1 to 90 minutes) and one OTP button: copy code, one-tap autofill or
 * zero-tap (both Android only, with the apps that receive the code; zero-tap with its terms accepted).
 */
export const ZAuthenticationOptions = z.object({
  otp_type: z.enum(['COPY_CODE', 'ONE_TAP', 'ZERO_TAP']),
  add_security_recommendation: z.boolean().optional(),
  code_expiration_minutes: z.number().int().min(1).max(90).nullable().optional(),
  /** The copy code button's label (Meta's default: "Copy code"). */
  button_text: z.string().min(1).max(25).optional(),
  /** The one-tap autofill button's label (Meta's default: "Autofill"). */
  autofill_text: z.string().min(1).max(25).optional(),
  supported_apps: z.array(ZSupportedApp).max(5).optional(),
  zero_tap_terms_accepted: z.boolean().optional(),
});
export type AuthenticationOptions = z.infer<typeof ZAuthenticationOptions>;

/** A template as the web app edits it; turned into Meta's components by `template-definition.ts`. */
export const ZTemplateDefinition = z.object({
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  parameter_format: z.enum(['positional', 'named']).default('positional'),
  header: ZTemplateHeader.nullable().optional(),
  /** Every template but an authentication one has a body text. */
  body: z.object({ text: z.string().min(1).max(1024), examples: ZExamples.optional() }).optional(),
  /** An authentication template's options, instead of header, body, footer and buttons. */
  authentication: ZAuthenticationOptions.nullable().optional(),
  footer: z
    .object({ text: z.string().min(1).max(60) })
    .nullable()
    .optional(),
  buttons: z.array(ZTemplateButton).max(10).optional(),
});

export const ZCreateTemplateRequest = ZTemplateDefinition.extend({
  waba_id: ZGraphId,
  name: z.string().regex(NAME, 'lowercase letters, digits and underscores (at most 512)'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'a language code such as en_US or es'),
});

export const ZEditTemplateRequest = ZTemplateDefinition.partial({ category: true });

export const ZTemplateHistoryEntry = z
  .object({
    id: z.number().int(),
    action: z.string(),
    actor: z.object({ kind: z.enum(['user', 'token', 'system']), id: z.string().nullable() }),
    details: z.record(z.string(), z.unknown()),
    at: ZTimestamp,
  })
  .meta({ id: 'TemplateHistoryEntry' });

export const ZTemplateHistoryResponse = z.object({ data: z.array(ZTemplateHistoryEntry) });
export const ZTemplateResponse = z.object({ data: ZTemplate });

export type TemplateDefinition = z.infer<typeof ZTemplateDefinition>;
export type CreateTemplateRequest = z.infer<typeof ZCreateTemplateRequest>;

/** `POST /api/templates/samples`: the handle of a media header's sample, uploaded to Meta. */
export const ZTemplateSampleResponse = z
  .object({
    data: z.object({
      handle: z.string(),
      format: z.enum(['IMAGE', 'VIDEO', 'DOCUMENT']),
      mime_type: z.string(),
      file_size: z.number().int(),
    }),
  })
  .meta({ id: 'TemplateSample' });
export type TemplateSample = z.infer<typeof ZTemplateSampleResponse>['data'];
