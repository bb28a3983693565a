import { parseJsonOr } from '../platform/json.ts';
import type { CampaignParameters, MediaHeaderParameter, ParameterMapping } from './campaigns.schemas.ts';

type Contact = {
  readonly wa_id: string | null;
  readonly profile_name: string | null;
  readonly address_book_first_name: string | null;
  readonly address_book_name: string | null;
  readonly attributes_json: string;
};

type Json = Record<string, unknown>;

/** A parameter that had no value for a recipient (no attribute, no value, no fallback). */
export class MissingParameter extends Error {}

/** What a campaign needs to know of its template's components to fill them. */
export type TemplateShape = {
  /** `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT`, or null without a header. */
  readonly headerFormat: string | null;
  readonly headerVariables: readonly string[];
  readonly bodyVariables: readonly string[];
  /** Buttons that take a parameter at send time, by zero-based index: a URL's variable or a copy code. */
  readonly buttons: ReadonlyMap<string, 'url' | 'copy_code'>;
  readonly format: 'named' | 'positional';
};

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const variablesOf = (text: unknown): string[] =>
  typeof text === 'string' ? [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))] : [];

/** Reads a stored template's components (Meta's shape) into what a campaign fills. */
export function templateShape(row: { components_json: string | null; parameter_format: string | null }) {
  const components = parseJsonOr<Json[]>(row.components_json, []) ?? [];
  const by = (type: string) => components.find((c) => String(c.type).toUpperCase() === type);
  const header = by('HEADER');
  const buttons = new Map<string, 'url' | 'copy_code'>();
  const list = (by('BUTTONS')?.buttons ?? []) as Json[];
  list.forEach((b, i) => {
    const type = String(b.type).toUpperCase();
    if (type === 'URL' && variablesOf(b.url).length > 0) buttons.set(String(i), 'url');
    if (type === 'COPY_CODE') buttons.set(String(i), 'copy_code');
  });
  const headerFormat = header ? String(header.format ?? 'TEXT').toUpperCase() : null;
  const bodyVariables = variablesOf(by('BODY')?.text);
  const headerVariables = headerFormat === 'TEXT' ? variablesOf(header?.text) : [];
  const named =
    row.parameter_format?.toLowerCase() === 'named' ||
    (row.parameter_format === null && [...bodyVariables, ...headerVariables].some((v) => !/^\d+$/.test(v)));
  const shape: TemplateShape = {
    headerFormat,
    headerVariables,
    bodyVariables,
    buttons,
    format: named ? 'named' : 'positional',
  };
  return shape;
}

const isMedia = (h: CampaignParameters['header']): h is MediaHeaderParameter =>
  !!h && !Array.isArray(h) && typeof (h as { type?: unknown }).type === 'string';

function mappedNames(m: CampaignParameters['body'] | CampaignParameters['header']): string[] | number {
  if (!m || isMedia(m)) return 0;
  return Array.isArray(m) ? m.length : Object.keys(m);
}

function checkText(where: string, vars: readonly string[], given: string[] | number, named: boolean) {
  const count = typeof given === 'number' ? given : given.length;
  if (vars.length === 0) return count > 0 ? [`${where}: the template has no variables there`] : [];
  if (!named) {
    const n = typeof given === 'number' ? given : -1;
    return n === vars.length ? [] : [`${where}: map ${vars.length} parameter(s) in order ({{1}}…)`];
  }
  if (typeof given === 'number') return [`${where}: map the named variables ${vars.join(', ')}`];
  const missing = vars.filter((v) => !given.includes(v));
  const extra = given.filter((v) => !vars.includes(v));
  return [
    ...(missing.length ? [`${where}: map ${missing.join(', ')}`] : []),
    ...(extra.length ? [`${where}: the template has no ${extra.join(', ')}`] : []),
  ];
}

/**
 * Checks a campaign's parameters against its template before anything is sent: every variable of
 * the header and body mapped (positional in order, named by name), a media header given its file
 * of the right kind, and every URL variable and copy code mapped by the button's index.
 */
