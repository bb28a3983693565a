import type { CreateTemplateRequest, Template } from '../../../../src/templates/templates.schemas.ts';

/*
 * The template editor's state and its two translations: to the API's definition (what
 * `POST /api/templates` and `PUT /api/templates/:id` take) and from a stored template's Meta
 * components (editing an existing one). Pure functions, so the preview and the tests share them.
 */

export type Category = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type HeaderKind = 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';
export type ParameterFormat = 'positional' | 'named';

export type FormButton =
  | { type: 'QUICK_REPLY'; text: string }
  | { type: 'URL'; text: string; url: string; example: string }
  | { type: 'PHONE_NUMBER'; text: string; phone_number: string }
  | { type: 'COPY_CODE'; example: string };

export type TemplateForm = {
  name: string;
  language: string;
  category: Category;
  parameterFormat: ParameterFormat;
  header: HeaderKind;
  headerText: string;
  /** The media header's sample: Meta's handle from the upload, and the file's name and a preview URL. */
  headerHandle: string;
  headerFileName: string;
  headerPreviewUrl: string;
  body: string;
  footer: string;
  /** Example values by variable name (`1`, `2` … or `first_name`), shared by header and body. */
  examples: Record<string, string>;
  buttons: FormButton[];
  /** An authentication template's options (Meta presets its text). */
  auth: AuthForm;
};

export type OtpType = 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
export type AuthForm = {
  otpType: OtpType;
  security: boolean;
  /** Minutes (1–90) as typed; empty: no expiry warning. */
  expiry: string;
  buttonText: string;
  autofillText: string;
  packageName: string;
  signatureHash: string;
  zeroTapTerms: boolean;
};

export const LANGUAGES = ['en_US', 'en_GB', 'es', 'es_ES', 'es_MX', 'pt_BR', 'pt_PT', 'fr', 'de', 'it'];
export const MEDIA_ACCEPT: Record<'IMAGE' | 'VIDEO' | 'DOCUMENT', string> = {
  IMAGE: 'image/jpeg,image/png',
  VIDEO: 'video/mp4',
  DOCUMENT: 'application/pdf',
};

export function emptyForm(): TemplateForm {
  return {
    name: '',
    language: 'en_US',
    category: 'MARKETING',
    parameterFormat: 'positional',
    header: 'NONE',
    headerText: '',
    headerHandle: '',
    headerFileName: '',
    headerPreviewUrl: '',
    body: '',
    footer: '',
    examples: {},
    buttons: [],
    auth: {
      otpType: 'COPY_CODE',
      security: true,
      expiry: '10',
      buttonText: '',
      autofillText: '',
      packageName: '',
      signatureHash: '',
      zeroTapTerms: false,
    },
  };
}

/** Meta's preset wording of an authentication template in its language (English otherwise). */
const AUTH_TEXTS: Record<string, { body: string; security: string; expiry: string; copy: string }> = {
  en: {
    body: '*{{1}}* is your verification code.',
    security: 'For your security, do not share this code.',
    expiry: 'This code expires in {n} minutes.',
    copy: 'Copy code',
  },
  es: {
    body: 'Tu código de verificación es *{{1}}*.',
    security: 'Por tu seguridad, no lo compartas.',
    expiry: 'Este código caduca en {n} minutos.',
    copy: 'Copiar código',
  },
  pt: {
    body: 'Seu código de verificação é *{{1}}*.',
    security: 'Para sua segurança, não o compartilhe.',
    expiry: 'Este código expira em {n} minutos.',
    copy: 'Copiar código',
  },
};

/** The authentication options of the form, as the API takes them. */
function authenticationOf(auth: AuthForm): NonNullable<CreateTemplateRequest['authentication']> {
  const minutes = Number(auth.expiry);
  return {
    otp_type: auth.otpType,
    add_security_recommendation: auth.security,
    ...(auth.expiry.trim() !== '' ? { code_expiration_minutes: minutes } : {}),
    ...(auth.buttonText ? { button_text: auth.buttonText } : {}),
    ...(auth.otpType !== 'COPY_CODE'
      ? {
          ...(auth.autofillText ? { autofill_text: auth.autofillText } : {}),
          supported_apps:
            auth.packageName || auth.signatureHash
              ? [{ package_name: auth.packageName, signature_hash: auth.signatureHash }]
              : [],
        }
      : {}),
    ...(auth.otpType === 'ZERO_TAP' ? { zero_tap_terms_accepted: auth.zeroTapTerms } : {}),
  };
}

