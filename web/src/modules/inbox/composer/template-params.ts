import type { Template } from '../../../api/types.ts';
import type { OutgoingMessage } from '../inbox.api.ts';

/** A placeholder of a template component: `{{1}}` (positional) or `{{first_name}}` (named). */
export type Placeholder = { component: 'header' | 'body'; key: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function keysIn(text: string | undefined): string[] {
  if (!text) return [];
  const keys: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const key = match[1];
    if (key && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

function componentText(template: Template, type: 'header' | 'body'): string | undefined {
  const component = template.components.find((c) => c.type.toLowerCase() === type);
  if (!component) return undefined;
  if (type === 'header' && component.format && component.format.toUpperCase() !== 'TEXT') return undefined;
  return component.text;
}

export function placeholdersOf(template: Template): Placeholder[] {
  return (['header', 'body'] as const).flatMap((component) =>
    keysIn(componentText(template, component)).map((key) => ({ component, key })),
  );
}

export function fieldId(p: Placeholder): string {
  return `${p.component}.${p.key}`;
}

/** The template's text with the values filled in; empty values show the placeholder. */
export function renderTemplate(template: Template, values: Record<string, string>): string {
  const fill = (component: 'header' | 'body', text: string | undefined) =>
    (text ?? '').replace(PLACEHOLDER, (whole, key: string) => values[`${component}.${key}`] || whole);
  const footer = template.components.find((c) => c.type.toLowerCase() === 'footer')?.text;
  return [
    fill('header', componentText(template, 'header')),
    fill('body', componentText(template, 'body')),
    footer,
  ]
    .filter((part) => part)
    .join('\n\n');
}

/** The `POST /api/messages` template body, in Meta's send shape. */
export function templateMessage(template: Template, values: Record<string, string>): OutgoingMessage {
  const named = (template.parameter_format ?? '').toLowerCase() === 'named';
  const components = (['header', 'body'] as const)
    .map((component) => {
      const parameters = placeholdersOf(template)
        .filter((p) => p.component === component)
        .map(
          (p): Record<string, string> =>
            named
              ? { type: 'text', parameter_name: p.key, text: values[fieldId(p)] ?? '' }
              : { type: 'text', text: values[fieldId(p)] ?? '' },
        );
      return { type: component, parameters };
    })
    .filter((c) => c.parameters.length > 0);
  return {
    type: 'template',
    template: {
      name: template.name,
      language: template.language,
      ...(components.length ? { components } : {}),
    },
  };
}

/** The values a sent template carried, keyed like the picker's fields (`body.1`, `header.name`). */
export function valuesFromComponents(components: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!Array.isArray(components)) return values;
  for (const component of components as { type?: string; parameters?: Record<string, unknown>[] }[]) {
    const type = (component.type ?? '').toLowerCase();
    (component.parameters ?? []).forEach((parameter, index) => {
      const key = typeof parameter.parameter_name === 'string' ? parameter.parameter_name : String(index + 1);
      if (typeof parameter.text === 'string') values[`${type}.${key}`] = parameter.text;
    });
  }
  return values;
}