export function parameterProblems(shape: TemplateShape, parameters: CampaignParameters): string[] {
  const named = shape.format === 'named';
  const problems: string[] = [];
  const header = parameters.header;
  if (shape.headerFormat && shape.headerFormat !== 'TEXT') {
    const want = shape.headerFormat.toLowerCase();
    if (!isMedia(header))
      problems.push(`header: give the ${want} every recipient gets (a link or a media id)`);
    else if (header.type !== want)
      problems.push(`header: the template's header is a ${want}, not a ${header.type}`);
  } else if (isMedia(header)) problems.push('header: the template has no media header');
  else problems.push(...checkText('header', shape.headerVariables, mappedNames(header), named));
  problems.push(...checkText('body', shape.bodyVariables, mappedNames(parameters.body), named));
  const buttons = parameters.buttons ?? {};
  for (const [index, kind] of shape.buttons) {
    if (!buttons[index])
      problems.push(`button ${Number(index) + 1}: map its ${kind === 'url' ? 'URL variable' : 'copy code'}`);
  }
  for (const index of Object.keys(buttons)) {
    if (!shape.buttons.has(index)) problems.push(`button ${Number(index) + 1} takes no parameter`);
  }
  return problems;
}

function attributeOf(contact: Contact, attrs: Record<string, unknown>, attribute: string): unknown {
  if (attribute === 'wa_id') return contact.wa_id;
  if (attribute === 'profile_name') return contact.address_book_name ?? contact.profile_name;
  if (attribute === 'first_name')
    return (
      contact.address_book_first_name ?? (contact.address_book_name ?? contact.profile_name)?.split(/\s+/)[0]
    );
  return attrs[attribute];
}

function parameterValue(
  contact: Contact,
  attrs: Record<string, unknown>,
  m: ParameterMapping,
  where: string,
): string {
  const v = m.attribute ? attributeOf(contact, attrs, m.attribute) : null;
  const text = v === null || v === undefined ? '' : String(v).trim();
  if (text) return text;
  if (m.value) return m.value;
  if (m.fallback) return m.fallback;
  throw new MissingParameter(
    `no value for ${where} (attribute ${m.attribute ?? '-'} is empty and there is no fallback)`,
  );
}

function mediaParameter(contact: Contact, attrs: Record<string, unknown>, h: MediaHeaderParameter): Json {
  const fromAttribute = h.attribute ? String(attributeOf(contact, attrs, h.attribute) ?? '').trim() : '';
  const link = /^https?:\/\//.test(fromAttribute) ? fromAttribute : h.link;
  const media: Json = link ? { link } : h.id ? { id: h.id } : {};
  if (!media.link && !media.id)
    throw new MissingParameter(`no ${h.type} for the header (attribute ${h.attribute ?? '-'} holds no link)`);
  if (h.type === 'document' && h.filename) media.filename = h.filename;
  return { type: h.type, [h.type]: media };
}

/**
 * The template content of one recipient's message: each mapped parameter filled from the contact's
 * attributes (or its fixed value, or its fallback), in the shape `POST /api/messages` accepts: the
 * header's text or media, the body's positional or named values, and each URL variable
 * (`sub_type: url`) or copy code (`sub_type: copy_code`, a `coupon_code` parameter) by index.
 */
export function templateContentFor(
  template: { name: string; language: string; shape?: TemplateShape },
  parameters: CampaignParameters,
  contact: Contact,
): Record<string, unknown> {
  const attrs = parseJsonOr<Record<string, unknown>>(contact.attributes_json, {}) ?? {};
  const components: Json[] = [];
  const h = parameters.header;
  if (isMedia(h)) components.push({ type: 'header', parameters: [mediaParameter(contact, attrs, h)] });
  else if (h) {
    components.push({
      type: 'header',
      parameters: Array.isArray(h)
        ? h.map((m, i) => ({ type: 'text', text: parameterValue(contact, attrs, m, `header {{${i + 1}}}`) }))
        : Object.entries(h).map(([name, m]) => ({
            type: 'text',
            parameter_name: name,
            text: parameterValue(contact, attrs, m, `header {{${name}}}`),
          })),
    });
  }
  for (const [index, m] of Object.entries(parameters.buttons ?? {})) {
    const value = parameterValue(contact, attrs, m, `button ${index}`);
    const copyCode = template.shape?.buttons.get(index) === 'copy_code';
    components.push({
      type: 'button',
      sub_type: copyCode ? 'copy_code' : 'url',
      index,
      parameters: [copyCode ? { type: 'coupon_code', coupon_code: value } : { type: 'text', text: value }],
    });
  }
  const body = parameters.body;
  const out: Record<string, unknown> = { name: template.name, language: template.language, components };
  if (body) {
    out.parameters = Array.isArray(body)
      ? body.map((m, i) => parameterValue(contact, attrs, m, `body {{${i + 1}}}`))
      : Object.fromEntries(
          Object.entries(body).map(([name, m]) => [
            name,
            parameterValue(contact, attrs, m, `body {{${name}}}`),
          ]),
        );
  }
  return { type: 'template', template: out };
}
