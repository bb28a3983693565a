import type { Selectable } from 'kysely';
import { AppError } from '../platform/errors.ts';
import { isOtpButton } from '../templates/authentication-template.ts';
import type { TemplateTable } from '../templates/template.table.ts';
import type { ContentInput, TemplateComponent } from './message-content.ts';

type TemplateInput = Extract<ContentInput, { type: 'template' }>['template'];
type Json = Record<string, unknown>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function placeholders(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** The placeholders of a stored template, per component we check (header text, body, URL buttons). */
function expectedPlaceholders(row: Selectable<TemplateTable>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let components: Json[] = [];
  try {
    const parsed = JSON.parse(row.components_json ?? '[]') as unknown;
    if (Array.isArray(parsed)) components = parsed as Json[];
  } catch {
    components = [];
  }
  for (const c of components) {
    const type = String(c.type ?? '').toLowerCase();
    if (type === 'header' && String(c.format ?? 'TEXT').toUpperCase() === 'TEXT') {
      const p = placeholders(c.text);
      if (p.length > 0) out.set('header', p);
    } else if (type === 'body') {
      const p = placeholders(c.text);
      if (p.length > 0) out.set('body', p);
    } else if (type === 'buttons' && Array.isArray(c.buttons)) {
      (c.buttons as Json[]).forEach((b, i) => {
        // An authentication template's OTP button takes the code (a URL parameter) at send time.
        const p = isOtpButton(b) ? ['1'] : placeholders(b.url);
        if (p.length > 0) out.set(`button:${i}`, p);
      });
    }
  }
  return out;
}

/** A URL button's variable is `{{1}}` and its parameter has no name, whatever the template's format. */
const isButton = (key: string) => key.startsWith('button:');

function formatOf(row: Selectable<TemplateTable>, expected: Map<string, string[]>): 'named' | 'positional' {
  if (row.parameter_format) return row.parameter_format.toLowerCase() === 'named' ? 'named' : 'positional';
  const all = [...expected.entries()].filter(([key]) => !isButton(key)).flatMap(([, names]) => names);
  return all.length > 0 && all.every((p) => /^\d+$/.test(p))
    ? 'positional'
    : all.length
      ? 'named'
      : 'positional';
}

/** Turns the API's template input into Meta's components (the `parameters` shorthand fills the body). */
export function templateComponents(input: TemplateInput): TemplateComponent[] {
  const components: TemplateComponent[] = (input.components ?? []).map((c) => ({
    ...c,
    type: c.type.toLowerCase(),
    ...(c.index !== undefined ? { index: String(c.index) } : {}),
  }));
  if (input.parameters !== undefined) {
    if (components.some((c) => c.type === 'body')) {
      throw new AppError(
        'TEMPLATE_PARAMETERS_INVALID',
        'Give body parameters either in components or in parameters.',
      );
    }
    const parameters = Array.isArray(input.parameters)
      ? input.parameters.map((text) => ({ type: 'text', text }))
      : Object.entries(input.parameters).map(([name, text]) => ({
          type: 'text',
          parameter_name: name,
          text,
        }));
    components.push({ type: 'body', parameters });
  }
  return components;
}

function storedComponents(row: Selectable<TemplateTable>): Json[] {
  try {
    const parsed = JSON.parse(row.components_json ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as Json[]) : [];
  } catch {
    return [];
  }
}

/**
 * An authentication template takes its code twice, as Meta wants it: the body's `{{1}}` and the OTP
 * button's URL parameter (`sub_type: "url"`). A send that gives the code only for the body (the
 * `parameters` shorthand, a campaign's mapping, the inbox's picker) gets the button filled with it.
 */
export function withOtpButtons(
  row: Selectable<TemplateTable> | undefined,
  components: TemplateComponent[],
): TemplateComponent[] {
  if (!row) return components;
  const buttons = storedComponents(row).find((c) => String(c.type).toUpperCase() === 'BUTTONS')?.buttons;
  if (!Array.isArray(buttons)) return components;
  const code = components.find((c) => c.type === 'body')?.parameters?.find((p) => p.type === 'text')?.text;
  if (typeof code !== 'string') return components;
  const out = [...components];
  (buttons as Json[]).forEach((b, i) => {
    if (!isOtpButton(b) || out.some((c) => c.type === 'button' && String(c.index ?? '') === String(i)))
      return;
    out.push({
      type: 'button',
      sub_type: 'url',
      index: String(i),
      parameters: [{ type: 'text', text: code }],
    });
  });
  return out;
}

/**
 * Checks a template send against the local template table: it exists in that language, it is
 * APPROVED, and the parameters match its placeholders (count for positional, names for named).
 */
export function checkTemplate(
  row: Selectable<TemplateTable> | undefined,
  input: { name: string; language: string; components: TemplateComponent[] },
): void {
  if (!row) {
    throw new AppError('TEMPLATE_NOT_FOUND', `No template "${input.name}" in language ${input.language}.`, {
      name: input.name,
      language: input.language,
    });
  }
  if (row.status.toUpperCase() !== 'APPROVED') {
    throw new AppError('TEMPLATE_NOT_APPROVED', `Template "${row.name}" is ${row.status}, not APPROVED.`, {
      name: row.name,
      language: row.language,
      status: row.status,
      reason: row.reason,
    });
  }
  const expected = expectedPlaceholders(row);
  const format = formatOf(row, expected);
  const problems: string[] = [];
  const given = new Map<string, Record<string, unknown>[]>();
  for (const c of input.components) {
    const key = c.type === 'button' ? `button:${c.index ?? ''}` : c.type;
    given.set(key, c.parameters ?? []);
  }
  for (const [key, names] of expected) {
    const params = (given.get(key) ?? []).filter((p) => p.type !== 'payload' && p.type !== 'action');
    if (format === 'positional' || isButton(key)) {
      const count = new Set(names).size;
      if (params.length !== count)
        problems.push(`${key} expects ${count} parameter(s), got ${params.length}`);
    } else {
      const want = new Set(names);
      const got = new Set(params.map((p) => String(p.parameter_name ?? '')));
      const missing = [...want].filter((n) => !got.has(n));
      const extra = [...got].filter((n) => !want.has(n));
      if (missing.length) problems.push(`${key} is missing parameter(s): ${missing.join(', ')}`);
      if (extra.length) problems.push(`${key} has unknown parameter(s): ${extra.join(', ')}`);
    }
  }
  for (const [key, params] of given) {
    if (!expected.has(key) && key !== 'header' && params.some((p) => p.type === 'text')) {
      problems.push(`${key} has parameters but the template has no placeholders there`);
    }
  }
  if (row.category?.toUpperCase() === 'AUTHENTICATION') {
    const codes = input.components.flatMap((c) => (c.parameters ?? []).map((p) => p.text));
    if (codes.some((code) => typeof code === 'string' && code.length > 15))
      problems.push('a verification code is at most 15 characters');
  }
  if (problems.length > 0) {
    throw new AppError('TEMPLATE_PARAMETERS_INVALID', problems.join('; '), {
      name: row.name,
      language: row.language,
      parameter_format: format,
      expected: Object.fromEntries(expected),
      problems,
    });
  }
}