/** What WhatsApp shows of an authentication template: the preset text with an example code. */
function authenticationPreview(form: TemplateForm): Component[] {
  const texts = AUTH_TEXTS[form.language.split('_')[0] ?? 'en'] ?? AUTH_TEXTS.en!;
  const out: Component[] = [
    {
      type: 'BODY',
      text: form.auth.security ? `${texts.body} ${texts.security}` : texts.body,
      example: { body_text: [['123456']] },
    },
  ];
  if (form.auth.expiry.trim() !== '')
    out.push({ type: 'FOOTER', text: texts.expiry.replace('{n}', form.auth.expiry.trim()) });
  const button: Json = { type: 'OTP', otp_type: form.auth.otpType, text: form.auth.buttonText || texts.copy };
  if (form.auth.autofillText) button.autofill_text = form.auth.autofillText;
  out.push({ type: 'BUTTONS', buttons: [button] as never });
  return out;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The variables of a text in order of appearance (repeats once). */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** The next variable to insert: `{{n+1}}` for positional, a fresh name for named. */
export function nextVariable(form: TemplateForm, text: string): string {
  const vars = variablesOf(`${form.headerText} ${text}`);
  if (form.parameterFormat === 'positional') return `{{${variablesOf(text).length + 1}}}`;
  let n = vars.length + 1;
  while (vars.includes(`var_${n}`)) n++;
  return `{{var_${n}}}`;
}

/** The examples given so far (a missing one is the server's problem to name, not an empty string). */
function examplesFor(vars: string[], form: TemplateForm) {
  const given = vars.filter((v) => (form.examples[v] ?? '').trim() !== '');
  if (given.length === 0) return undefined;
  if (form.parameterFormat === 'positional') return given.map((v) => form.examples[v] ?? '');
  return Object.fromEntries(given.map((v) => [v, form.examples[v] ?? '']));
}

/** The API definition of the form (the server checks it and names every problem). */
export function definitionOf(form: TemplateForm, wabaId: string): CreateTemplateRequest {
  if (form.category === 'AUTHENTICATION')
    return {
      waba_id: wabaId,
      name: form.name,
      language: form.language,
      category: 'AUTHENTICATION',
      parameter_format: 'positional',
      authentication: authenticationOf(form.auth),
    };
  const headerVars = variablesOf(form.headerText);
  const bodyVars = variablesOf(form.body);
  let header: CreateTemplateRequest['header'] = null;
  if (form.header === 'TEXT') {
    const examples = examplesFor(headerVars, form);
    header = { format: 'TEXT', text: form.headerText, ...(examples ? { examples } : {}) };
  } else if (form.header !== 'NONE') {
    header = { format: form.header, ...(form.headerHandle ? { example_handle: form.headerHandle } : {}) };
  }
  const bodyExamples = examplesFor(bodyVars, form);
  return {
    waba_id: wabaId,
    name: form.name,
    language: form.language,
    category: form.category,
    parameter_format: form.parameterFormat,
    header,
    body: { text: form.body, ...(bodyExamples ? { examples: bodyExamples } : {}) },
    footer: form.footer ? { text: form.footer } : null,
    buttons: form.buttons.map((b) => {
      if (b.type === 'URL') {
        const { example, ...rest } = b;
        return variablesOf(b.url).length > 0 && example ? { ...rest, example } : rest;
      }
      return b;
    }),
  };
}

type Component = Template['components'][number];
type Json = Record<string, unknown>;

/** The form of a stored template (its Meta components), for editing it. */
export function formFromTemplate(t: Template): TemplateForm {
  const form = emptyForm();
  form.name = t.name;
  form.language = t.language;
  form.category = (t.category?.toUpperCase() as Category) ?? 'MARKETING';
  const by = (type: string) => t.components.find((c) => c.type.toUpperCase() === type);
  const header = by('HEADER');
  const body = by('BODY');
  const named =
    t.parameter_format?.toLowerCase() === 'named' ||
    variablesOf(`${header?.text ?? ''} ${body?.text ?? ''}`).some((v) => !/^\d+$/.test(v));
  form.parameterFormat = named ? 'named' : 'positional';
  const readExamples = (c: Component | undefined, positionalKey: string, namedKey: string) => {
    const ex = (c?.example ?? {}) as Json;
    const named = ex[namedKey] as { param_name: string; example: string }[] | undefined;
    for (const p of named ?? []) form.examples[p.param_name] = p.example;
    const raw = ex[positionalKey] as unknown;
    const list = (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as string[] | undefined;
    if (!Array.isArray(list)) return;
    list.forEach((v, i) => {
      form.examples[String(i + 1)] = String(v);
    });
  };
  if (header) {
    const format = String(header.format ?? 'TEXT').toUpperCase() as HeaderKind;
    form.header = format;
    if (format === 'TEXT') {
      form.headerText = header.text ?? '';
      readExamples(header, 'header_text', 'header_text_named_params');
    } else {
      const handles = ((header.example ?? {}) as Json).header_handle as string[] | undefined;
      form.headerHandle = handles?.[0] ?? '';
    }
  }
  if (form.category === 'AUTHENTICATION') {
    const otp = ((by('BUTTONS')?.buttons ?? []) as Json[])[0] ?? {};
    const app = ((otp.supported_apps ?? []) as Json[])[0] ?? {};
    const minutes = by('FOOTER')?.code_expiration_minutes;
    form.auth = {
      otpType: (String(otp.otp_type ?? 'COPY_CODE').toUpperCase() as OtpType) ?? 'COPY_CODE',
      security: body?.add_security_recommendation === true,
      expiry: minutes === undefined || minutes === null ? '' : String(minutes),
      buttonText: String(otp.text ?? ''),
      autofillText: String(otp.autofill_text ?? ''),
      packageName: String(app.package_name ?? otp.package_name ?? ''),
      signatureHash: String(app.signature_hash ?? otp.signature_hash ?? ''),
      zeroTapTerms: otp.zero_tap_terms_accepted === true,
    };
    return form;
  }
  form.body = body?.text ?? '';
  readExamples(body, 'body_text', 'body_text_named_params');
  form.footer = by('FOOTER')?.text ?? '';
  form.buttons = ((by('BUTTONS')?.buttons ?? []) as Json[]).map((b): FormButton => {
    const type = String(b.type).toUpperCase();
    if (type === 'URL') {
      const ex = b.example as string[] | string | undefined;
      return {
        type: 'URL',
        text: String(b.text ?? ''),
        url: String(b.url ?? ''),
        example: Array.isArray(ex) ? String(ex[0] ?? '') : String(ex ?? ''),
      };
    }
    if (type === 'PHONE_NUMBER')
      return { type: 'PHONE_NUMBER', text: String(b.text ?? ''), phone_number: String(b.phone_number ?? '') };
    if (type === 'COPY_CODE') {
      const ex = b.example as string[] | string | undefined;
      return { type: 'COPY_CODE', example: Array.isArray(ex) ? String(ex[0] ?? '') : String(ex ?? '') };
    }
    return { type: 'QUICK_REPLY', text: String(b.text ?? '') };
  });
  return form;
}

/**
 * The form as Meta's components, for the live preview: what the template will look like with its
 * examples, before the server has seen it.
 */
export function previewComponents(form: TemplateForm): Component[] {
  if (form.category === 'AUTHENTICATION') return authenticationPreview(form);
  const named = form.parameterFormat === 'named';
  const ex = (vars: string[], positionalKey: string, namedKey: string) =>
    vars.length === 0
      ? undefined
      : named
        ? { [namedKey]: vars.map((v) => ({ param_name: v, example: form.examples[v] ?? '' })) }
        : {
            [positionalKey]:
              positionalKey === 'body_text'
                ? [vars.map((v) => form.examples[v] ?? '')]
                : vars.map((v) => form.examples[v] ?? ''),
          };
  const out: Component[] = [];
  if (form.header === 'TEXT' && form.headerText) {
    out.push({
      type: 'HEADER',
      format: 'TEXT',
      text: form.headerText,
      example: ex(variablesOf(form.headerText), 'header_text', 'header_text_named_params'),
    });
  } else if (form.header !== 'NONE' && form.header !== 'TEXT') {
    out.push({ type: 'HEADER', format: form.header, example: { preview_url: form.headerPreviewUrl } });
  }
  out.push({
    type: 'BODY',
    text: form.body || '…',
    example: ex(variablesOf(form.body), 'body_text', 'body_text_named_params'),
  });
  if (form.footer) out.push({ type: 'FOOTER', text: form.footer });
  if (form.buttons.length > 0) out.push({ type: 'BUTTONS', buttons: form.buttons as never });
  return out;
}
