import { parseJsonOr } from '../platform/json.ts';
import type { CampaignParameters, ParameterMapping } from './campaigns.schemas.ts';

type Contact = {
  readonly wa_id: string | null;
  readonly profile_name: string | null;
  readonly address_book_first_name: string | null;
  readonly address_book_name: string | null;
  readonly attributes_json: string;
};

/** A parameter that had no value for a recipient (no attribute, no value, no fallback). */
export class MissingParameter extends Error {}

function parameterValue(
  contact: Contact,
  attrs: Record<string, unknown>,
  m: ParameterMapping,
  where: string,
): string {
  let v: unknown = null;
  if (m.attribute) {
    if (m.attribute === 'wa_id') v = contact.wa_id;
    else if (m.attribute === 'profile_name') v = contact.address_book_name ?? contact.profile_name;
    else if (m.attribute === 'first_name')
      v =
        contact.address_book_first_name ??
        (contact.address_book_name ?? contact.profile_name)?.split(/\s+/)[0];
    else v = attrs[m.attribute];
  }
  const text = v === null || v === undefined ? '' : String(v).trim();
  if (text) return text;
  if (m.value) return m.value;
  if (m.fallback) return m.fallback;
  throw new MissingParameter(
    `no value for ${where} (attribute ${m.attribute ?? '-'} is empty and there is no fallback)`,
  );
}

/**
 * The template content of one recipient's message: each mapped parameter filled from the contact's
 * attributes (or its fixed value, or its fallback), in the shape `POST /api/messages` accepts.
 */
export function templateContentFor(
  template: { name: string; language: string },
  parameters: CampaignParameters,
  contact: Contact,
): Record<string, unknown> {
  const attrs = parseJsonOr<Record<string, unknown>>(contact.attributes_json, {}) ?? {};
  const components: Record<string, unknown>[] = [];
  if (parameters.header) {
    const h = parameters.header;
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
    components.push({
      type: 'button',
      sub_type: 'url',
      index,
      parameters: [{ type: 'text', text: parameterValue(contact, attrs, m, `button ${index}`) }],
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
