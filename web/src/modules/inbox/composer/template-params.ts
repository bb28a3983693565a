import type { Template } from '../../../api/types.ts';
import { translate } from '../../../i18n/index.ts';
import type { OutgoingMessage } from '../inbox.api.ts';

/**
 * A placeholder of a template component: `{{1}}` (positional) or `{{first_name}}` (named) in the
 * header or body, or the `{{1}}` suffix of a URL button (`key` is then the button's index).
 */
export type Placeholder = { component: 'header' | 'body' | 'button'; key: string };

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

/** URL buttons whose address ends in a variable part, with their index among the buttons. */
function dynamicUrlButtons(template: Template): { index: number; text: string; url: string }[] {
  const buttons = template.components.find((c) => c.type.toLowerCase() === 'buttons')?.buttons ?? [];
  return buttons.flatMap((b, index) =>
    b.type.toUpperCase() === 'URL' && b.url && keysIn(b.url).length > 0
      ? [{ index, text: b.text ?? '', url: b.url }]
      : [],
  );
}

export function placeholdersOf(template: Template): Placeholder[] {
  return [
    ...(['header', 'body'] as const).flatMap((component) =>
      keysIn(componentText(template, component)).map((key) => ({ component, key })),
    ),
    ...dynamicUrlButtons(template).map((b) => ({ component: 'button' as const, key: String(b.index) })),
  ];
}

/** A field's label in the picker. */
export function placeholderLabel(template: Template, p: Placeholder): string {
  if (p.component !== 'button')
    return translate(p.component === 'header' ? 'inbox:templatePicker.header' : 'inbox:templatePicker.body', {
      placeholder: `{{${p.key}}}`,
    });
  const button = dynamicUrlButtons(template).find((b) => String(b.index) === p.key);
  return translate('inbox:templatePicker.button', { button: button?.text ?? p.key });
}

export function fieldId(p: Placeholder): string {
  return `${p.component}.${p.key}`;
}

/** The template's text with the values filled in; empty values show the placeholder. */
export function renderTemplate(template: Template, values: Record<string, string>): string {
  const fill = (component: 'header' | 'body', text: string | undefined) =>
    (text ?? '').replace(PLACEHOLDER, (whole, key: string) => values[`${component}.${key}`] || whole);
  const footer = template.components.find((c) => c.type.toLowerCase() === 'footer')?.text;
  const buttons = dynamicUrlButtons(template).map(
    (b) => `[${b.text}] ${b.url.replace(PLACEHOLDER, (whole) => values[`button.${b.index}`] || whole)}`,
  );
  return [
    fill('header', componentText(template, 'header')),
    fill('body', componentText(template, 'body')),
    footer,
    buttons.join('\n'),
  ]
    .filter((part) => part)
    .join('\n\n');
}

/** The `POST /api/messages` template body, in Meta's send shape. */
export function templateMessage(template: Template, values: Record<string, string>): OutgoingMessage {
  const named = (template.parameter_format ?? '').toLowerCase() === 'named';
  const components: {
    type: string;
    sub_type?: string;
    index?: string;
    parameters: Record<string, string>[];
  }[] = (['header', 'body'] as const)
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
  const buttons = dynamicUrlButtons(template).map((b) => ({
    type: 'button',
    sub_type: 'url',
    index: String(b.index),
    parameters: [{ type: 'text', text: values[`button.${b.index}`] ?? '' }],
  }));
  components.push(...buttons);
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
  for (const component of components as {
    type?: string;
    index?: unknown;
    parameters?: Record<string, unknown>[];
  }[]) {
    const type = (component.type ?? '').toLowerCase();
    if (type === 'button') {
      const text = component.parameters?.[0]?.text;
      if (typeof text === 'string') values[`button.${String(component.index ?? 0)}`] = text;
      continue;
    }
    (component.parameters ?? []).forEach((parameter, index) => {
      const key = typeof parameter.parameter_name === 'string' ? parameter.parameter_name : String(index + 1);
      if (typeof parameter.text === 'string') values[`${type}.${key}`] = parameter.text;
    });
  }
  return values;
}
